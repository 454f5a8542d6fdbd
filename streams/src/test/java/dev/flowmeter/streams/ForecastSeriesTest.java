package dev.flowmeter.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.metrics.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The calibration series through the whole topology. Twelve changes, change i opened on day i of May 2026 at 09:00,
 * reviewed at 10:00, merged at 11:00 and in production at 13:00; change 12 only at 15:00. With the default minimum of
 * 10 past changes, only changes 11 and 12 are scored, each when opened and when merged: 4 forecasts. Every earlier
 * change took 1 h, 1 h and 2 h, so every forecast is exact: 4 h from opening, 2 h from merging. Change 11 arrives
 * exactly then, so both its forecasts hit at p50, p85 and p95; change 12 takes 6 h and 4 h and misses both: 2 hits
 * per percentile.
 */
class ForecastSeriesTest {

    private static final String S = TopologyFixture.SERVICE;

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static String sha(int n) {
        return String.format("%040x", n);
    }

    private static String day(int day, String time) {
        return String.format("2026-05-%02dT%s:00Z", day, time);
    }

    @Test
    void shouldScoreEachChangesForecastsFromOpeningAndMerge() {
        String landed = null;
        for (int i = 1; i <= 12; i++) {
            String head = sha(2 * i);
            String merge = sha(2 * i + 1);
            fixture.send(landed == null ? fixture.commit(head, day(i, "08:00"))
                    : fixture.commit(head, day(i, "08:00"), landed));
            fixture.send(fixture.changeOpened(String.valueOf(i), day(i, "09:00"), head, head));
            fixture.send(fixture.changeReviewed(String.valueOf(i), day(i, "10:00")));
            fixture.send(landed == null ? fixture.commit(merge, day(i, "11:00"), head)
                    : fixture.commit(merge, day(i, "11:00"), landed, head));
            fixture.send(fixture.changeMerged(String.valueOf(i), day(i, "11:00"), merge, head));
            fixture.send(fixture.deployed("production", merge, day(i, i == 12 ? "15:00" : "13:00")));
            landed = merge;
        }
        assertThat(fixture.metrics().scalar(Metric.FORECASTS_SCORED, S)).contains(4.0);
        for (String percentile : new String[] {"p50", "p85", "p95"}) {
            assertThat(fixture.metrics().scalar(Metric.FORECAST_HITS, S, percentile)).as(percentile).contains(2.0);
        }
    }
}
