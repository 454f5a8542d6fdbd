package dev.flowmeter.ingest.kafka;

/**
 * Kafka did not take a write in time (broker down, no leader, buffer full, producer closed). It is the one failure a
 * route turns into 503 with {@code Retry-After}: the input was fine, the sender should try again later.
 */
public final class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
