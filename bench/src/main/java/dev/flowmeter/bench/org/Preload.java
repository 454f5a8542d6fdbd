package dev.flowmeter.bench.org;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an {@link Organisation} to a Kafka topic the way Flowmeter's ingest does (key the service, value the
 * events topic's serde, no record timestamp, so the producer stamps the write time as ingest does), so that a
 * topology benchmark starts from a full topic instead of timing HTTP. Arguments:
 * {@code --bootstrap HOST:PORT --topic NAME --services N --events-per-service N --seed N [--end RFC3339]}; the
 * history spans the 365 days before {@code --end} (default now, rounded down to the minute). The topic is not
 * created here: start the server once (it creates its topics with its partition count) or create it yourself.
 *
 * <p>The producer keeps ingest's guarantees ({@code acks=all}, idempotence: no event lost or doubled) and is tuned for
 * throughput rather than latency: batches of up to {@value #BATCH_BYTES} bytes that linger {@value #LINGER_MS} ms to
 * fill, compressed with {@value #COMPRESSION} (cheap on the CPU; JSON events shrink several times), five requests in
 * flight per connection (the most idempotence allows while keeping order) and a {@value #BUFFER_BYTES}-byte buffer, so
 * generating the next events overlaps with sending. The last line on standard output is machine-readable:
 * {@code preloaded events=<n> bytes=<value bytes total> seconds=<s>}, timed from the first event generated to the
 * last one acknowledged.
 */
public final class Preload {

    static final int LINGER_MS = 20;
    static final int BATCH_BYTES = 512 * 1024;
    static final String COMPRESSION = "lz4";
    static final long BUFFER_BYTES = 64L * 1024 * 1024;
    /** Bounded, as everywhere in Flowmeter, but long enough for a broker that is busy compacting or restarting. */
    static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(2);
    static final Duration SPAN = Duration.ofDays(365);
    private static final long PROGRESS_EVERY = 1_000_000;
    private static final Set<String> ARGUMENTS = Set.of("bootstrap", "topic", "services", "events-per-service", "seed",
            "end");
    private static final Logger LOG = LoggerFactory.getLogger(Preload.class);

    private Preload() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap;
        String topic;
        Organisation organisation;
        try {
            Arguments arguments = new Arguments(args, ARGUMENTS);
            bootstrap = arguments.string("bootstrap", null);
            topic = arguments.string("topic", Topics.EVENTS.name());
            int services = arguments.integer("services", 100, 1);
            int eventsPerService = arguments.integer("events-per-service", Organisation.REFERENCE_EVENTS_PER_YEAR,
                    1);
            long seed = arguments.number("seed", 1, Long.MIN_VALUE);
            Instant end = arguments.end();
            organisation = new Organisation(seed, services, eventsPerService, end, SPAN);
            LOG.info("Preloading {} services x ~{} events (seed {}, the {} days before {}) to {} at {}", services,
                    eventsPerService, seed, SPAN.toDays(), end, topic, bootstrap);
        } catch (IllegalArgumentException e) {
            System.err.println("preload: " + e.getMessage());
            System.exit(2);
            return;
        }
        long[] written = write(organisation, bootstrap, topic);
        System.out.printf(Locale.ROOT, "preloaded events=%d bytes=%d seconds=%.3f%n", written[0], written[1],
                written[2] / 1e9);
    }

    /** Sends every event and waits for all acknowledgements; returns events, value bytes and nanoseconds. */
    private static long[] write(Organisation organisation, String bootstrap, String topic) {
        Serializer<DeliveryEvent> values = Topics.EVENTS.valueSerde().serializer();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = (metadata, exception) -> {
            if (exception != null) {
                failure.compareAndSet(null, exception);
            }
        };
        long events = 0;
        long bytes = 0;
        long started = System.nanoTime();
        try (Producer<String, byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap),
                Topics.EVENTS.keySerde().serializer(), new ByteArraySerializer())) {
            Iterator<DeliveryEvent> all = organisation.events();
            while (all.hasNext() && failure.get() == null) {
                DeliveryEvent event = all.next();
                byte[] value = values.serialize(topic, event);
                // No partition and no timestamp: the default partitioner hashes the key, the producer stamps now.
                producer.send(new ProducerRecord<>(topic, null, null, event.service(), value), callback);
                events++;
                bytes += value.length;
                if (events % PROGRESS_EVERY == 0) {
                    LOG.info("{} events sent", events);
                }
            }
            producer.flush();
        }
        long nanos = System.nanoTime() - started;
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("Kafka did not take every event (" + failed.getClass().getSimpleName()
                    + ": " + failed.getMessage() + "); the topic holds a partial organisation", failed);
        }
        return new long[] {events, bytes, nanos};
    }

    static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "flowmeter-preload");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_BYTES);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.toIntExact(DELIVERY_TIMEOUT.toMillis()));
        return config;
    }
}
