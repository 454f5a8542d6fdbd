package dev.flowmeter.streams.gates;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StoreKey;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Time items spend at manual gates. Per (service, gate, item): queue wait = first of started/finished minus queued,
 * duration = finished minus started. Events may arrive in any order; each measure is observed once, as soon as both
 * of its ends are known. An item queued again after it finished starts a new pass (a re-requested review). Items
 * still waiting are kept in their own store so that a scrape can count them and age the oldest cheaply.
 */
public final class Gates {

    public static final String ITEMS_STORE = "gates-items-store";
    /** Items waiting right now: key service|gate|item, value queued-at epoch millis. */
    public static final String WAITING_STORE = "gates-waiting-store";

    private Gates() {
    }

    public static void addTo(StreamsBuilder builder, KStream<String, DeliveryEvent> events) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ITEMS_STORE),
                Serdes.String(), new JsonSerde<>(GateItem.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WAITING_STORE),
                Serdes.String(), Serdes.Long()));
        events.filter((service, event) -> event instanceof GateQueued || event instanceof GateStarted
                                || event instanceof GateFinished,
                        Named.as("gates-select-gate-events"))
                .process(GateProcessor::new, Named.as("gates-measure-items"),
                        ITEMS_STORE, WAITING_STORE, Aggregates.STORE);
    }

    private static final class GateProcessor implements Processor<String, DeliveryEvent, Void, Void> {

        private KeyValueStore<String, GateItem> items;
        private KeyValueStore<String, Long> waiting;
        private Aggregates aggregates;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            items = context.getStateStore(ITEMS_STORE);
            waiting = context.getStateStore(WAITING_STORE);
            aggregates = new Aggregates(context.getStateStore(Aggregates.STORE));
        }

        @Override
        public void process(Record<String, DeliveryEvent> record) {
            DeliveryEvent event = record.value();
            long time = event.time().toEpochMilli();
            String service = event.service();
            String gate;
            String key;
            GateItem next;
            if (event instanceof GateQueued queued) {
                gate = queued.gate();
                key = StoreKey.of(service, gate, queued.item());
                next = queued(current(key), time);
            } else if (event instanceof GateStarted started) {
                gate = started.gate();
                key = StoreKey.of(service, gate, started.item());
                GateItem item = current(key);
                next = item.startedAt() == null || (time < item.startedAt() && !item.waitObserved())
                        ? item.withStartedAt(time) : item;
            } else if (event instanceof GateFinished finished) {
                gate = finished.gate();
                key = StoreKey.of(service, gate, finished.item());
                GateItem item = current(key);
                // A second verdict on the same pass (another reviewer) does not change the first one.
                next = item.finishedAt() == null ? item.withFinish(time, finished.outcome().wireName()) : item;
            } else {
                return;
            }
            next = observe(next, service, gate);
            items.put(key, next);
            if (next.isWaiting()) {
                waiting.put(key, next.queuedAt());
            } else {
                waiting.delete(key);
            }
        }

        private GateItem current(String key) {
            GateItem item = items.get(key);
            return item == null ? GateItem.NEW : item;
        }

        private static GateItem queued(GateItem item, long time) {
            if (item.finishedAt() != null && time > item.finishedAt()) {
                return GateItem.NEW.withQueuedAt(time); // queued again after its last pass ended: a new pass
            }
            if (item.startedAt() != null && time > item.startedAt()) {
                return item; // asked for again while already being worked on: still the same pass
            }
            if (item.queuedAt() == null || (time < item.queuedAt() && !item.waitObserved())) {
                return item.withQueuedAt(time); // the earliest request is when the wait began
            }
            return item;
        }

        private GateItem observe(GateItem item, String service, String gate) {
            GateItem next = item;
            Long waitEnd = next.waitEnd();
            if (!next.waitObserved() && next.queuedAt() != null && waitEnd != null) {
                aggregates.observe(Metric.GATE_QUEUE_WAIT, Math.max(0, waitEnd - next.queuedAt()), service, gate);
                next = next.withWaitObserved();
            }
            if (!next.durationObserved() && next.startedAt() != null && next.finishedAt() != null) {
                aggregates.observe(Metric.GATE_DURATION, Math.max(0, next.finishedAt() - next.startedAt()),
                        service, gate, next.outcome());
                next = next.withDurationObserved();
            }
            return next;
        }
    }
}
