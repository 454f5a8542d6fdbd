package dev.flowmeter.streams;

import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.state.StoreKind;
import java.time.Duration;

/**
 * The knobs of the topology.
 *
 * @param walkLimit most commits one deployment may ship when derived from history; bounds the work of a walk
 * @param dedupRetention how long event ids are remembered to drop redeliveries
 * @param purgeInterval how often (wall clock) expired ids and old state are purged
 * @param retention how old (event time against the wall clock) commits, shipped marks, awaited deployments and gate
 *                  items may grow before they are purged
 * @param gateItemRetention how long an item may wait at a gate before it is closed as abandoned
 * @param gateReorderWindow how long (wall clock) the events of one gate item are held so that they count in event-time
 *                          order, whatever order they arrive in
 * @param gateLimits how long an item may wait at each gate before it is reported stalled; by default none, so
 *                   nothing stalls until limits are set: a stall pages someone, so the team decides what is too long
 * @param stores where the stores are kept: RocksDB, but for the property tests ({@link StoreKind})
 */
public record TopologySettings(int walkLimit, Duration dedupRetention, Duration purgeInterval, Duration retention,
        Duration gateItemRetention, Duration gateReorderWindow, GateLimits gateLimits, StoreKind stores) {

    public static final int DEFAULT_WALK_LIMIT = 10_000;
    public static final Duration DEFAULT_DEDUP_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(400);
    public static final Duration DEFAULT_GATE_ITEM_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_GATE_REORDER_WINDOW = Duration.ofSeconds(5);
    public static final GateLimits DEFAULT_GATE_LIMITS = GateLimits.NONE;

    public TopologySettings {
        if (walkLimit < 1) {
            throw new IllegalArgumentException("walkLimit must be positive");
        }
        requirePositive(dedupRetention, "dedupRetention");
        requirePositive(purgeInterval, "purgeInterval");
        requirePositive(retention, "retention");
        requirePositive(gateItemRetention, "gateItemRetention");
        requirePositive(gateReorderWindow, "gateReorderWindow");
        gateLimits = gateLimits == null ? DEFAULT_GATE_LIMITS : gateLimits;
        stores = stores == null ? StoreKind.ROCKSDB : stores;
    }

    /** The settings with the stores in RocksDB. */
    public TopologySettings(int walkLimit, Duration dedupRetention, Duration purgeInterval, Duration retention,
            Duration gateItemRetention, Duration gateReorderWindow, GateLimits gateLimits) {
        this(walkLimit, dedupRetention, purgeInterval, retention, gateItemRetention, gateReorderWindow, gateLimits,
                StoreKind.ROCKSDB);
    }

    /** The settings with the default gate limits (none). */
    public TopologySettings(int walkLimit, Duration dedupRetention, Duration purgeInterval, Duration retention,
            Duration gateItemRetention, Duration gateReorderWindow) {
        this(walkLimit, dedupRetention, purgeInterval, retention, gateItemRetention, gateReorderWindow,
                DEFAULT_GATE_LIMITS);
    }

    public static TopologySettings defaults() {
        return new TopologySettings(DEFAULT_WALK_LIMIT, DEFAULT_DEDUP_RETENTION, DEFAULT_PURGE_INTERVAL,
                DEFAULT_RETENTION, DEFAULT_GATE_ITEM_RETENTION, DEFAULT_GATE_REORDER_WINDOW, DEFAULT_GATE_LIMITS);
    }

    /** The same settings with every store in memory: for the property tests only. */
    public TopologySettings withStoresInMemory() {
        return new TopologySettings(walkLimit, dedupRetention, purgeInterval, retention, gateItemRetention,
                gateReorderWindow, gateLimits, StoreKind.IN_MEMORY);
    }

    public TopologySettings withWalkLimit(int limit) {
        return new TopologySettings(limit, dedupRetention, purgeInterval, retention, gateItemRetention,
                gateReorderWindow, gateLimits, stores);
    }

    public TopologySettings withDedupRetention(Duration duration) {
        return new TopologySettings(walkLimit, duration, purgeInterval, retention, gateItemRetention,
                gateReorderWindow, gateLimits, stores);
    }

    public TopologySettings withPurgeInterval(Duration duration) {
        return new TopologySettings(walkLimit, dedupRetention, duration, retention, gateItemRetention,
                gateReorderWindow, gateLimits, stores);
    }

    public TopologySettings withRetention(Duration duration) {
        return new TopologySettings(walkLimit, dedupRetention, purgeInterval, duration, gateItemRetention,
                gateReorderWindow, gateLimits, stores);
    }

    public TopologySettings withGateItemRetention(Duration duration) {
        return new TopologySettings(walkLimit, dedupRetention, purgeInterval, retention, duration,
                gateReorderWindow, gateLimits, stores);
    }

    public TopologySettings withGateReorderWindow(Duration duration) {
        return new TopologySettings(walkLimit, dedupRetention, purgeInterval, retention, gateItemRetention,
                duration, gateLimits, stores);
    }

    public TopologySettings withGateLimits(GateLimits limits) {
        return new TopologySettings(walkLimit, dedupRetention, purgeInterval, retention, gateItemRetention,
                gateReorderWindow, limits, stores);
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
