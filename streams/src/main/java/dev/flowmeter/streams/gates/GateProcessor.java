package dev.flowmeter.streams.gates;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds each item's events for the reorder window (wall clock, since the item's last event), then settles the item:
 * applies the held events in event-time order and observes the waits and durations they complete. A wall-clock
 * punctuator settles due items, closes items that waited past the gate item retention as abandoned, and purges items
 * past the retention, all through one time-ordered index and a bounded number of items per run.
 */
final class GateProcessor implements Processor<String, DeliveryEvent, Void, Void> {

    /** Most events held for one item; one more settles it at once, so that a flood cannot grow its record. */
    static final int MAX_HELD = 32;
    /** Most items settled, abandoned or purged (each) in one punctuation, so that one run never holds the thread. */
    static final int BATCH = 1_000;

    private static final String SETTLE = "settle"; // indexed by the wall-clock arrival of the last held event
    private static final String ABANDON = "abandon"; // by the queued time of a settled, waiting pass
    private static final String RETAIN = "retain"; // by the latest event time of the item
    private static final Duration MIN_TICK = Duration.ofMillis(100);
    private static final Duration MAX_TICK = Duration.ofSeconds(1);

    private final long windowMillis;
    private final long itemRetentionMillis;
    private final long retentionMillis;
    private final long purgeIntervalMillis;
    private final Duration tick;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, GateItem> items;
    private KeyValueStore<String, Long> waiting;
    private ExpiryIndex expiry;
    private Aggregates aggregates;
    private long nextPurgeAt;
    private boolean purgeBehind;

    GateProcessor(TopologySettings settings) {
        this.windowMillis = settings.gateReorderWindow().toMillis();
        this.itemRetentionMillis = settings.gateItemRetention().toMillis();
        this.retentionMillis = settings.retention().toMillis();
        this.purgeIntervalMillis = settings.purgeInterval().toMillis();
        // The window itself, but at most a second (an item settles within a second of its window ending) and at
        // least 100 ms (each tick reads the index once, however little is due).
        Duration window = settings.gateReorderWindow();
        if (window.compareTo(MAX_TICK) > 0) {
            this.tick = MAX_TICK;
        } else {
            this.tick = window.compareTo(MIN_TICK) < 0 ? MIN_TICK : window;
        }
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        items = context.getStateStore(Gates.ITEMS_STORE);
        waiting = context.getStateStore(Gates.WAITING_STORE);
        expiry = new ExpiryIndex(context.getStateStore(Gates.EXPIRY_STORE));
        aggregates = new Aggregates(context.getStateStore(Aggregates.STORE));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, DeliveryEvent> record) {
        DeliveryEvent event = record.value();
        long time = event.time().toEpochMilli();
        String key;
        GateEvent held;
        if (event instanceof GateQueued queued) {
            key = StoreKey.of(event.service(), queued.gate(), queued.item());
            held = new GateEvent(GateEvent.Kind.QUEUED, time, null);
        } else if (event instanceof GateStarted started) {
            key = StoreKey.of(event.service(), started.gate(), started.item());
            held = new GateEvent(GateEvent.Kind.STARTED, time, null);
        } else if (event instanceof GateFinished finished) {
            key = StoreKey.of(event.service(), finished.gate(), finished.item());
            held = new GateEvent(GateEvent.Kind.FINISHED, time, finished.outcome().wireName());
        } else {
            return;
        }
        long now = context.currentSystemTimeMs();
        GateItem stored = items.get(key);
        GateItem current = stored == null ? GateItem.NEW : stored;
        GateItem next = current.holding(held, now);
        if (stored == null || next.latestEventAt() != current.latestEventAt()) {
            if (stored != null) {
                expiry.remove(RETAIN, current.latestEventAt(), key);
            }
            expiry.add(RETAIN, next.latestEventAt(), key);
        }
        if (current.heldSince() != null) {
            expiry.remove(SETTLE, current.heldSince(), key);
        }
        if (next.held().size() > MAX_HELD) {
            settle(key, next, now);
            return;
        }
        expiry.add(SETTLE, now, key);
        items.put(key, next);
        showWaiting(key, next.provisional());
    }

    private void punctuate(long now) {
        for (ExpiryIndex.Entry due : expiry.expire(SETTLE, now - windowMillis + 1, BATCH)) {
            GateItem item = items.get(due.key());
            if (item != null && Objects.equals(item.heldSince(), due.timeMillis())) {
                settle(due.key(), item, now);
            }
        }
        if (now >= nextPurgeAt || purgeBehind) {
            int abandoned = abandonOverdue(now);
            int purged = purgeExpired(now);
            // A full batch means more may be due: carry on at the next tick rather than a purge interval later.
            purgeBehind = abandoned == BATCH || purged == BATCH;
            nextPurgeAt = now + purgeIntervalMillis;
        }
    }

    /**
     * Applies the held events in event-time order, observing what they complete. The caller has already taken the
     * item's settle entry out of the index.
     */
    private GateItem settle(String key, GateItem item, long now) {
        String[] parts = StoreKey.split(key, 3);
        String service = parts[0];
        String gate = parts[1];
        GatePass.Measures measures = new GatePass.Measures() {
            @Override
            public void waited(long millis) {
                aggregates.observe(Metric.GATE_QUEUE_WAIT, millis, service, gate);
            }

            @Override
            public void worked(long millis, String outcome) {
                aggregates.observe(Metric.GATE_DURATION, millis, service, gate, outcome);
            }
        };
        GatePass before = item.pass();
        GatePass pass = before;
        for (GateEvent event : item.heldInEventTimeOrder()) {
            pass = pass.apply(event, measures);
        }
        if (pass.waiting() && pass.queuedAt() < now - itemRetentionMillis) {
            pass = abandon(service, gate, pass);
        }
        Long waitedSince = before.waiting() ? before.queuedAt() : null;
        Long waitsSince = pass.waiting() ? pass.queuedAt() : null;
        if (!Objects.equals(waitedSince, waitsSince)) {
            if (waitedSince != null) {
                expiry.remove(ABANDON, waitedSince, key);
            }
            if (waitsSince != null) {
                expiry.add(ABANDON, waitsSince, key);
            }
        }
        GateItem settled = item.settled(pass);
        items.put(key, settled);
        showWaiting(key, pass);
        return settled;
    }

    /** Closes passes still waiting since before the gate item retention; returns how many index entries it read. */
    private int abandonOverdue(long now) {
        List<ExpiryIndex.Entry> due = expiry.expire(ABANDON, now - itemRetentionMillis, BATCH);
        for (ExpiryIndex.Entry entry : due) {
            GateItem item = items.get(entry.key());
            if (item == null) {
                continue;
            }
            if (item.heldSince() != null) {
                // Events came in meanwhile: settling applies them first, and abandons the pass if it still waits.
                expiry.remove(SETTLE, item.heldSince(), entry.key());
                settle(entry.key(), item, now);
            } else if (item.pass().waiting() && item.pass().queuedAt() == entry.timeMillis()) {
                String[] parts = StoreKey.split(entry.key(), 3);
                items.put(entry.key(), item.settled(abandon(parts[0], parts[1], item.pass())));
                waiting.delete(entry.key());
            }
        }
        return due.size();
    }

    /** Deletes items whose latest event is older than the retention; returns how many index entries it read. */
    private int purgeExpired(long now) {
        List<ExpiryIndex.Entry> due = expiry.expire(RETAIN, now - retentionMillis, BATCH);
        for (ExpiryIndex.Entry entry : due) {
            GateItem item = items.get(entry.key());
            if (item == null || item.latestEventAt() != entry.timeMillis()) {
                continue;
            }
            if (item.heldSince() != null) {
                expiry.remove(SETTLE, item.heldSince(), entry.key());
                item = settle(entry.key(), item, now); // what it completes still counts
            }
            if (item.pass().waiting()) {
                // Only when the gate item retention is longer than the retention: it never got a wait either.
                String[] parts = StoreKey.split(entry.key(), 3);
                abandon(parts[0], parts[1], item.pass());
                expiry.remove(ABANDON, item.pass().queuedAt(), entry.key());
            }
            items.delete(entry.key());
            waiting.delete(entry.key());
        }
        return due.size();
    }

    private GatePass abandon(String service, String gate, GatePass pass) {
        aggregates.increment(Metric.GATE_ABANDONED, service, gate);
        return pass.abandon();
    }

    /** Keeps the waiting store (what the gauges read) in line with {@code pass}, writing only what changed. */
    private void showWaiting(String key, GatePass pass) {
        Long shown = waiting.get(key);
        if (pass.waiting()) {
            if (!pass.queuedAt().equals(shown)) {
                waiting.put(key, pass.queuedAt());
            }
        } else if (shown != null) {
            waiting.delete(key);
        }
    }
}
