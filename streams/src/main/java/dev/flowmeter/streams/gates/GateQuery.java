package dev.flowmeter.streams.gates;

import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.state.StoreLookup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Lists the items waiting at gates right now, oldest first, from the waiting store this process holds: the same items
 * the waiting gauges count, each with its age against the clock and its gate's limit. Only the partitions assigned to
 * this process are read, so with several processes each answers for its own share of the services.
 */
public final class GateQuery {

    /** Most items in one answer, so that a gate with a runaway queue cannot make an answer unbounded. */
    public static final int MAX_ITEMS = 1_000;

    /** The order of an answer: oldest first, then by service, gate and item. */
    public static final Comparator<WaitingItem> OLDEST_FIRST = Comparator.comparing(WaitingItem::since)
            .thenComparing(WaitingItem::service).thenComparing(WaitingItem::gate).thenComparing(WaitingItem::item);

    /** Which waiting items to list: all of them, or those past their gate's limit. */
    public enum Status { WAITING, STALLED }

    /**
     * One waiting item. {@code limitSeconds} is {@code null} when its gate has no limit; {@code stalled} when it has
     * waited longer than the limit.
     */
    public record WaitingItem(String service, String gate, String item, Instant since, long ageSeconds,
            Long limitSeconds, boolean stalled) {
    }

    /** The items found, oldest first, and whether more matched than {@link #MAX_ITEMS}. */
    public record Answer(List<WaitingItem> items, boolean truncated) {

        public Answer {
            items = List.copyOf(items);
        }
    }

    private final StoreLookup stores;
    private final Clock clock;
    private final GateLimits limits;

    public GateQuery(StoreLookup stores, Clock clock, GateLimits limits) {
        this.stores = stores;
        this.clock = clock;
        this.limits = limits;
    }

    /** The waiting items with {@code status}, of {@code service} and {@code gate} when given ({@code null}: all). */
    public Answer items(Status status, String service, String gate) {
        ReadOnlyKeyValueStore<String, Long> store = stores.store(Gates.WAITING_STORE);
        long now = clock.millis();
        List<WaitingItem> found = new ArrayList<>();
        // Keys are service|gate|item: a service (and gate) narrows the read to its own key range.
        String prefix = service == null ? null
                : gate == null ? service + StoreKey.SEPARATOR : StoreKey.of(service, gate) + StoreKey.SEPARATOR;
        try (KeyValueIterator<String, Long> entries = prefix == null ? store.all()
                : store.range(prefix, prefix + Character.MAX_VALUE)) {
            while (entries.hasNext()) {
                KeyValue<String, Long> entry = entries.next();
                String[] parts = StoreKey.split(entry.key, 3);
                if (parts.length < 3 || (gate != null && !gate.equals(parts[1]))) {
                    continue;
                }
                Long limitMillis = limits.limitFor(parts[1]).map(Duration::toMillis).orElse(null);
                long age = Math.max(0, now - entry.value);
                boolean stalled = limitMillis != null && now - entry.value > limitMillis;
                if (status == Status.STALLED && !stalled) {
                    continue;
                }
                found.add(new WaitingItem(parts[0], parts[1], parts[2], Instant.ofEpochMilli(entry.value),
                        age / 1000, limitMillis == null ? null : limitMillis / 1000, stalled));
            }
        }
        found.sort(OLDEST_FIRST);
        boolean truncated = found.size() > MAX_ITEMS;
        return new Answer(truncated ? found.subList(0, MAX_ITEMS) : found, truncated);
    }
}
