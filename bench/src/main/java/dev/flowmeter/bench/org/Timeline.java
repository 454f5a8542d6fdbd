package dev.flowmeter.bench.org;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A discrete-event clock: steps run in the order of their time (ties in the order they were scheduled), and a step
 * may only schedule steps at or after its own time. That is what lets a service's history be produced in event-time
 * order one step at a time, holding only what is still in flight (open changes, pending deployments), never the
 * whole year. Times are whole seconds, as most tools report them.
 */
final class Timeline {

    private record Step(long at, long seq, Runnable action) {
    }

    private final PriorityQueue<Step> steps =
            new PriorityQueue<>(Comparator.comparingLong(Step::at).thenComparingLong(Step::seq));
    private final long endMillis;
    private long now;
    private long seq;

    Timeline(long startMillis, long endMillis) {
        this.now = seconds(startMillis);
        this.endMillis = endMillis;
    }

    long now() {
        return now;
    }

    /** Schedules {@code action} at {@code millis} (not before now); a step after the end never runs. */
    void at(long millis, Runnable action) {
        long at = Math.max(now, seconds(millis));
        if (at <= endMillis) {
            steps.add(new Step(at, seq++, action));
        }
    }

    /** Runs the earliest step; false when nothing is left before the end. */
    boolean runNext() {
        Step step = steps.poll();
        if (step == null) {
            return false;
        }
        now = step.at();
        step.action().run();
        return true;
    }

    private static long seconds(long millis) {
        return Math.floorDiv(millis, 1000L) * 1000L;
    }
}
