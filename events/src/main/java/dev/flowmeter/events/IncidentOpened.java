package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A production incident began (an alert fired, someone declared it): the start of a recovery.
 * {@code environment} and {@code sha} are empty when the source does not say.
 */
public record IncidentOpened(String id, Instant time, String service, String incident, String environment, String sha)
        implements DeliveryEvent {

    public IncidentOpened {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(incident, "incident");
        environment = environment == null ? "" : environment;
        sha = sha == null ? "" : sha;
    }

    @Override
    public EventType type() {
        return EventType.INCIDENT_OPENED;
    }
}
