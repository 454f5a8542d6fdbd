package dev.flowmeter.streams.errors;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record whose processing throws is dead-lettered and skipped rather than stopping every metric: the processors
 * validate what they read, so this is the net under a bug, not a path that valid input takes.
 */
public final class SkipFailedRecords implements ProcessingExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return Response.resume(DeadLetters.report(DeadLetters.PROCESSING_FAILED, context, exception));
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
