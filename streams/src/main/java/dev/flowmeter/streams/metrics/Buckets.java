package dev.flowmeter.streams.metrics;

/**
 * Histogram bucket layouts. Observations are stored as whole numbers in a stored unit (milliseconds for durations,
 * commits for batch sizes) so that sums stay exact; {@link #unitsPerExposedUnit} converts to the exposed unit.
 */
public enum Buckets {
    /** One minute to 180 days, in seconds. */
    DURATION(1000, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 345600, 604800,
            1209600, 2592000, 5184000, 7776000, 15552000),
    /** Commits per deployment; 0 is a redeploy that shipped nothing new. */
    COMMITS(1, 0, 1, 2, 3, 5, 8, 13, 20, 30, 50, 100, 200, 500, 1000),
    /** A fraction from 0 to 1, stored in thousandths (flow efficiency). */
    RATIO(1000, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
    NONE(1);

    private final long unitsPerExposedUnit;
    private final double[] upperBounds;

    Buckets(long unitsPerExposedUnit, double... upperBoundsInExposedUnit) {
        this.unitsPerExposedUnit = unitsPerExposedUnit;
        this.upperBounds = upperBoundsInExposedUnit;
    }

    public long unitsPerExposedUnit() {
        return unitsPerExposedUnit;
    }

    /** Upper bounds in the exposed unit (seconds or commits), without the implicit +Inf. */
    public double[] upperBounds() {
        return upperBounds.clone();
    }

    /** Number of buckets including +Inf. */
    public int size() {
        return upperBounds.length + 1;
    }

    /** The bucket an observation (in the stored unit) falls into: the first whose bound is not below it. */
    public int indexOf(long storedValue) {
        for (int i = 0; i < upperBounds.length; i++) {
            if (storedValue <= Math.round(upperBounds[i] * unitsPerExposedUnit)) {
                return i;
            }
        }
        return upperBounds.length;
    }
}
