package dev.flowmeter.streams.leadtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Deployments that shipped a commit Flowmeter has not seen yet. When the commit arrives it gets its lead time for
 * each of them, and, when the deployment's commits were derived from history, the walk goes on through its parents.
 */
record Awaiting(List<Deployment> deployments) {

    /** One deployment waiting for the commit. */
    record Deployment(String environment, long timeMillis, boolean walk) {
    }

    Awaiting {
        deployments = deployments == null ? List.of() : List.copyOf(deployments);
    }

    Awaiting plus(Deployment deployment) {
        List<Deployment> next = new ArrayList<>(deployments);
        next.add(deployment);
        return new Awaiting(next);
    }
}
