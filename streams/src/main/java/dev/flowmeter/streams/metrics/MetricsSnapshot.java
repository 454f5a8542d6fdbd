package dev.flowmeter.streams.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every series' value at one moment, read from the topology's state: what {@code /metrics} renders. {@code complete}
 * is false when some state could not be read (a rebalance or restore in progress), so the series are a subset.
 */
public record MetricsSnapshot(List<Histogram> histograms, List<Scalar> scalars, boolean complete) {

    /** A histogram series: cumulative counts per bucket (the last is +Inf), exact sum in the exposed unit, count. */
    public record Histogram(Metric metric, List<String> labelValues, long[] cumulativeCounts, double sum,
            long count) {

        public Histogram {
            labelValues = List.copyOf(labelValues);
            cumulativeCounts = cumulativeCounts.clone();
        }

        @Override
        public long[] cumulativeCounts() {
            return cumulativeCounts.clone();
        }

        @Override
        public String toString() {
            return metric.prometheusName() + labelValues + " buckets=" + Arrays.toString(cumulativeCounts)
                    + " sum=" + sum + " count=" + count;
        }
    }

    /** A counter or gauge series. */
    public record Scalar(Metric metric, List<String> labelValues, double value) {

        public Scalar {
            labelValues = List.copyOf(labelValues);
        }
    }

    public MetricsSnapshot {
        histograms = List.copyOf(histograms);
        scalars = List.copyOf(scalars);
    }

    public Optional<Histogram> histogram(Metric metric, String... labelValues) {
        List<String> labels = List.of(labelValues);
        return histograms.stream()
                .filter(h -> h.metric() == metric && h.labelValues().equals(labels))
                .findFirst();
    }

    public Optional<Double> scalar(Metric metric, String... labelValues) {
        List<String> labels = List.of(labelValues);
        return scalars.stream()
                .filter(s -> s.metric() == metric && s.labelValues().equals(labels))
                .map(Scalar::value)
                .findFirst();
    }
}
