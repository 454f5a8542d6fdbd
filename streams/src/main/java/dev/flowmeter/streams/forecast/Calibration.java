package dev.flowmeter.streams.forecast;

import dev.flowmeter.streams.valuestream.Journey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How well forecasts land: for every change that reached production, the forecasts it had when it was opened and
 * when it was merged (each from the history as it stood then) are scored against when it really got there. A
 * percentile hits when the change arrived no later than it said.
 *
 * <p>These are the forecasts {@link Forecasts#forChange} makes at those two moments (no time yet spent in the stage,
 * so every past duration is drawn), worked out in one pass: the changes sorted by when they reached production, the
 * history at a moment is a run of them, and a trial draws each stage by index within that run.
 */
public final class Calibration {

    private Calibration() {
    }

    /** Forecasts scored, and how many hit at each of {@link MonteCarlo#PERCENTILES}. */
    public record Score(long scored, long[] hits) {
    }

    public static Score of(String service, Collection<Journey> journeys, ForecastSettings settings) {
        List<Journey> arrived = new ArrayList<>();
        for (Journey journey : journeys) {
            if (journey.productionAt() != null && journey.pickupMillis() != null && journey.deployMillis() != null) {
                arrived.add(journey);
            }
        }
        arrived.sort(Comparator.comparingLong(Journey::productionAt).thenComparing(Journey::change));
        int n = arrived.size();
        long[] production = new long[n];
        long[] pickup = new long[n];
        long[] review = new long[n];
        long[] deploy = new long[n];
        for (int i = 0; i < n; i++) {
            Journey journey = arrived.get(i);
            production[i] = journey.productionAt();
            pickup[i] = journey.pickupMillis();
            review[i] = journey.reviewMillis() == null ? 0 : journey.reviewMillis();
            deploy[i] = journey.deployMillis();
        }
        long window = settings.window().toMillis();
        long scored = 0;
        long[] hits = new long[MonteCarlo.PERCENTILES.length];
        long[] outcomes = new long[ForecastSettings.SCORING_TRIALS];
        for (Journey journey : arrived) {
            Long openedAt = journey.fact().openedAt();
            Long mergedAt = journey.fact().mergedAt();
            if (openedAt == null || mergedAt == null || mergedAt < openedAt) {
                continue;
            }
            for (int point = 0; point < 2; point++) {
                long at = point == 0 ? openedAt : mergedAt;
                int from = firstAtOrAfter(production, at - window);
                int count = firstAtOrAfter(production, at) - from;
                if (count < settings.minSamples()) {
                    continue;
                }
                SplittableRandom random = new SplittableRandom(MonteCarlo.seed(service, journey.change(),
                        point == 0 ? "opened" : "merged"));
                for (int t = 0; t < outcomes.length; t++) {
                    long remaining = deploy[from + random.nextInt(count)];
                    if (point == 0) {
                        remaining += pickup[from + random.nextInt(count)] + review[from + random.nextInt(count)];
                    }
                    outcomes[t] = remaining;
                }
                Arrays.sort(outcomes);
                long actual = journey.productionAt() - at;
                scored++;
                for (int i = 0; i < hits.length; i++) {
                    if (actual <= MonteCarlo.percentile(outcomes, MonteCarlo.PERCENTILES[i])) {
                        hits[i]++;
                    }
                }
            }
        }
        return new Score(scored, hits);
    }

    private static int firstAtOrAfter(long[] sorted, long value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
