package dev.flowmeter.ingest.kafka;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link EventPublisher}: one idempotent {@code acks=all} producer writing events to
 * {@code Topics.EVENTS} keyed by service and rejections to {@code Topics.DEAD_LETTER} keyed by source. One producer
 * serves both topics, so values are serialised here, with each topic's own serde: what lands on a topic is exactly
 * what its readers expect.
 *
 * <p>Records carry no timestamp of their own, so the producer stamps them with the time they are written: the
 * topology reads each event's {@code time} from the value, and a broker refuses record timestamps more than
 * {@code message.timestamp.after.max.ms} (1 h) ahead of its clock, which an event time from a skewed sender would be.
 *
 * <p>Failures are sorted by who can fix them: an event too large for one record, or a timestamp the broker refuses,
 * is a {@link KafkaRefusedException} (the sender gets a 4xx); everything else is a {@link KafkaUnavailableException}
 * (503, retry later), logged at ERROR when retrying cannot cure it and the server's Kafka setup needs a person.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    /**
     * How the producer batches, chosen by measurement (docs/performance.md): a request of many events leaves in a
     * few large compressed batches instead of many small ones, which costs the broker and the topology's consumer
     * less CPU per event on a machine they share. lz4 is the cheapest of Kafka's codecs to compress and decompress.
     */
    public static final Map<String, Object> BATCHING = Map.of(
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    /** Bounds how long {@code send} may block the calling HTTP thread waiting for metadata or buffer space. */
    static final Duration MAX_BLOCK = Duration.ofSeconds(1);
    static final Duration MIN_DELIVERY_TIMEOUT = Duration.ofMillis(100);
    /** Kafka's default {@code max.request.size}, the largest record the producer sends. */
    static final long DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** Room for the record and batch headers around the key and value; Kafka's own framing is under 100 bytes. */
    static final long RECORD_MARGIN_BYTES = 4096;
    /** The largest event (value plus key) sent with the default {@code max.request.size}: 1,044,480 bytes. */
    static final long DEFAULT_MAX_EVENT_BYTES = DEFAULT_MAX_REQUEST_SIZE - RECORD_MARGIN_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);
    private static final Serializer<DeliveryEvent> EVENT_VALUES = Topics.EVENTS.valueSerde().serializer();
    private static final Serializer<Rejection> REJECTION_VALUES = Topics.DEAD_LETTER.valueSerde().serializer();

    private final Producer<String, byte[]> producer;
    private final Duration closeTimeout;
    private final long maxEventBytes;

    /**
     * @param producerProperties connection settings such as {@code bootstrap.servers}; the delivery guarantees set
     *                           here (acks, idempotence, timeouts) override anything given. A
     *                           {@code max.request.size} given here also sets the largest event accepted.
     * @param deliveryTimeout    how long a write may take before the publish future fails
     */
    public KafkaEventPublisher(Map<String, Object> producerProperties, Duration deliveryTimeout) {
        this(new KafkaProducer<>(producerConfig(producerProperties, deliveryTimeout),
                Topics.EVENTS.keySerde().serializer(), new ByteArraySerializer()), deliveryTimeout,
                maxEventBytes(producerProperties));
    }

    /** @param maxEventBytes the largest event, value plus key, that is sent; larger ones fail before any is sent */
    KafkaEventPublisher(Producer<String, byte[]> producer, Duration closeTimeout, long maxEventBytes) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be at least 1, was " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
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
        config.putAll(BATCHING);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.toIntExact(delivery));
        // Kafka requires delivery >= linger + request timeout; half the budget leaves room for one retry.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.toIntExact(delivery / 2));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(delivery, MAX_BLOCK.toMillis()));
        return config;
    }

    /** The producer's {@code max.request.size} (Kafka's default unless given) less the record margin. */
    static long maxEventBytes(Map<String, Object> properties) {
        Object configured = properties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        long maxRequestSize;
        try {
            maxRequestSize = configured == null
                    ? DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(configured.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " must be a number of bytes, "
                    + "was '" + configured + "'", e);
        }
        if (maxRequestSize <= 2 * RECORD_MARGIN_BYTES) {
            throw new IllegalArgumentException(ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " must be more than "
                    + 2 * RECORD_MARGIN_BYTES + " bytes, was " + maxRequestSize);
        }
        return maxRequestSize - RECORD_MARGIN_BYTES;
    }

    /** Serialises every event first, so an event too large for a record refuses the request before any is sent. */
    @Override
    public CompletableFuture<Void> publish(List<DeliveryEvent> events) {
        Objects.requireNonNull(events, "events");
        List<byte[]> values = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            DeliveryEvent event = events.get(i);
            byte[] value = EVENT_VALUES.serialize(Topics.EVENTS.name(), event);
            long bytes = value.length + (long) event.service().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxEventBytes) {
                return CompletableFuture.failedFuture(tooLarge(i, event, bytes));
            }
            values.add(value);
        }
        Batch batch = new Batch(events.size());
        for (int i = 0; i < events.size(); i++) {
            if (batch.result.isDone()) {
                // A send already failed, possibly after blocking for MAX_BLOCK: do not block again per event.
                break;
            }
            int index = i;
            DeliveryEvent event = events.get(i);
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(Topics.EVENTS.name(), null, null, event.service(), values.get(i));
            send(record, batch, cause -> eventFailure(index, event, cause));
        }
        return batch.result;
    }

    @Override
    public CompletableFuture<Void> reject(Rejection rejection) {
        Objects.requireNonNull(rejection, "rejection");
        Batch batch = new Batch(1);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.DEAD_LETTER.name(), rejection.source(),
                REJECTION_VALUES.serialize(Topics.DEAD_LETTER.name(), rejection));
        send(record, batch, KafkaEventPublisher::unavailable);
        return batch.result;
    }

    private void send(ProducerRecord<String, byte[]> record, Batch batch, Function<Exception, Failure> failure) {
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception != null) {
                    batch.fail(failure.apply(exception));
                } else {
                    batch.acknowledged();
                }
            });
        } catch (RuntimeException e) {
            // send throws instead of calling back for some failures, e.g. a closed producer or a bad record.
            batch.fail(failure.apply(e));
        }
    }

    private KafkaRefusedException tooLarge(int index, DeliveryEvent event, long bytes) {
        return new KafkaRefusedException(KafkaRefusedException.Reason.TOO_LARGE, index, event.id(),
                "event '" + event.id() + "' is " + bytes + " bytes as a Kafka record; the limit is " + maxEventBytes
                        + " bytes per event (the producer's " + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " less "
                        + RECORD_MARGIN_BYTES + " bytes for the record's framing), so nothing of the request was "
                        + "written; split the event into smaller ones", null);
    }

    /** What a failed send of the event at {@code index} means for the sender, and whether a person must look. */
    private Failure eventFailure(int index, DeliveryEvent event, Exception cause) {
        String kafkaSays = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException) {
            // Only when the broker's or topic's max.message.bytes is below the producer's max.request.size.
            return new Failure(new KafkaRefusedException(KafkaRefusedException.Reason.TOO_LARGE, index, event.id(),
                    "Kafka refused event '" + event.id() + "' as too large for one record (" + kafkaSays + "); make "
                            + "the event smaller. Events before it may have been written; they count once when the "
                            + "request is resent", cause),
                    "Kafka refused a record as too large although it is within the producer's max.request.size; "
                            + "raise the topic's or broker's max.message.bytes to match");
        }
        if (cause instanceof InvalidTimestampException) {
            // Records are stamped with the server's clock, so the broker's clock or the topic's settings disagree.
            return new Failure(new KafkaRefusedException(KafkaRefusedException.Reason.INVALID_TIMESTAMP, index,
                    event.id(), "Kafka refused the record timestamp of event '" + event.id() + "' (" + kafkaSays
                            + "); records are stamped with the server's clock, so the server's and Kafka's clocks "
                            + "disagree, which resending does not cure; tell the operator of this server. Events "
                            + "before it may have been written; they count once when the request is resent", cause),
                    "Kafka refused a record timestamp from the server's clock; check that the server's and the "
                            + "brokers' clocks agree and the topic's message.timestamp.before.max.ms and "
                            + "message.timestamp.after.max.ms");
        }
        return unavailable(cause);
    }

    /**
     * A 503 for the sender. Retriable errors (timeouts, no leader, too few replicas) and a closed producer pass by
     * themselves; anything else (authentication, authorisation, an unsupported broker, a fenced producer) is
     * permanent for this server and logged at ERROR, since only a person can fix it.
     */
    private static Failure unavailable(Exception cause) {
        KafkaUnavailableException unavailable = new KafkaUnavailableException(
                "Kafka did not take the write: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                cause);
        boolean passes = cause instanceof RetriableException || cause instanceof IllegalStateException
                || cause instanceof InterruptException;
        return new Failure(unavailable, passes ? null : "Kafka refused a write for a reason retrying does not "
                + "cure; the server's Kafka client settings or the cluster need a look");
    }

    /** The producer, for binding its own metrics (Micrometer's Kafka client binder); not for sending. */
    public Producer<String, byte[]> producer() {
        return producer;
    }

    @Override
    public void close() {
        producer.close(closeTimeout);
    }

    /** The exception a publish future fails with, and what to log at ERROR, or null when nobody needs to act. */
    private record Failure(RuntimeException exception, String forOperator) {
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

        /** Only the first failure of a call completes it, and only that one is logged. */
        void fail(Failure failure) {
            if (result.completeExceptionally(failure.exception()) && failure.forOperator() != null) {
                Throwable cause = failure.exception().getCause();
                LOG.error("{}: {}: {}", failure.forOperator(), cause.getClass().getName(), cause.getMessage());
            }
        }
    }
}
