package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change (a pull or merge request) was opened against {@code target}. {@code change} is unique per service;
 * {@code commits} are the change's own commits when the source lists them; {@code target}, {@code title} and
 * {@code url} are empty when the source does not say (CDEvents changes name no branch). {@code branch} is the source
 * branch and {@code items} the work items the change says it belongs to, when the source tells them: explicit items
 * win over the keys found in the title and the branch name.
 */
public record ChangeOpened(String id, Instant time, String service, String change, String sha, List<String> commits,
        String target, String title, String url, String branch, List<String> items) implements DeliveryEvent {

    public ChangeOpened {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(sha, "sha");
        commits = List.copyOf(commits);
        target = target == null ? "" : target;
        title = title == null ? "" : title;
        url = url == null ? "" : url;
        branch = branch == null ? "" : branch;
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** A change whose source names neither its branch nor its work items. */
    public ChangeOpened(String id, Instant time, String service, String change, String sha, List<String> commits,
            String target, String title, String url) {
        this(id, time, service, change, sha, commits, target, title, url, "", List.of());
    }

    @Override
    public EventType type() {
        return EventType.CHANGE_OPENED;
    }
}
