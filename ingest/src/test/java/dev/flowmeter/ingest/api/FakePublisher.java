package dev.flowmeter.ingest.api;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.ingest.kafka.EventPublisher;
import dev.flowmeter.ingest.kafka.KafkaUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a route publishes; answers with whatever outcome the test chose. */
final class FakePublisher implements EventPublisher {

    private final List<List<DeliveryEvent>> batches = new CopyOnWriteArrayList<>();
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> publishOutcome = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<Void> rejectOutcome = CompletableFuture.completedFuture(null);

    void failPublishWithKafkaUnavailable() {
        publishOutcome = CompletableFuture.failedFuture(new KafkaUnavailableException("no broker answered", null));
    }

    void failPublishWith(RuntimeException failure) {
        publishOutcome = CompletableFuture.failedFuture(failure);
    }

    /** Publishing completes when the test completes {@code acknowledgement}. */
    void acknowledgeWith(CompletableFuture<Void> acknowledgement) {
        publishOutcome = acknowledgement;
    }

    void failRejectWithKafkaUnavailable() {
        rejectOutcome = CompletableFuture.failedFuture(new KafkaUnavailableException("no broker answered", null));
    }

    @Override
    public CompletableFuture<Void> publish(List<DeliveryEvent> events) {
        batches.add(List.copyOf(events));
        return publishOutcome;
    }

    @Override
    public CompletableFuture<Void> reject(Rejection rejection) {
        rejections.add(rejection);
        return rejectOutcome;
    }

    List<List<DeliveryEvent>> batches() {
        return batches;
    }

    List<Rejection> rejections() {
        return rejections;
    }
}
