package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A commit exists; {@code parents} link it into the history a deployment ships. */
public record CommitRecorded(String id, Instant time, String service, String sha, List<String> parents)
        implements DeliveryEvent {

    public CommitRecorded {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(sha, "sha");
        parents = List.copyOf(parents);
    }

    @Override
    public EventType type() {
        return EventType.COMMIT;
    }
}
