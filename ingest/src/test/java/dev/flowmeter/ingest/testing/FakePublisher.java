package dev.flowmeter.ingest.testing;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.ingest.kafka.EventPublisher;
import dev.flowmeter.ingest.kafka.KafkaUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a route publishes; answers with whatever outcome the test chose. For route tests only. */
public final class FakePublisher implements EventPublisher {

    private final List<List<DeliveryEvent>> batches = new CopyOnWriteArrayList<>();
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> publishOutcome = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<Void> rejectOutcome = CompletableFuture.completedFuture(null);

    public void failPublishWithKafkaUnavailable() {
        publishOutcome = CompletableFuture.failedFuture(new KafkaUnavailableException("no broker answered", null));
    }

    public void failPublishWith(RuntimeException failure) {
        publishOutcome = CompletableFuture.failedFuture(failure);
    }

    /** Publishing completes when the test completes {@code acknowledgement}. */
    public void acknowledgeWith(CompletableFuture<Void> acknowledgement) {
        publishOutcome = acknowledgement;
    }

    public void failRejectWithKafkaUnavailable() {
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

    public List<List<DeliveryEvent>> batches() {
        return batches;
    }

    public List<Rejection> rejections() {
        return rejections;
    }
}
