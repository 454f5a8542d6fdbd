package dev.flowmeter.streams.dora;

/**
 * One finished deployment as the DORA keys read it, stored under {@code service|environment|time|id} so that a
 * service's deployments to an environment are found in time order with one range read. Every field is bounded by
 * the event contract: {@code commits} is a count, never the list.
 *
 * @param success the deployment's status was {@code success}
 * @param commits the commits it shipped to the environment for the first time (its batch size); 0 for a failure
 */
public record DeploymentFact(String sha, boolean success, boolean rollback, int commits) {
}
