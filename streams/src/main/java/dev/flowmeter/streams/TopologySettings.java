package dev.flowmeter.streams;

import java.time.Duration;

/**
 * The knobs of the topology.
 *
 * @param walkLimit most commits one deployment may ship when derived from history; bounds the work of a walk
 * @param dedupRetention how long event ids are remembered to drop redeliveries
 * @param purgeInterval how often (wall clock) expired ids are purged
 */
public record TopologySettings(int walkLimit, Duration dedupRetention, Duration purgeInterval) {

    public static final int DEFAULT_WALK_LIMIT = 10_000;
    public static final Duration DEFAULT_DEDUP_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(10);

    public TopologySettings {
        if (walkLimit < 1) {
            throw new IllegalArgumentException("walkLimit must be positive");
        }
        if (dedupRetention.isNegative() || dedupRetention.isZero()) {
            throw new IllegalArgumentException("dedupRetention must be positive");
        }
        if (purgeInterval.isNegative() || purgeInterval.isZero()) {
            throw new IllegalArgumentException("purgeInterval must be positive");
        }
    }

    public static TopologySettings defaults() {
        return new TopologySettings(DEFAULT_WALK_LIMIT, DEFAULT_DEDUP_RETENTION, DEFAULT_PURGE_INTERVAL);
    }
}
