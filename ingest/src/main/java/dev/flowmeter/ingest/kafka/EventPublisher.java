package dev.flowmeter.ingest.kafka;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the HTTP routes hand accepted and refused input. It exists so a route can answer 202 only after Kafka has
 * durably taken every event, without knowing about producers, and so tests can swap Kafka for a fake.
 *
 * <p>Neither method blocks on Kafka beyond a short, bounded metadata wait. Returned futures may complete on a Kafka
 * I/O thread: callers should move slow work (such as writing an HTTP response) to another thread.
 */
public interface EventPublisher {

    /**
     * Writes the events in order, with the time they are written as their records' timestamps (the events' own times
     * stay in the values). Completes normally once Kafka acknowledged every one of them, or exceptionally with
     * {@link KafkaUnavailableException} when any could not be written in time, or with {@link KafkaRefusedException}
     * when Kafka will never take one of them as sent. Some may then have been written, which is safe because the
     * topology deduplicates by id and the sender resends the whole request; an event too large for a record is found
     * before any is sent.
     */
    CompletableFuture<Void> publish(List<DeliveryEvent> events);

    /** Best effort: writes refused input to the dead-letter topic; fails with {@link KafkaUnavailableException}. */
    CompletableFuture<Void> reject(Rejection rejection);
}
