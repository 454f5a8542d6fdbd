package dev.flowmeter.streams.state;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A time-ordered index over the keys of other stores, so that state can be purged oldest first by reading only what
 * has expired, never by scanning every key. An entry is {@code kind|time|key} with the time zero-padded to a fixed
 * width, so the store's byte order is time order within a kind. The value is unused.
 *
 * <p>An entry may outlive the record it points at, or point at a record whose time has since changed; whoever
 * expires entries looks the record up and checks its time before acting.
 */
public final class ExpiryIndex {

    /** Wide enough for every epoch millisecond up to 9999-12-31. */
    private static final int TIME_WIDTH = 15;

    private final KeyValueStore<String, String> store;

    public ExpiryIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    public static StoreBuilder<KeyValueStore<String, String>> storeBuilder(String name, StoreKind kind) {
        return Stores.keyValueStoreBuilder(kind.supplier(name), Serdes.String(), Serdes.String());
    }

    /** One indexed key, with the time it was indexed at. */
    public record Entry(String kind, long timeMillis, String key) {
    }

    public void add(String kind, long timeMillis, String key) {
        store.put(indexKey(kind, timeMillis, key), "");
    }

    public void remove(String kind, long timeMillis, String key) {
        store.delete(indexKey(kind, timeMillis, key));
    }

    /**
     * Removes and returns up to {@code max} entries of {@code kind} with a time before {@code cutoffMillis}, oldest
     * first. Callers run it again later for the rest, so that one purge never holds the stream thread for long.
     */
    public List<Entry> expire(String kind, long cutoffMillis, int max) {
        List<Entry> expired = new ArrayList<>();
        if (cutoffMillis <= 0) {
            return expired;
        }
        String from = kind + StoreKey.SEPARATOR;
        String to = kind + StoreKey.SEPARATOR + pad(cutoffMillis - 1) + Character.MAX_VALUE;
        try (KeyValueIterator<String, String> range = store.range(from, to)) {
            while (range.hasNext() && expired.size() < max) {
                KeyValue<String, String> next = range.next();
                String[] parts = StoreKey.split(next.key, 3);
                expired.add(new Entry(parts[0], Long.parseLong(parts[1]), parts[2]));
            }
        }
        expired.forEach(entry -> store.delete(indexKey(entry.kind(), entry.timeMillis(), entry.key())));
        return expired;
    }

    static String indexKey(String kind, long timeMillis, String key) {
        return StoreKey.of(kind, pad(timeMillis), key);
    }

    /** A time as the index writes it: zero-padded, so byte order is time order; other stores' keys use it too. */
    public static String pad(long timeMillis) {
        String digits = Long.toString(Math.max(0, timeMillis));
        return "0".repeat(Math.max(0, TIME_WIDTH - digits.length())) + digits;
    }
}
