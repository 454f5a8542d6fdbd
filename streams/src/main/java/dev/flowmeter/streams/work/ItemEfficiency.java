package dev.flowmeter.streams.work;

import dev.flowmeter.streams.valuestream.ChangeFact;
import dev.flowmeter.streams.valuestream.Journey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Flow efficiency of a work item (definition in docs/metrics.md): the time its changes were worked on (coding, from
 * a change's first commit to its opening, and review, from its first review to its merge) and its gate passes were
 * in progress, as a union of intervals so that parallel work counts once, within the item's flow time, over that
 * flow time.
 */
public final class ItemEfficiency {

    private ItemEfficiency() {
    }

    /** A stretch of active work, epoch milliseconds, {@code from <= to}. */
    public record Interval(long from, long to) {
    }

    /** The active stretches of one change: coding, review and every gate pass that has a start. */
    public static List<Interval> activeOf(Journey journey) {
        List<Interval> active = new ArrayList<>();
        ChangeFact fact = journey.fact();
        add(active, journey.firstCommitAt(), fact.openedAt());
        add(active, fact.reviewedAt(), fact.mergedAt());
        for (Journey.Pass pass : journey.passes()) {
            add(active, pass.startedAt(), pass.finishedAt());
        }
        return active;
    }

    /**
     * The share of {@code startedAt..doneAt} covered by {@code active}, from 0 to 1; {@code null} for a flow time of
     * zero.
     */
    public static Double of(Collection<Interval> active, long startedAt, long doneAt) {
        if (doneAt <= startedAt) {
            return null;
        }
        List<Interval> clipped = new ArrayList<>();
        for (Interval interval : active) {
            long from = Math.max(interval.from(), startedAt);
            long to = Math.min(interval.to(), doneAt);
            if (from < to) {
                clipped.add(new Interval(from, to));
            }
        }
        clipped.sort(Comparator.comparingLong(Interval::from));
        long covered = 0;
        long end = Long.MIN_VALUE;
        for (Interval interval : clipped) {
            if (interval.to() <= end) {
                continue;
            }
            covered += interval.to() - Math.max(interval.from(), end);
            end = interval.to();
        }
        return (double) covered / (doneAt - startedAt);
    }

    private static void add(List<Interval> active, Long from, Long to) {
        if (from != null && to != null && from < to) {
            active.add(new Interval(from, to));
        }
    }
}
