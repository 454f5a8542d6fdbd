package dev.flowmeter.streams.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.valuestream.ChangeFact;
import dev.flowmeter.streams.valuestream.Journey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Forecasts from hand-made histories, every expected value worked out by hand. */
class ForecastsTest {

    private static final long H = Duration.ofHours(1).toMillis();
    private static final long DAY = 24 * H;
    private static final long NOW = 100 * DAY;
    private static final ForecastSettings SETTINGS = ForecastSettings.DEFAULTS;

    /** A change opened at {@code openedAt} that took these stages (review {@code null}: merged unreviewed). */
    static Journey done(String change, long openedAt, long pickup, Long review, long deploy) {
        Long reviewedAt = review == null ? null : openedAt + pickup;
        long mergedAt = openedAt + pickup + (review == null ? 0 : review);
        ChangeFact fact = new ChangeFact(openedAt, "", "main", "", "", reviewedAt, mergedAt, "", null);
        return new Journey(change, fact, List.of(), openedAt, List.of(), mergedAt + deploy, 0L, pickup, review,
                deploy, List.of(), null, List.of());
    }

    /** A change on its way: opened, maybe reviewed, maybe merged, not in production. */
    static Journey waiting(String change, long openedAt, Long reviewedAt, Long mergedAt) {
        ChangeFact fact = new ChangeFact(openedAt, "", "main", "", "", reviewedAt, mergedAt, "", null);
        return new Journey(change, fact, List.of(), openedAt, List.of(), null, null, null, null, null, List.of(),
                null, List.of());
    }

    /** Twenty past changes, one a day from day 70, each 2 h in pickup, 1 h in review and 3 h to production. */
    private static List<Journey> steadyHistory() {
        List<Journey> past = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            past.add(done("p" + i, (70 + i) * DAY, 2 * H, H, 3 * H));
        }
        return past;
    }

    @Test
    void shouldForecastTheRemainingSumWhenEveryPastChangeTookTheSameTime() {
        List<Journey> past = steadyHistory();
        StageHistory history = StageHistory.of(past, NOW, SETTINGS.window().toMillis());
        // Opened 30 minutes ago, no review yet: 1 h 30 min of pickup left, then 1 h of review and 3 h to production.
        RemainingPath path = Forecasts.forChange(waiting("42", NOW - H / 2, null, null), history, NOW, SETTINGS);
        Forecasts.Forecast forecast = Forecasts.of(List.of(path), 10_000, 7);
        assertThat(forecast.status()).isEqualTo(Forecasts.Status.FORECAST);
        assertThat(forecast.remainingMillis()).containsExactly(H / 2 * 11, H / 2 * 11, H / 2 * 11);
        assertThat(forecast.trials()).isEqualTo(10_000);
        assertThat(path.legs()).extracting(RemainingPath.Leg::stage).containsExactly("pickup", "review", "deploy");
        assertThat(path.legs()).extracting(leg -> leg.samples().length).containsExactly(20, 20, 20);
        // Merged 2 h ago: 1 h left.
        RemainingPath merged = Forecasts.forChange(waiting("43", NOW - 5 * H, NOW - 3 * H, NOW - 2 * H), history,
                NOW, SETTINGS);
        assertThat(Forecasts.of(List.of(merged), 1_000, 7).remainingMillis()).containsExactly(H, H, H);
    }

    @Test
    void shouldDrawOnlyFromPastStagesLongerThanTheTimeAlreadySpentInIt() {
        // Ten reviews of 1 h and ten of 30 h; pickup 2 h, deploy 3 h throughout. The median review is 1 h.
        List<Journey> past = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            past.add(done("p" + i, (70 + i) * DAY, 2 * H, i % 2 == 0 ? H : 30 * H, 3 * H));
        }
        StageHistory history = StageHistory.of(past, NOW, SETTINGS.window().toMillis());
        // 20 h into its review, past the median: only the 30 h reviews count, 10 h left of one, then 3 h.
        RemainingPath late = Forecasts.forChange(waiting("42", NOW - 22 * H, NOW - 20 * H, null), history, NOW,
                SETTINGS);
        assertThat(late.legs().get(0).eligible()).isEqualTo(10);
        assertThat(Forecasts.of(List.of(late), 10_000, 7).remainingMillis()).containsExactly(13 * H, 13 * H,
                13 * H);
        // Just reviewed: either review, so 1 h + 3 h or 30 h + 3 h, half and half. The p50 is the 5,000th smallest
        // of 10,000 outcomes, the p85 and p95 are past half of them: 4 h and 33 h, unless the draws are far from even.
        RemainingPath early = Forecasts.forChange(waiting("43", NOW - 2 * H, NOW, null), history, NOW, SETTINGS);
        long[] outcomes = MonteCarlo.run(List.of(early), 10_000, 7);
        long fours = Arrays.stream(outcomes).filter(o -> o == 4 * H).count();
        assertThat(fours + Arrays.stream(outcomes).filter(o -> o == 33 * H).count()).isEqualTo(10_000);
        assertThat(fours).isBetween(4_800L, 5_200L);
        assertThat(MonteCarlo.percentile(outcomes, 0.85)).isEqualTo(33 * H);
    }

    @Test
    void shouldSaySoInsteadOfGuessingWhenTheHistoryIsTooShort() {
        List<Journey> past = steadyHistory().subList(0, 5);
        StageHistory history = StageHistory.of(past, NOW, SETTINGS.window().toMillis());
        RemainingPath path = Forecasts.forChange(waiting("42", NOW - H / 2, null, null), history, NOW, SETTINGS);
        Forecasts.Forecast forecast = Forecasts.of(List.of(path), 10_000, 7);
        assertThat(forecast.status()).isEqualTo(Forecasts.Status.TOO_LITTLE_HISTORY);
        assertThat(forecast.remainingMillis()).isNull();
        assertThat(forecast.reason()).isEqualTo("change 42: only 5 pickups in the last 90 d; 10 are needed");

        // Enough changes, but none of their reviews took longer than this one has already waited.
        StageHistory full = StageHistory.of(steadyHistory(), NOW, SETTINGS.window().toMillis());
        RemainingPath stuck = Forecasts.forChange(waiting("43", NOW - 42 * H, NOW - 40 * H, null), full, NOW,
                SETTINGS);
        assertThat(stuck.status()).isEqualTo(RemainingPath.Status.TOO_LITTLE_HISTORY);
        assertThat(stuck.reason()).isEqualTo("only 0 of the 20 reviews in the last 90 d took longer than the"
                + " 1 d 16 h it has spent there; 10 are needed");
        // 70 days on, the window starts at day 80: the ten changes of days 70 to 79 have left it.
        StageHistory later = StageHistory.of(steadyHistory(), NOW + 70 * DAY, SETTINGS.window().toMillis());
        assertThat(later.changes()).isEqualTo(20 - 10);
    }

    @Test
    void shouldForecastASetByItsLastMember() {
        List<Journey> past = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 20; i++) {
            // Pickup 2 h, review 1 h, deploy anywhere from 1 h to 2 h.
            past.add(done("p" + i, (70 + i) * DAY, 2 * H, H, H + random.nextLong(H + 1)));
        }
        StageHistory history = StageHistory.of(past, NOW, SETTINGS.window().toMillis());
        // Merged now: at most 2 h left. Opened now: 2 h + 1 h + at least 1 h, so at least 4 h. The set lands with
        // the second in every trial: the same percentiles as the second alone.
        RemainingPath merged = Forecasts.forChange(waiting("1", NOW - 3 * H, NOW - H, NOW), history, NOW, SETTINGS);
        RemainingPath opened = Forecasts.forChange(waiting("2", NOW, null, null), history, NOW, SETTINGS);
        RemainingPath shipped = RemainingPath.arrived("change 3", NOW - DAY);
        Forecasts.Forecast set = Forecasts.of(List.of(merged, opened, shipped), 10_000, 11);
        long[] second = MonteCarlo.run(List.of(merged, opened), 10_000, 11);
        assertThat(set.remainingMillis()).containsExactly(MonteCarlo.percentile(second, 0.5),
                MonteCarlo.percentile(second, 0.85), MonteCarlo.percentile(second, 0.95));
        assertThat(set.remainingMillis()[0]).isBetween(4 * H, 5 * H);
        // Everything in production: no draw, the last arrival.
        Forecasts.Forecast all = Forecasts.of(List.of(shipped, RemainingPath.arrived("change 4", NOW - H)), 10_000,
                11);
        assertThat(all.status()).isEqualTo(Forecasts.Status.IN_PRODUCTION);
        assertThat(all.arrivedAt()).isEqualTo(NOW - H);
    }

    @Test
    void shouldGiveTheSameAnswerForTheSameQuestion() {
        StageHistory history = StageHistory.of(steadyHistory(), NOW, SETTINGS.window().toMillis());
        RemainingPath path = Forecasts.forChange(waiting("42", NOW, null, null), history, NOW, SETTINGS);
        long seed = MonteCarlo.seed("shop", "42");
        assertThat(MonteCarlo.run(List.of(path), 1_000, seed)).isEqualTo(MonteCarlo.run(List.of(path), 1_000, seed));
        assertThat(seed).isEqualTo(MonteCarlo.seed("shop", "42")).isNotEqualTo(MonteCarlo.seed("shop", "43"));
        // Nearest rank: of 1, 2, 3, 4 the p50 is 2, the p85 and p95 are 4.
        assertThat(MonteCarlo.percentile(new long[] {1, 2, 3, 4}, 0.5)).isEqualTo(2);
        assertThat(MonteCarlo.percentile(new long[] {1, 2, 3, 4}, 0.85)).isEqualTo(4);
    }

    /**
     * A generated history whose stages come from known distributions: pickup exponential with a mean of 3 h, review
     * uniform from 30 min to 4 h, deploy log-normal around 5 h. 700 changes, one opened every 3 h; each is scored when
     * opened and when merged, once 10 earlier ones are in production. The p85 must cover 80 % to 90 % of them.
     */
    @Test
    void shouldCoverEightyFivePercentOfOutcomesWithTheP85() {
        SplittableRandom random = new SplittableRandom(2026);
        List<Journey> journeys = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            long pickup = (long) (-Math.log(1 - random.nextDouble()) * 3 * H);
            long review = H / 2 + random.nextLong(7 * H / 2);
            long deploy = (long) (Math.exp(Math.log(5.0) + 0.5 * random.nextGaussian()) * H);
            journeys.add(done(String.valueOf(i), i * 3 * H, pickup, review, deploy));
        }
        Calibration.Score score = Calibration.of("shop", journeys, SETTINGS);
        assertThat(score.scored()).isGreaterThanOrEqualTo(500);
        double p85 = (double) score.hits()[1] / score.scored();
        assertThat(p85).isBetween(0.80, 0.90);
        assertThat((double) score.hits()[0] / score.scored()).isBetween(0.45, 0.55);
        assertThat((double) score.hits()[2] / score.scored()).isBetween(0.90, 0.99);
    }
}
