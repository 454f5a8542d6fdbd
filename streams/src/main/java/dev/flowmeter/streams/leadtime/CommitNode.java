package dev.flowmeter.streams.leadtime;

/**
 * A node of the history walk: when it was made and whether it stands for a built artifact, which the walk passes
 * through to the commits it was built from without counting it as a change. What it descends from is kept as
 * separate parent records, never in here, so the value stays a few bytes however many parents it gains;
 * {@code parentCount} is how many were ever linked, and numbers the next one. A node is {@code provisional} when only a
 * {@code change.merged} has reported it (the landed sha, stamped with the merge time): a real report of the same
 * commit later gives it the commit's own time, if earlier, so that the order of the two does not matter.
 */
public record CommitNode(long timeMillis, boolean artifact, int parentCount, boolean provisional) {

    CommitNode withParentCount(int count) {
        return new CommitNode(timeMillis, artifact, count, provisional);
    }

    /** Confirmed by a real report of the commit at {@code reportedMillis}. */
    CommitNode confirmed(long reportedMillis) {
        return new CommitNode(Math.min(timeMillis, reportedMillis), artifact, parentCount, false);
    }
}
