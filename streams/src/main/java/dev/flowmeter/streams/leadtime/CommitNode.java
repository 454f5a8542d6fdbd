package dev.flowmeter.streams.leadtime;

/**
 * A node of the history walk: when it was made and whether it stands for a built artifact, which the walk passes
 * through to the commits it was built from without counting it as a change. What it descends from is kept as
 * separate parent records, never in here, so the value stays a few bytes however many parents it gains;
 * {@code parentCount} is how many were ever linked, and numbers the next one.
 */
public record CommitNode(long timeMillis, boolean artifact, int parentCount) {

    CommitNode withParentCount(int count) {
        return new CommitNode(timeMillis, artifact, count);
    }
}
