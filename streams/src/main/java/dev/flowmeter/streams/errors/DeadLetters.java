package dev.flowmeter.streams.errors;

import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record the topology could not read, process or write becomes a {@link Rejection} on the dead-letter topic, with
 * {@link #SOURCE} as its source and the reason as a short label; the topology counts those as
 * {@code flowmeter_processing_errors_total{reason}} and goes on with the next record. Where the record came from
 * (topic, partition, offset, processor) and what failed go in the rejection's errors, so a person can find it.
 */
public final class DeadLetters {

    /** The source of the rejections the topology writes about itself. */
    public static final String SOURCE = "topology";
    public static final String UNREADABLE_RECORD = "unreadable_record";
    public static final String PROCESSING_FAILED = "processing_failed";
    public static final String RECORD_TOO_LARGE = "record_too_large";
    public static final String UNWRITABLE_RECORD = "unwritable_record";

    private static final int MAX_MESSAGE_LENGTH = 300;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /** Logs the failure once and returns the dead-letter record that reports it. */
    static List<ProducerRecord<byte[], byte[]>> report(String reason, ErrorHandlerContext context, Exception failure) {
        String where = "topic " + context.topic() + ", partition " + context.partition() + ", offset "
                + context.offset() + ", processor " + context.processorNodeId();
        String what = failure.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(failure.getMessage()));
        // No payload in the log: it may hold anything a sender wrote. The dead letter keeps it for a person.
        LOG.error("skipped a record the topology cannot handle ({}) at {}: {}; it is in {}", reason, where, what,
                Topics.DEAD_LETTER.name());
        Instant now = Instant.now();
        Rejection rejection = new Rejection(now, SOURCE, reason,
                List.of(new FieldError("", where), new FieldError("", what)),
                Rejection.keptBody(context.sourceRawValue()));
        byte[] value = Topics.DEAD_LETTER.valueSerde().serializer().serialize(Topics.DEAD_LETTER.name(), rejection);
        return List.of(new ProducerRecord<>(Topics.DEAD_LETTER.name(), null, now.toEpochMilli(),
                SOURCE.getBytes(StandardCharsets.UTF_8), value));
    }

    private static String abbreviate(String message) {
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }
}
