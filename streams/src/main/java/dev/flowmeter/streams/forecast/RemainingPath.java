package dev.flowmeter.streams.forecast;

import java.util.List;

/**
 * What one change or commit still has to go through to reach production: its legs (the stage it is in, with the time
 * already spent there, then the stages after it), or the time it got there, or why it cannot be forecast.
 *
 * @param member what it is: {@code change 12}, {@code commit 3f2a...}
 * @param arrivedAt when it reached production, for one already there; {@code null} otherwise
 * @param reason why there is no forecast, in words; {@code null} when there is one
 */
public record RemainingPath(String member, Status status, List<Leg> legs, Long arrivedAt, String reason) {

    /** Where a member stands for a forecast. */
    public enum Status {
        /** On its way: its legs are drawn. */
        ON_ITS_WAY,
        /** Already in production at {@code arrivedAt}. */
        ARRIVED,
        /** On its way, but some stage ahead has too few past durations to draw from. */
        TOO_LITTLE_HISTORY,
        /** Not on a way to production: closed without merging, or not opened. */
        NOT_ON_ITS_WAY
    }

    public RemainingPath {
        legs = List.copyOf(legs);
    }

    /**
     * One stage ahead: its past durations, sorted, and the time already spent in it ({@code elapsed}, 0 for a stage
     * not begun). A trial draws one of the past durations at least as long as the elapsed time (longer, once any has
     * elapsed) and counts what is left of it.
     */
    public record Leg(String stage, long[] samples, long elapsed) {

        /** The index of the first past duration a draw may take. */
        public int firstEligible() {
            if (elapsed <= 0) {
                return 0;
            }
            int low = 0;
            int high = samples.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (samples[middle] > elapsed) {
                    high = middle;
                } else {
                    low = middle + 1;
                }
            }
            return low;
        }

        /** How many past durations a draw may take. */
        public int eligible() {
            return samples.length - firstEligible();
        }
    }

    public static RemainingPath onItsWay(String member, List<Leg> legs) {
        return new RemainingPath(member, Status.ON_ITS_WAY, legs, null, null);
    }

    public static RemainingPath arrived(String member, long at) {
        return new RemainingPath(member, Status.ARRIVED, List.of(), at, null);
    }

    public static RemainingPath tooLittleHistory(String member, List<Leg> legs, String why) {
        return new RemainingPath(member, Status.TOO_LITTLE_HISTORY, legs, null, why);
    }

    public static RemainingPath notOnItsWay(String member, String why) {
        return new RemainingPath(member, Status.NOT_ON_ITS_WAY, List.of(), null, why);
    }

    public boolean forecastable() {
        return status == Status.ON_ITS_WAY;
    }
}
