package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;

/**
 * An environment is ready for use. {@code kind} ({@code test}, {@code qa}, {@code staging},
 * {@code ephemeral}, ...) and {@code change}, the change it serves, are empty when the source does not say.
 */
public record EnvironmentReady(String id, Instant time, String service, String environment, String kind,
        String change) implements DeliveryEvent {

    public EnvironmentReady {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(environment, "environment");
        kind = kind == null ? "" : kind;
        change = change == null ? "" : change;
    }

    @Override
    public EventType type() {
        return EventType.ENVIRONMENT_READY;
    }
}
