package dev.flowmeter.streams.work;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One work item as its partition knows it. {@code commits} maps {@code service|sha} to when the commit first reached
 * production ({@code null} while it has not); {@code transitionAt} is the event time of the latest state change
 * applied, so that an older one arriving late does not undo it.
 *
 * @param service the item's own service (from its {@code work.*} events); empty while only its commits are known
 */
public record WorkItemState(String service, String item, String kind, String title, String url, String release,
        Long createdAt, Long startedAt, Long doneAt, String status, long transitionAt, long updatedAt,
        Map<String, Long> commits, boolean leadTimeObserved, int completions) {

    static final String OPEN = "open";
    static final String IN_PROGRESS = "in-progress";
    static final String DONE = "done";
    static final String CANCELLED = "cancelled";

    public WorkItemState {
        commits = commits == null ? new LinkedHashMap<>() : new LinkedHashMap<>(commits);
    }

    static WorkItemState unknown(String item) {
        return new WorkItemState("", item, "", "", "", "", null, null, null, OPEN, Long.MIN_VALUE, 0, Map.of(),
                false, 0);
    }

    public boolean described() {
        return !service.isEmpty();
    }

    public boolean inProgress() {
        return IN_PROGRESS.equals(status);
    }

    /** Every commit in production (and at least one). */
    public boolean allShipped() {
        return !commits.isEmpty() && commits.values().stream().allMatch(t -> t != null);
    }

    public long lastShippedAt() {
        return commits.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
