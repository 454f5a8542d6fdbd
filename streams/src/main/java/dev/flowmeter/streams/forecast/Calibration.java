package dev.flowmeter.streams.forecast;

import dev.flowmeter.streams.valuestream.Journey;
import java.util.Collection;
import java.util.List;

/**
 * How well forecasts land: for every change that reached production, the forecasts it had when it was opened and
 * when it was merged (each from the history as it stood then) are scored against when it really got there. A
 * percentile hits when the change arrived no later than it said.
 */
public final class Calibration {

    private Calibration() {
    }

    /** Forecasts scored, and how many hit at each of {@link MonteCarlo#PERCENTILES}. */
    public record Score(long scored, long[] hits) {
    }

    public static Score of(String service, Collection<Journey> journeys, ForecastSettings settings) {
        long scored = 0;
        long[] hits = new long[MonteCarlo.PERCENTILES.length];
        long window = settings.window().toMillis();
        for (Journey journey : journeys) {
            Long productionAt = journey.productionAt();
            Long openedAt = journey.fact().openedAt();
            Long mergedAt = journey.fact().mergedAt();
            if (productionAt == null || openedAt == null || mergedAt == null || mergedAt < openedAt) {
                continue;
            }
            long[][] points = {{openedAt, 0}, {mergedAt, 1}};
            for (long[] point : points) {
                long at = point[0];
                StageHistory history = StageHistory.of(journeys, at, window);
                List<String> stages = point[1] == 0
                        ? List.of(StageHistory.PICKUP, StageHistory.REVIEW, StageHistory.DEPLOY)
                        : List.of(StageHistory.DEPLOY);
                boolean enough = stages.stream().allMatch(s -> history.samples(s).length >= settings.minSamples());
                if (!enough) {
                    continue;
                }
                List<RemainingPath.Leg> legs = stages.stream()
                        .map(s -> new RemainingPath.Leg(s, history.samples(s), 0)).toList();
                long[] outcomes = MonteCarlo.run(List.of(RemainingPath.onItsWay(journey.change(), legs)),
                        ForecastSettings.SCORING_TRIALS, MonteCarlo.seed(service, journey.change(),
                                point[1] == 0 ? "opened" : "merged"));
                long actual = productionAt - at;
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
}
