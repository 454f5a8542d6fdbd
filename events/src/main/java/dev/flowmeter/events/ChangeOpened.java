package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change (a pull or merge request) was opened against {@code target}. {@code change} is unique per service;
 * {@code commits} are the change's own commits when the source lists them; {@code target}, {@code title} and
 * {@code url} are empty when the source does not say (CDEvents changes name no branch).
 */
public record ChangeOpened(String id, Instant time, String service, String change, String sha, List<String> commits,
        String target, String title, String url) implements DeliveryEvent {

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
    }

    @Override
    public EventType type() {
        return EventType.CHANGE_OPENED;
    }
}
