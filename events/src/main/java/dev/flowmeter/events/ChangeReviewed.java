package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;

/** Someone other than its author reviewed or commented on a change; the first such event starts its review. */
public record ChangeReviewed(String id, Instant time, String service, String change) implements DeliveryEvent {

    public ChangeReviewed {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(change, "change");
    }

    @Override
    public EventType type() {
        return EventType.CHANGE_REVIEWED;
    }
}
