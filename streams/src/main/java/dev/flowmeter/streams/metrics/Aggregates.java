package dev.flowmeter.streams.metrics;

import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.state.StoreKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Writes metric values into an aggregates store, the single place /metrics reads from. A store key is the metric
 * name followed by its label values, so a restart or another instance serves exactly what was committed.
 */
public final class Aggregates {

    /** Metrics computed from delivery events. */
    public static final String STORE = "metrics-aggregates-store";
    /** Metrics computed from the dead-letter topic (its own sub-topology, so its own store). */
    public static final String REJECTIONS_STORE = "metrics-rejections-store";
    /** Metrics computed in the work items' partitions (their own sub-topology, so their own store). */
    public static final String WORK_STORE = "metrics-work-store";

    private final KeyValueStore<String, Aggregate> store;

    public Aggregates(KeyValueStore<String, Aggregate> store) {
        this.store = store;
    }

    /**
     * Cached: a few keys (the event counters, a service's lead-time histogram during a long walk) are written by
     * almost every record, so Kafka Streams' record cache keeps their latest values and writes each to RocksDB and
     * the changelog once per commit instead of once per record. Reads, the scrape's included, see the cache.
     */
    public static StoreBuilder<KeyValueStore<String, Aggregate>> storeBuilder(String name, StoreKind kind) {
        return Stores.keyValueStoreBuilder(kind.supplier(name), Serdes.String(),
                new JsonSerde<>(Aggregate.class)).withCachingEnabled();
    }

    /** Adds one observation (in the metric's stored unit: milliseconds or commits) to a histogram. */
    public void observe(Metric metric, long value, String... labelValues) {
        requireKind(metric, Metric.Kind.HISTOGRAM, labelValues);
        String key = key(metric, labelValues);
        Aggregate current = store.get(key);
        store.put(key, (current == null ? Aggregate.empty(metric.buckets()) : current)
                .plusObservation(metric.buckets(), value));
    }

    /** Adds one to a counter. */
    public void increment(Metric metric, String... labelValues) {
        requireKind(metric, Metric.Kind.COUNTER, labelValues);
        String key = key(metric, labelValues);
        Aggregate current = store.get(key);
        store.put(key, (current == null ? Aggregate.empty(metric.buckets()) : current).plusCount(1));
    }

    /** Moves a gauge kept as a running count (items in progress) by {@code delta}. */
    public void adjust(Metric metric, long delta, String... labelValues) {
        requireKind(metric, Metric.Kind.GAUGE, labelValues);
        String key = key(metric, labelValues);
        Aggregate current = store.get(key);
        store.put(key, (current == null ? Aggregate.empty(metric.buckets()) : current).plusCount(delta));
    }

    static String key(Metric metric, String... labelValues) {
        List<String> parts = new ArrayList<>(labelValues.length + 1);
        parts.add(metric.prometheusName());
        parts.addAll(List.of(labelValues));
        return StoreKey.of(parts.toArray(String[]::new));
    }

    private static void requireKind(Metric metric, Metric.Kind kind, String... labelValues) {
        if (metric.kind() != kind || metric.labelNames().size() != labelValues.length) {
            throw new IllegalArgumentException(metric + " is not a " + kind + " with " + labelValues.length
                    + " labels");
        }
    }
}
