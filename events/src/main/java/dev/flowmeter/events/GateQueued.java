package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;

/** An item (a change, a sha, a deployment) starts waiting at a gate such as code review or QA. */
public record GateQueued(String id, Instant time, String service, String gate, String item) implements DeliveryEvent {

    public GateQueued {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(item, "item");
    }

    @Override
    public EventType type() {
        return EventType.GATE_QUEUED;
    }
}
