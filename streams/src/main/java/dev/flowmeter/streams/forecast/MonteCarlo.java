package dev.flowmeter.streams.forecast;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Monte Carlo behind every forecast: in each trial, every path draws each of its legs from the leg's eligible
 * past durations (uniformly, with replacement) and sums what is left of them; the trial's outcome is the longest path,
 * since a set is in production when its last member is. The same paths, trials and seed give the same outcomes.
 */
public final class MonteCarlo {

    /** The percentiles a forecast gives, as fractions. */
    public static final double[] PERCENTILES = {0.5, 0.85, 0.95};
    /** Their names in the API and the series. */
    public static final List<String> NAMES = List.of("p50", "p85", "p95");

    private MonteCarlo() {
    }

    /** The remaining time of each trial, sorted ascending, in milliseconds. Every path must be forecastable. */
    public static long[] run(List<RemainingPath> paths, int trials, long seed) {
        int legs = paths.stream().mapToInt(p -> p.legs().size()).sum();
        long[][] samples = new long[legs][];
        int[] first = new int[legs];
        int[] count = new int[legs];
        long[] elapsed = new long[legs];
        int[] ends = new int[paths.size()]; // the index after each path's last leg
        int leg = 0;
        for (int p = 0; p < paths.size(); p++) {
            RemainingPath path = paths.get(p);
            if (!path.forecastable()) {
                throw new IllegalArgumentException(path.member() + " cannot be forecast: " + path.reason());
            }
            for (RemainingPath.Leg each : path.legs()) {
                samples[leg] = each.samples();
                first[leg] = each.firstEligible();
                count[leg] = each.eligible();
                elapsed[leg] = each.elapsed();
                if (count[leg] == 0) {
                    throw new IllegalArgumentException(path.member() + " has no past " + each.stage()
                            + " to draw from");
                }
                leg++;
            }
            ends[p] = leg;
        }
        SplittableRandom random = new SplittableRandom(seed);
        long[] outcomes = new long[trials];
        for (int t = 0; t < trials; t++) {
            long longest = 0;
            int l = 0;
            for (int end : ends) {
                long sum = 0;
                for (; l < end; l++) {
                    sum += samples[l][first[l] + random.nextInt(count[l])] - elapsed[l];
                }
                longest = Math.max(longest, sum);
            }
            outcomes[t] = longest;
        }
        Arrays.sort(outcomes);
        return outcomes;
    }

    /** The nearest-rank percentile {@code q} (0 to 1) of sorted outcomes: the smallest covering that share. */
    public static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** A seed from what the query names (FNV-1a, 64 bits), so that the same question always draws the same. */
    public static long seed(String... parts) {
        long hash = 0xcbf29ce484222325L;
        for (String part : parts) {
            for (byte b : (part == null ? "" : part).getBytes(StandardCharsets.UTF_8)) {
                hash ^= b & 0xff;
                hash *= 0x100000001b3L;
            }
            hash ^= 0x1f;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
