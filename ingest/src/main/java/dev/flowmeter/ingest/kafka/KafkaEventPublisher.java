package dev.flowmeter.ingest.kafka;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The production {@link EventPublisher}: one idempotent {@code acks=all} producer writing events to
 * {@code Topics.EVENTS} keyed by service and rejections to {@code Topics.DEAD_LETTER} keyed by source. One producer
 * serves both topics, so values are serialised here, with each topic's own serde: what lands on a topic is exactly
 * what its readers expect.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    static final int LINGER_MS = 5;
    /** Bounds how long {@code send} may block the calling HTTP thread waiting for metadata or buffer space. */
    static final Duration MAX_BLOCK = Duration.ofSeconds(1);
    static final Duration MIN_DELIVERY_TIMEOUT = Duration.ofMillis(100);

    private static final Serializer<DeliveryEvent> EVENT_VALUES = Topics.EVENTS.valueSerde().serializer();
    private static final Serializer<Rejection> REJECTION_VALUES = Topics.DEAD_LETTER.valueSerde().serializer();

    private final Producer<String, byte[]> producer;
    private final Duration closeTimeout;

    /**
     * @param producerProperties connection settings such as {@code bootstrap.servers}; the delivery guarantees set
     *                           here (acks, idempotence, timeouts) override anything given
     * @param deliveryTimeout    how long a write may take before the publish future fails
     */
    public KafkaEventPublisher(Map<String, Object> producerProperties, Duration deliveryTimeout) {
        this(new KafkaProducer<>(producerConfig(producerProperties, deliveryTimeout),
                Topics.EVENTS.keySerde().serializer(), new ByteArraySerializer()), deliveryTimeout);
    }

    KafkaEventPublisher(Producer<String, byte[]> producer, Duration closeTimeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    static Map<String, Object> producerConfig(Map<String, Object> properties, Duration deliveryTimeout) {
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (deliveryTimeout.compareTo(MIN_DELIVERY_TIMEOUT) < 0) {
            throw new IllegalArgumentException("deliveryTimeout must be at least " + MIN_DELIVERY_TIMEOUT.toMillis()
                    + " ms, was " + deliveryTimeout.toMillis() + " ms");
        }
        long delivery = deliveryTimeout.toMillis();
        Map<String, Object> config = new HashMap<>(properties);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.toIntExact(delivery));
        // Kafka requires delivery >= linger + request timeout; half the budget leaves room for one retry.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.toIntExact(delivery / 2));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(delivery, MAX_BLOCK.toMillis()));
        return config;
    }

    @Override
    public CompletableFuture<Void> publish(List<DeliveryEvent> events) {
        Objects.requireNonNull(events, "events");
        Batch batch = new Batch(events.size());
        for (DeliveryEvent event : events) {
            if (batch.result.isDone()) {
                // A send already failed, possibly after blocking for MAX_BLOCK: do not block again per event.
                break;
            }
            send(batch, () -> new ProducerRecord<>(Topics.EVENTS.name(), null, event.time().toEpochMilli(),
                    event.service(), EVENT_VALUES.serialize(Topics.EVENTS.name(), event)));
        }
        return batch.result;
    }

    @Override
    public CompletableFuture<Void> reject(Rejection rejection) {
        Objects.requireNonNull(rejection, "rejection");
        Batch batch = new Batch(1);
        send(batch, () -> new ProducerRecord<>(Topics.DEAD_LETTER.name(), rejection.source(),
                REJECTION_VALUES.serialize(Topics.DEAD_LETTER.name(), rejection)));
        return batch.result;
    }

    private void send(Batch batch, Supplier<ProducerRecord<String, byte[]>> record) {
        try {
            producer.send(record.get(), (metadata, exception) -> {
                if (exception != null) {
                    batch.fail(exception);
                } else {
                    batch.acknowledged();
                }
            });
        } catch (RuntimeException e) {
            // send throws instead of calling back for some failures, e.g. a closed producer or a bad record.
            batch.fail(e);
        }
    }

    @Override
    public void close() {
        producer.close(closeTimeout);
    }

    /** Completes once every record of one call was acknowledged, or at the first failure. */
    private static final class Batch {
        private final CompletableFuture<Void> result = new CompletableFuture<>();
        private final AtomicInteger pending;

        Batch(int size) {
            pending = new AtomicInteger(size);
            if (size == 0) {
                result.complete(null);
            }
        }

        void acknowledged() {
            if (pending.decrementAndGet() == 0) {
                result.complete(null);
            }
        }

        void fail(Exception cause) {
            result.completeExceptionally(new KafkaUnavailableException(
                    "Kafka did not take the write: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause));
        }
    }
}
