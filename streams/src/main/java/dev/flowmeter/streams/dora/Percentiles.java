package dev.flowmeter.streams.dora;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Exact percentiles of a list of observations, by linear interpolation between the two closest ranks (what R calls
 * type 7 and numpy's default): for {@code n} sorted values and a fraction {@code p}, the rank is
 * {@code h = (n - 1) p} and the percentile {@code x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])}. So the
 * median of an even count is the mean of the two middle values, and every answer lies between two observations.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /** The {@code p} percentile ({@code 0 <= p <= 1}) of {@code values}; {@code null} when there are none. */
    public static Double of(List<Double> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double rank = (sorted.size() - 1) * p;
        int low = (int) Math.floor(rank);
        int high = Math.min(low + 1, sorted.size() - 1);
        double lower = sorted.get(low);
        return lower + (rank - low) * (sorted.get(high) - lower);
    }
}
