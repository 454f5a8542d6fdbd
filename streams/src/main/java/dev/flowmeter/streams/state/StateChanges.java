package dev.flowmeter.streams.state;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

/**
 * Which services' state changed, and when, in this process: what lets a scrape recompute the series worked out from
 * a service's facts only for the services whose facts changed since the last scrape. Every write to a tracked store
 * ({@link TrackedStore}) stamps its service with the next number of one sequence; a reader remembers the sequence
 * number it last read at and recomputes the services stamped later.
 *
 * <p>Some changes bypass the stores' writers: Kafka Streams restoring a store from its changelog (at start, after a
 * crash, when a partition moves here) and partitions moving away. For those {@link #invalidateAll()} moves the
 * generation on, and a reader that sees a new generation starts over from the stores.
 */
public final class StateChanges {

    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, Long> stamps = new ConcurrentHashMap<>();

    /** A store of {@code kind} whose writes are tracked here. */
    public KeyValueBytesStoreSupplier store(String name, StoreKind kind) {
        return TrackedStore.tracking(kind.supplier(name), this);
    }

    /** Called by a tracked store for every put or delete of a key of {@code service}. */
    void changed(String service) {
        stamps.put(service, sequence.incrementAndGet());
    }

    /** Anything may have changed without passing the stores' writers: every reader must start over. */
    public void invalidateAll() {
        generation.incrementAndGet();
    }

    public long generation() {
        return generation.get();
    }

    /** The last sequence number given out; read it before reading the stores. */
    public long sequence() {
        return sequence.get();
    }

    /** The services stamped after {@code since}, with their stamps. */
    public Map<String, Long> changedAfter(long since) {
        Map<String, Long> changed = new HashMap<>();
        stamps.forEach((service, stamp) -> {
            if (stamp > since) {
                changed.put(service, stamp);
            }
        });
        return changed;
    }
}
