package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A commit exists; {@code parents} link it into the history a deployment ships. {@code message} is its subject line
 * and {@code items} the work items it says it belongs to, when the source tells them (empty otherwise): explicit
 * items win over the keys found in the subject.
 */
public record CommitRecorded(String id, Instant time, String service, String sha, List<String> parents,
        String message, List<String> items) implements DeliveryEvent {

    public CommitRecorded {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(sha, "sha");
        parents = List.copyOf(parents);
        message = message == null ? "" : message;
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** A commit with neither a subject nor items. */
    public CommitRecorded(String id, Instant time, String service, String sha, List<String> parents) {
        this(id, time, service, sha, parents, "", List.of());
    }

    @Override
    public EventType type() {
        return EventType.COMMIT;
    }
}
