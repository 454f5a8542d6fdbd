package dev.flowmeter.streams.leadtime;

/**
 * A deployment to one environment that shipped a commit Flowmeter has not seen yet. When the commit arrives it gets
 * its lead time, and, when the deployment's commits were derived from history ({@code walk}), the walk goes on
 * through its parents.
 */
record AwaitedDeployment(long timeMillis, boolean walk) {
}
