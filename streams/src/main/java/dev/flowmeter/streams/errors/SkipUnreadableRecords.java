package dev.flowmeter.streams.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** A record on an input topic that is not what the topic should hold is dead-lettered and skipped. */
public final class SkipUnreadableRecords implements DeserializationExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        return Response.resume(DeadLetters.report(DeadLetters.UNREADABLE_RECORD, context, exception));
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
