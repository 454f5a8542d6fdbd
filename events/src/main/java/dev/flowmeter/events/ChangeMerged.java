package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change was merged: {@code sha} is the commit that landed on the target (a merge commit, a squash or the last
 * commit of a rebase), {@code commits} the change's own commits when the source lists them. The landed sha is
 * linked to them, so that a squash still counts from the change's first commit.
 */
public record ChangeMerged(String id, Instant time, String service, String change, String sha, List<String> commits)
        implements DeliveryEvent {

    public ChangeMerged {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(sha, "sha");
        commits = List.copyOf(commits);
    }

    @Override
    public EventType type() {
        return EventType.CHANGE_MERGED;
    }
}
