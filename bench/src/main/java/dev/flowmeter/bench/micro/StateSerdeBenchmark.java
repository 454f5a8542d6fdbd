package dev.flowmeter.bench.micro;

import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.leadtime.LeadTime;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StoreKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON serde ({@link JsonSerde}) of the state values written most often, each written and read once per
 * operation. Every store write serialises a value and every read deserialises one, and the processors read before
 * they write, so a record costs two of these per value it touches. The values are the real ones: taken from the
 * stores after feeding a {@link ServiceHistory} through the topology, so their classes (package-private in the
 * streams module) and contents are exactly what the server keeps. By how often they are written:
 * <ul>
 *   <li>{@code aggregate-histogram}: the lead-time histogram of a service and environment, rewritten for every
 *   commit a deployment ships (and the gate and batch-size histograms likewise);</li>
 *   <li>{@code aggregate-counter}: a counter, rewritten for every event (events by type, deployments by outcome);</li>
 *   <li>{@code shipped-mark}: one per commit and environment it reaches;</li>
 *   <li>{@code commit-node}: one per commit;</li>
 *   <li>{@code gate-item}: one per gate event, while the item's events are held for the reorder window (here one
 *   settled pass plus one held start).</li>
 * </ul>
 * Each value's size and JSON are printed once at set-up.
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class StateSerdeBenchmark {

    private static final String SERVICE = "shop/checkout";

    @Param({"aggregate-histogram", "aggregate-counter", "shipped-mark", "commit-node", "gate-item"})
    public String value;

    private Stored<?> stored;

    @Setup(Level.Trial)
    public void read() {
        try (DrivenTopology topology = new DrivenTopology()) {
            Instant start = DrivenTopology.WALL_CLOCK.minus(Duration.ofDays(30));
            ServiceHistory.of(SERVICE, start).forEach(topology::send);
            topology.advanceWallClock(Duration.ofSeconds(10)); // settles the gate items
            String gate = ServiceHistory.GATES.get(0);
            Instant started = start.plus(Duration.ofDays(20));
            topology.send(new GateQueued("bench-queued", started, SERVICE, gate, "change-bench"));
            topology.advanceWallClock(Duration.ofSeconds(10));
            topology.send(new GateStarted("bench-started", started.plus(Duration.ofHours(1)), SERVICE, gate,
                    "change-bench"));
            String head = CommitGraph.sha(SERVICE, ServiceHistory.COMMITS - 1);
            stored = switch (value) {
                case "aggregate-histogram" -> Stored.read(topology, Aggregates.STORE,
                        StoreKey.of(Metric.LEAD_TIME.prometheusName(), SERVICE, "production"));
                case "aggregate-counter" -> Stored.read(topology, Aggregates.STORE,
                        StoreKey.of(Metric.EVENTS.prometheusName(), "commit"));
                case "shipped-mark" -> Stored.read(topology, LeadTime.SHIPPED_STORE,
                        StoreKey.of(SERVICE, head, "production"));
                case "commit-node" -> Stored.read(topology, LeadTime.NODES_STORE, StoreKey.of(SERVICE, head));
                case "gate-item" -> Stored.read(topology, Gates.ITEMS_STORE,
                        StoreKey.of(SERVICE, gate, "change-bench"));
                default -> throw new IllegalArgumentException("no state value " + value);
            };
        }
        System.out.printf("%n%s (%s): %d bytes: %s%n", value, stored.type.getSimpleName(), stored.bytes.length,
                new String(stored.bytes, StandardCharsets.UTF_8));
    }

    @Benchmark
    public byte[] serialize() {
        return stored.serialize();
    }

    @Benchmark
    public Object deserialize() {
        return stored.deserialize();
    }

    /** A value as a store holds it, with the serde of its class. */
    private static final class Stored<T> {
        private final Class<T> type;
        private final T value;
        private final Serializer<T> serializer;
        private final Deserializer<T> deserializer;
        private final byte[] bytes;
        private final String topic;

        private Stored(Class<T> type, Object value, String topic) {
            this.type = type;
            this.value = type.cast(value);
            JsonSerde<T> serde = new JsonSerde<>(type);
            this.serializer = serde.serializer();
            this.deserializer = serde.deserializer();
            this.topic = topic;
            this.bytes = serialize();
        }

        /** The value under {@code key} in {@code store}, which must be there. */
        static Stored<?> read(DrivenTopology topology, String store, String key) {
            Object value = topology.stores().store(store).get(key);
            if (value == null) {
                throw new IllegalStateException("nothing under " + key + " in " + store);
            }
            return new Stored<>(value.getClass(), value, store + "-changelog");
        }

        byte[] serialize() {
            return serializer.serialize(topic, value);
        }

        T deserialize() {
            return deserializer.deserialize(topic, bytes);
        }
    }
}
