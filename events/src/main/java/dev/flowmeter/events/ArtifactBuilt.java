package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An artifact (a container image, a package) was built from {@code commits}. {@code sha} is the artifact's digest, or
 * a stand-in id for it: a deployment that deploys that sha ships the commits behind it. The artifact itself is not a
 * change, so it has no lead time of its own and does not count in a deployment's batch size.
 */
public record ArtifactBuilt(String id, Instant time, String service, String sha, List<String> commits)
        implements DeliveryEvent {

    public ArtifactBuilt {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(sha, "sha");
        commits = List.copyOf(commits);
    }

    @Override
    public EventType type() {
        return EventType.ARTIFACT;
    }
}
