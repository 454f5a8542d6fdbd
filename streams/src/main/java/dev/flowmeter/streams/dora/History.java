package dev.flowmeter.streams.dora;

import java.util.List;

/**
 * Everything the ledger holds for one service, as plain values: what {@link Classifier} and {@link DoraKeys} read.
 */
public record History(String service, List<Deployment> deployments, List<Shipped> shipped,
        List<Incident> incidents) {

    public History {
        deployments = List.copyOf(deployments);
        shipped = List.copyOf(shipped);
        incidents = List.copyOf(incidents);
    }

    /** A finished deployment; {@code commits} is how many commits it shipped to the environment first. */
    public record Deployment(String environment, long time, String id, String sha, boolean success,
            boolean rollback, int commits) {
    }

    /** A commit that reached an environment for the first time with the deployment at {@code deployedAt}. */
    public record Shipped(String environment, long deployedAt, String sha, long committedAt) {

        /** Its lead time; a commit stamped after its deployment (skewed clocks) counts as zero. */
        public long leadTimeMillis() {
            return Math.max(0, deployedAt - committedAt);
        }
    }

    /**
     * An incident; {@code openedAt} is {@code null} when only its resolution has been seen, {@code resolvedAt} is
     * {@code null} while it is open (reopened after a resolution included). {@code environment} and {@code sha} are
     * empty when no event said.
     */
    public record Incident(String id, Long openedAt, Long resolvedAt, String environment, String sha) {

        public boolean open() {
            return openedAt != null && resolvedAt == null;
        }
    }
}
