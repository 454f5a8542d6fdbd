package dev.flowmeter.api.metrics;

import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Flowmeter's metrics at scrape time straight from the topology's state stores. Nothing is counted in memory,
 * so a restart, a replay or a second instance cannot reset or double any series.
 */
public final class StateCollector implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(StateCollector.class);

    private final MetricsQuery query;
    private final Supplier<Map<String, Long>> storeSizes;

    /**
     * @param storeSizes the approximate number of entries in each state store this process holds (what it can read
     *                   now; stores being restored are left out)
     */
    public StateCollector(MetricsQuery query, Supplier<Map<String, Long>> storeSizes) {
        this.query = query;
        this.storeSizes = storeSizes;
    }

    /**
     * Never fails a scrape: whatever cannot be read now is left out and {@code flowmeter_state_ready} says so, while
     * the JVM and Kafka client metrics of the same scrape are still served.
     */
    @Override
    public MetricSnapshots collect() {
        MetricsSnapshot snapshot;
        try {
            snapshot = query.snapshot();
        } catch (RuntimeException e) {
            LOG.warn("could not read the metric state for this scrape: {}", e.toString());
            snapshot = new MetricsSnapshot(List.of(), List.of(), false);
        }
        Map<Metric, List<MetricsSnapshot.Histogram>> histograms = new EnumMap<>(Metric.class);
        Map<Metric, List<MetricsSnapshot.Scalar>> scalars = new EnumMap<>(Metric.class);
        snapshot.histograms().forEach(h -> histograms.computeIfAbsent(h.metric(), m -> new ArrayList<>()).add(h));
        snapshot.scalars().forEach(s -> scalars.computeIfAbsent(s.metric(), m -> new ArrayList<>()).add(s));

        List<MetricSnapshot> families = new ArrayList<>();
        histograms.forEach((metric, series) -> families.add(histogram(metric, series)));
        scalars.forEach((metric, series) -> families.add(metric.kind() == Metric.Kind.COUNTER
                ? counter(metric, series) : gauge(metric, series)));
        families.add(readyGauge(snapshot.complete()));
        families.add(storeSizeGauge());
        return new MetricSnapshots(families);
    }

    private MetricSnapshot storeSizeGauge() {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder()
                .name("flowmeter_state_store_entries")
                .help("Approximate number of entries in each state store of this instance (RocksDB's estimate).");
        Map<String, Long> sizes;
        try {
            sizes = storeSizes.get();
        } catch (RuntimeException e) {
            sizes = Map.of();
        }
        sizes.forEach((store, entries) -> builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .value(entries).labels(Labels.of("store", store)).build()));
        return builder.build();
    }

    private static MetricSnapshot readyGauge(boolean complete) {
        return GaugeSnapshot.builder()
                .name("flowmeter_state_ready")
                .help("1 when every state store of this instance could be read for this scrape, 0 during start-up,"
                        + " restore or rebalance (series may then be missing).")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(complete ? 1 : 0).build())
                .build();
    }

    private static HistogramSnapshot histogram(Metric metric, List<MetricsSnapshot.Histogram> series) {
        double[] bounds = metric.buckets().upperBounds();
        double[] withInf = new double[bounds.length + 1];
        System.arraycopy(bounds, 0, withInf, 0, bounds.length);
        withInf[bounds.length] = Double.POSITIVE_INFINITY;
        HistogramSnapshot.Builder builder = HistogramSnapshot.builder().name(metric.prometheusName())
                .help(metric.help());
        for (MetricsSnapshot.Histogram h : series) {
            // The Prometheus model takes per-bucket counts and accumulates them itself.
            long[] cumulative = h.cumulativeCounts();
            long[] perBucket = new long[cumulative.length];
            for (int i = 0; i < cumulative.length; i++) {
                perBucket[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
            }
            builder.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(withInf, perBucket))
                    .sum(h.sum())
                    .labels(labels(metric, h.labelValues()))
                    .build());
        }
        return builder.build();
    }

    private static CounterSnapshot counter(Metric metric, List<MetricsSnapshot.Scalar> series) {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name(metric.prometheusName()).help(metric.help());
        series.forEach(s -> builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .value(s.value()).labels(labels(metric, s.labelValues())).build()));
        return builder.build();
    }

    private static GaugeSnapshot gauge(Metric metric, List<MetricsSnapshot.Scalar> series) {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(metric.prometheusName()).help(metric.help());
        series.forEach(s -> builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .value(s.value()).labels(labels(metric, s.labelValues())).build()));
        return builder.build();
    }

    private static Labels labels(Metric metric, List<String> values) {
        Labels.Builder labels = Labels.builder();
        for (int i = 0; i < values.size(); i++) {
            labels.label(metric.labelNames().get(i), values.get(i));
        }
        return labels.build();
    }
}
