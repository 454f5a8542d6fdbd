package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A deployment of revision {@code sha} to {@code environment} ended. {@code commits}, when not empty, is the
 * explicit list of commits shipped; when empty, the shipped commits are derived from the commit history.
 * {@code rollback} is true when the deployment restores an earlier version.
 */
public record DeploymentFinished(
        String id,
        Instant time,
        String service,
        String environment,
        String sha,
        DeploymentStatus status,
        List<String> commits,
        boolean rollback)
        implements DeliveryEvent {

    public DeploymentFinished {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(status, "status");
        commits = List.copyOf(commits);
    }

    /** A deployment that is not a rollback, as every source but the events API reports them. */
    public DeploymentFinished(String id, Instant time, String service, String environment, String sha,
            DeploymentStatus status, List<String> commits) {
        this(id, time, service, environment, sha, status, commits, false);
    }

    @Override
    public EventType type() {
        return EventType.DEPLOYMENT;
    }
}
