package dev.flowmeter.ingest.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the 401s of every ingest route, by source ({@code api}, {@code github}, ...), in memory only: a forged call
 * writes nothing to Kafka, so that a stranger's traffic costs almost nothing and cannot fill a topic. The server
 * exposes the counts as {@code flowmeter_requests_unauthenticated_total{source}}. Sources are the routes' fixed names,
 * a bounded label set.
 */
public final class UnauthenticatedRequests {

    private final Map<String, LongAdder> bySource = new ConcurrentHashMap<>();

    /** Counts one refused request of {@code source}. */
    public void record(String source) {
        bySource.computeIfAbsent(source, s -> new LongAdder()).increment();
    }

    /** The 401s of {@code source} so far; 0 for a source that has had none. */
    public long count(String source) {
        LongAdder adder = bySource.get(source);
        return adder == null ? 0 : adder.sum();
    }

    /** Every source that had a 401, with its count, ordered by source. */
    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        bySource.forEach((source, adder) -> snapshot.put(source, adder.sum()));
        return snapshot;
    }
}
