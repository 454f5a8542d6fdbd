package dev.flowmeter.streams.forecast;

import java.time.Duration;

/**
 * How forecasts are made: from the history of the last {@code window} (changes that reached production in it), with
 * at least {@code minSamples} past durations behind every stage still ahead, over {@code trials} Monte Carlo trials.
 */
public record ForecastSettings(Duration window, int minSamples, int trials) {

    public static final Duration DEFAULT_WINDOW = Duration.ofDays(90);
    public static final int DEFAULT_MIN_SAMPLES = 10;
    public static final int DEFAULT_TRIALS = 10_000;
    /** Trials behind each forecast scored for calibration: many forecasts are scored at each scrape. */
    public static final int SCORING_TRIALS = 1_000;
    public static final ForecastSettings DEFAULTS = new ForecastSettings(DEFAULT_WINDOW, DEFAULT_MIN_SAMPLES,
            DEFAULT_TRIALS);

    public ForecastSettings {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the forecast window must be positive, got " + window);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("the minimum number of samples must be at least 1, got " + minSamples);
        }
        if (trials < 1 || trials > 100_000) {
            throw new IllegalArgumentException("trials must be from 1 to 100000, got " + trials);
        }
    }
}
