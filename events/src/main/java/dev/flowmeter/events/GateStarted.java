package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;

/** Someone or something starts working on an item at a gate: the item's wait in the queue ends here. */
public record GateStarted(String id, Instant time, String service, String gate, String item) implements DeliveryEvent {

    public GateStarted {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(item, "item");
    }

    @Override
    public EventType type() {
        return EventType.GATE_STARTED;
    }
}
