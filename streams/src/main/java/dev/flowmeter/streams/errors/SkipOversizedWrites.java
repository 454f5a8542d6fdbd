package dev.flowmeter.streams.errors;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * A record Kafka will never take (too large) or that cannot be serialised is dead-lettered and skipped, instead of
 * failing the task again at every restart. State values are bounded by design, so this should never fire; if it
 * does, the state store and its changelog may differ for that one key, which the log and the counter make visible.
 * Any other error fails as usual: it is not caused by one record and retrying may help.
 */
public final class SkipOversizedWrites implements ProductionExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            return Response.resume(DeadLetters.report(DeadLetters.RECORD_TOO_LARGE, context, exception));
        }
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        return Response.resume(DeadLetters.report(DeadLetters.UNWRITABLE_RECORD, context, exception));
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
