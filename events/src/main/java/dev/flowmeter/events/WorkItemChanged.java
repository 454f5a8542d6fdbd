package dev.flowmeter.events;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A work item of a tracker (a Jira issue, a GitHub or GitLab issue) was created, started, done, reopened or
 * cancelled. {@code item} is the tracker's key ({@code PAY-123}, or {@code #42} for an issue of the service's own
 * repository); {@code kind} is the latest the tracker says; {@code title}, {@code url} and {@code release} (the
 * tracker's fix version) are empty when the source does not say.
 */
public record WorkItemChanged(String id, EventType type, Instant time, String service, String item, WorkKind kind,
        String title, String url, String release) implements DeliveryEvent {

    /** The event types a work item's changes carry. */
    public static final Set<EventType> TYPES = Set.of(EventType.WORK_CREATED, EventType.WORK_STARTED,
            EventType.WORK_DONE, EventType.WORK_REOPENED, EventType.WORK_CANCELLED);

    public WorkItemChanged {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(kind, "kind");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(type + " is not a work item event type");
        }
        title = title == null ? "" : title;
        url = url == null ? "" : url;
        release = release == null ? "" : release;
    }
}
