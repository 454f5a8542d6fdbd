package dev.flowmeter.streams.gates;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EnvironmentReady;
import dev.flowmeter.events.EnvironmentRequested;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStall;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.Topic;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StateChanges;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Time items spend at manual gates. Per (service, gate, item): queue wait = first start (or the finish, if never
 * started) minus queued, duration = finish minus first start. An item's events are held for a short wall-clock
 * reorder window and then applied in event-time order, so the measures do not depend on the arrival order of events
 * that arrive close together. Items still waiting are kept in their own store so that a scrape can count them and age
 * the oldest cheaply; an item that waits too long is closed as abandoned, and old items are purged. An item waiting
 * longer than its gate's limit is reported on {@link Topics#GATES_STALLED}, once when it stalls and once when it moves
 * on.
 */
public final class Gates {

    /** Per item: the settled pass, the held events, the latest event time. Key service|gate|item. */
    public static final String ITEMS_STORE = "gates-item-state-store";
    /** Items waiting right now: key service|gate|item, value queued-at epoch millis. */
    public static final String WAITING_STORE = "gates-waiting-store";
    /** Finished passes: {@code service|item|gate|finished-at} (the item escaped) to a {@link FinishedPass}. */
    public static final String PASSES_STORE = "gates-finished-passes-store";
    /** When items are due to settle, to be abandoned and to be purged (an {@link ExpiryIndex}). */
    public static final String EXPIRY_STORE = "gates-expiry-store";

    /** The gate a change waits at while an environment it asked for is being made ready. */
    public static final String ENVIRONMENT_GATE = "environment";

    private Gates() {
    }

    /** An environment requested (or made ready) for a change: the change waits for it, at the environment gate. */
    private static boolean waitsForEnvironment(DeliveryEvent event) {
        return event instanceof EnvironmentRequested requested && !requested.change().isEmpty()
                || event instanceof EnvironmentReady ready && !ready.change().isEmpty();
    }

    /**
     * Environment events of a change as the gate events they amount to: requested is queued, ready is finished
     * (passed), the item being the change. Gate events pass unchanged.
     */
    private static DeliveryEvent asGateEvent(DeliveryEvent event) {
        if (event instanceof EnvironmentRequested requested) {
            return new GateQueued(requested.id(), requested.time(), requested.service(), ENVIRONMENT_GATE,
                    requested.change());
        }
        if (event instanceof EnvironmentReady ready) {
            return new GateFinished(ready.id(), ready.time(), ready.service(), ENVIRONMENT_GATE, ready.change(),
                    GateOutcome.PASSED);
        }
        return event;
    }

    /** @param changes told of every write to the stores a scrape works series out from */
    public static void addTo(StreamsBuilder builder, KStream<String, DeliveryEvent> events,
            TopologySettings settings, StateChanges changes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(ITEMS_STORE),
                Serdes.String(), new JsonSerde<>(GateItem.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(WAITING_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(PASSES_STORE, settings.stores()),
                Serdes.String(), new JsonSerde<>(FinishedPass.class)));
        builder.addStateStore(ExpiryIndex.storeBuilder(EXPIRY_STORE, settings.stores()));
        Topic<String, GateStall> stalled = Topics.GATES_STALLED;
        events.filter((service, event) -> event instanceof GateQueued || event instanceof GateStarted
                                || event instanceof GateFinished || waitsForEnvironment(event),
                        Named.as("gates-select-gate-events"))
                .mapValues(Gates::asGateEvent, Named.as("gates-read-environment-waits"))
                .process(() -> new GateProcessor(settings), Named.as("gates-measure-items"),
                        ITEMS_STORE, WAITING_STORE, PASSES_STORE, EXPIRY_STORE, Aggregates.STORE)
                .to(stalled.name(), Produced.with(stalled.keySerde(), stalled.valueSerde())
                        .withName("gates-write-stalled-items"));
    }
}
