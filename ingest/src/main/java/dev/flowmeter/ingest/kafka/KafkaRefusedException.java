package dev.flowmeter.ingest.kafka;

import java.util.Objects;

/**
 * Kafka will never take one of the events as sent, however often it is resent: it is too large for one record, or
 * the broker refused its record's timestamp. A route answers it with a 4xx naming the event, never a 503, so that a
 * sender does not retry for ever. The message is written for whoever reads the answer.
 */
public final class KafkaRefusedException extends RuntimeException {

    /** Why Kafka refused the event. */
    public enum Reason {
        /** Larger than one Kafka record may be; refused before anything of the request was written. */
        TOO_LARGE,
        /** The broker refused the record's timestamp ({@code message.timestamp.*.max.ms}). */
        INVALID_TIMESTAMP
    }

    private final Reason reason;
    private final int index;
    private final String eventId;

    /**
     * @param index   the event's position in the list given to {@link EventPublisher#publish}
     * @param eventId the event's id
     */
    public KafkaRefusedException(Reason reason, int index, String eventId, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.index = index;
        this.eventId = Objects.requireNonNull(eventId, "eventId");
    }

    public Reason reason() {
        return reason;
    }

    public int index() {
        return index;
    }

    public String eventId() {
        return eventId;
    }
}
