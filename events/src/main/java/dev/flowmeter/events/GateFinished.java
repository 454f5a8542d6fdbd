package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;

/** An item leaves a gate, passed or failed. Ends its wait too when no {@link GateStarted} came before it. */
public record GateFinished(String id, Instant time, String service, String gate, String item, GateOutcome outcome)
        implements DeliveryEvent {

    public GateFinished {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.GATE_FINISHED;
    }
}
