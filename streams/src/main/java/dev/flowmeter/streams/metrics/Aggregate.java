package dev.flowmeter.streams.metrics;

import java.util.Arrays;

/**
 * The running value of one series: for a counter only {@code count}; for a histogram the per-bucket (not
 * cumulative) counts, the exact sum in the stored unit and the count. Kept in state stores, never in memory.
 */
public record Aggregate(long[] buckets, long sum, long count) {

    public Aggregate {
        buckets = buckets == null ? new long[0] : buckets.clone();
    }

    static Aggregate empty(Buckets layout) {
        return new Aggregate(new long[layout == Buckets.NONE ? 0 : layout.size()], 0, 0);
    }

    Aggregate plusObservation(Buckets layout, long value) {
        long[] next = buckets.clone();
        next[layout.indexOf(value)]++;
        return new Aggregate(next, Math.addExact(sum, value), count + 1);
    }

    Aggregate plusCount(long n) {
        return new Aggregate(buckets, sum, count + n);
    }

    /** Adds another partition's value of the same series. */
    Aggregate plus(Aggregate other) {
        long[] next = buckets.clone();
        for (int i = 0; i < next.length && i < other.buckets.length; i++) {
            next[i] += other.buckets[i];
        }
        return new Aggregate(next, sum + other.sum, count + other.count);
    }

    @Override
    public long[] buckets() {
        return buckets.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Aggregate other && sum == other.sum && count == other.count
                && Arrays.equals(buckets, other.buckets);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(buckets) + Long.hashCode(sum) * 7 + Long.hashCode(count);
    }

    @Override
    public String toString() {
        return "Aggregate[buckets=" + Arrays.toString(buckets) + ", sum=" + sum + ", count=" + count + "]";
    }
}
