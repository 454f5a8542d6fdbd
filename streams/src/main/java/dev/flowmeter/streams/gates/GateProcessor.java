package dev.flowmeter.streams.gates;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStall;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds each item's events for the reorder window (wall clock, since the item's last event), then settles the item:
 * applies the held events in event-time order and observes the waits and durations they complete. A wall-clock
 * punctuator settles due items, closes items that waited past the gate item retention as abandoned, and purges items
 * past the retention, all through one time-ordered index and a bounded number of items per run. The same punctuator
 * reports items waiting longer than their gate's limit: one {@code gate.stalled} record forwarded when the limit
 * passes, one {@code gate.unstalled} when the stalled item moves on.
 */
final class GateProcessor implements Processor<String, DeliveryEvent, String, GateStall> {

    /** Most events held for one item; one more settles it at once, so that a flood cannot grow its record. */
    static final int MAX_HELD = 32;
    /** Most items settled, abandoned or purged (each) in one punctuation, so that one run never holds the thread. */
    static final int BATCH = 1_000;

    private static final String SETTLE = "settle"; // indexed by the wall-clock arrival of the last held event
    private static final String ABANDON = "abandon"; // by the queued time of a settled, waiting pass
    private static final String RETAIN = "retain"; // by the latest event time of the item
    private static final String STALL = "stall"; // by the queued time plus the gate's limit, of a settled waiting pass
    private static final String PASS = "pass"; // by the finish time of a finished pass
    private static final String ABANDONED = "abandoned";
    private static final String PURGED = "purged";
    private static final Duration MIN_TICK = Duration.ofMillis(100);
    private static final Duration MAX_TICK = Duration.ofSeconds(1);

    private final long windowMillis;
    private final long itemRetentionMillis;
    private final long retentionMillis;
    private final long purgeIntervalMillis;
    private final Duration tick;
    private final GateLimits limits;
    private ProcessorContext<String, GateStall> context;
    private KeyValueStore<String, GateItem> items;
    private KeyValueStore<String, Long> waiting;
    private KeyValueStore<String, FinishedPass> passes;
    private ExpiryIndex expiry;
    private Aggregates aggregates;
    private long nextPurgeAt;
    private boolean purgeBehind;

    GateProcessor(TopologySettings settings) {
        this.windowMillis = settings.gateReorderWindow().toMillis();
        this.itemRetentionMillis = settings.gateItemRetention().toMillis();
        this.retentionMillis = settings.retention().toMillis();
        this.purgeIntervalMillis = settings.purgeInterval().toMillis();
        this.limits = settings.gateLimits();
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
    public void init(ProcessorContext<String, GateStall> context) {
        this.context = context;
        items = context.getStateStore(Gates.ITEMS_STORE);
        waiting = context.getStateStore(Gates.WAITING_STORE);
        passes = context.getStateStore(Gates.PASSES_STORE);
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
        // Every tick rather than every purge interval: a stall is reported within a second of its limit passing,
        // at the cost of one index read per tick, as for settling.
        stallOverdue(now);
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
        Long stalled = item.stalledSince();
        String movedOn = null;
        for (GateEvent event : item.heldInEventTimeOrder()) {
            pass = pass.apply(event, measures);
            if (stalled != null && movedOn == null) {
                if (stillStalled(pass, stalled)) {
                    stalled = pass.queuedAt(); // an earlier request of the same pass: stalled since then
                } else {
                    movedOn = event.kind().name().toLowerCase(Locale.ROOT);
                }
            }
        }
        if (pass.waiting() && pass.queuedAt() < now - itemRetentionMillis) {
            pass = abandon(service, gate, pass);
            if (stalled != null && movedOn == null) {
                movedOn = ABANDONED;
            }
        }
        if (movedOn != null) {
            unstall(key, stalled, movedOn, now);
            stalled = null;
        }
        Long waitedSince = before.waiting() ? before.queuedAt() : null;
        Long waitsSince = pass.waiting() ? pass.queuedAt() : null;
        if (!Objects.equals(waitedSince, waitsSince)) {
            Optional<Duration> limit = limits.limitFor(gate);
            if (waitedSince != null) {
                expiry.remove(ABANDON, waitedSince, key);
                limit.ifPresent(l -> expiry.remove(STALL, waitedSince + l.toMillis(), key));
            }
            if (waitsSince != null) {
                expiry.add(ABANDON, waitsSince, key);
                if (stalled == null) {
                    limit.ifPresent(l -> expiry.add(STALL, waitsSince + l.toMillis(), key));
                }
            }
        }
        if (pass.finishedAt() != null && !pass.abandoned() && !pass.equals(before)) {
            recordFinished(service, gate, parts[2], pass);
        }
        GateItem settled = item.settled(pass, stalled);
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
                if (item.stalledSince() != null) {
                    unstall(entry.key(), item.stalledSince(), ABANDONED, now);
                }
                removeStallEntry(entry.key(), parts[1], item.pass());
                items.put(entry.key(), item.settled(abandon(parts[0], parts[1], item.pass()), null));
                waiting.delete(entry.key());
            }
        }
        return due.size();
    }

    /** Keeps a finished pass for the value stream's timelines, once per pass (its finish time is in the key). */
    private void recordFinished(String service, String gate, String item, GatePass pass) {
        String key = StoreKey.of(service, StoreKey.escape(item), gate, ExpiryIndex.pad(pass.finishedAt()));
        if (passes.get(key) == null) {
            expiry.add(PASS, pass.finishedAt(), key);
        }
        passes.put(key, new FinishedPass(pass.queuedAt(), pass.startedAt(), pass.finishedAt(), pass.outcome()));
    }

    /** Deletes items whose latest event is older than the retention; returns how many index entries it read. */
    private int purgeExpired(long now) {
        for (ExpiryIndex.Entry entry : expiry.expire(PASS, now - retentionMillis, BATCH)) {
            passes.delete(entry.key());
        }
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
                removeStallEntry(entry.key(), parts[1], item.pass());
                if (item.stalledSince() != null) {
                    unstall(entry.key(), item.stalledSince(), PURGED, now);
                }
            }
            items.delete(entry.key());
            waiting.delete(entry.key());
        }
        return due.size();
    }

    /**
     * Reports settled passes that have waited longer than their gate's limit, each once: the mark on the item, written
     * with the record it stands for, keeps a later run (or a restart) from writing it again.
     */
    private void stallOverdue(long now) {
        for (ExpiryIndex.Entry due : expiry.expire(STALL, now, BATCH)) {
            GateItem item = items.get(due.key());
            if (item == null) {
                continue;
            }
            if (item.heldSince() != null) {
                // Events came in meanwhile: they may end the wait, so apply them before calling it stalled.
                expiry.remove(SETTLE, item.heldSince(), due.key());
                item = settle(due.key(), item, now);
            }
            GatePass pass = item.pass();
            if (item.stalledSince() != null || !pass.waiting()) {
                continue;
            }
            String[] parts = StoreKey.split(due.key(), 3);
            Optional<Duration> limit = limits.limitFor(parts[1]);
            if (limit.isEmpty()) {
                continue; // the limit was removed since the entry was written
            }
            long deadline = pass.queuedAt() + limit.get().toMillis();
            if (deadline >= now) {
                // The limit was lengthened since the entry was written: look again when the new one passes.
                expiry.add(STALL, deadline, due.key());
                continue;
            }
            context.forward(new Record<>(parts[0], GateStall.stalled(parts[0], parts[1], parts[2],
                    Instant.ofEpochMilli(pass.queuedAt()), limit.get().toSeconds(), Instant.ofEpochMilli(now)), now));
            items.put(due.key(), item.stalled(pass.queuedAt()));
        }
    }

    /** Still the stalled pass (queued at {@code stalledSince} or, after an earlier request, before) and waiting. */
    private static boolean stillStalled(GatePass pass, long stalledSince) {
        return pass.waiting() && pass.queuedAt() <= stalledSince;
    }

    private void unstall(String key, long stalledSince, String reason, long now) {
        String[] parts = StoreKey.split(key, 3);
        long limitSeconds = limits.limitFor(parts[1]).map(Duration::toSeconds).orElse(0L);
        context.forward(new Record<>(parts[0], GateStall.unstalled(parts[0], parts[1], parts[2],
                Instant.ofEpochMilli(stalledSince), limitSeconds, Instant.ofEpochMilli(now), reason), now));
    }

    private void removeStallEntry(String key, String gate, GatePass pass) {
        limits.limitFor(gate).ifPresent(l -> expiry.remove(STALL, pass.queuedAt() + l.toMillis(), key));
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
