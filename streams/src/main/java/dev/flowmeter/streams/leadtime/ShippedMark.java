package dev.flowmeter.streams.leadtime;

/**
 * A commit's first successful deployment to one environment: when, and whether it was reached by a walk over
 * history (rather than listed explicitly), in which case the walk goes on when the commit later gains parents.
 */
public record ShippedMark(long timeMillis, boolean walked) {
}
