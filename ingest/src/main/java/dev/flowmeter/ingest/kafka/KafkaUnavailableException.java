package dev.flowmeter.ingest.kafka;

/**
 * Kafka did not take a write in time (broker down, no leader, buffer full, producer closed, or a problem of the
 * server's own Kafka setup such as missing authorisation). It is the one failure a route turns into 503 with
 * {@code Retry-After}: the input was fine, the sender should try again later. What the sender could fix is a
 * {@link KafkaRefusedException} instead.
 */
public final class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
