package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;

/** A change was closed without being merged. */
public record ChangeClosed(String id, Instant time, String service, String change) implements DeliveryEvent {

    public ChangeClosed {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(change, "change");
    }

    @Override
    public EventType type() {
        return EventType.CHANGE_CLOSED;
    }
}
