package dev.flowmeter.streams.dora;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The performance bands of the four keys: three thresholds each, elite first. The defaults follow the DORA
 * reports' clusters (docs/metrics.md, "Bands"); each list can be replaced from the configuration.
 *
 * @param leadTime elite below the first, high below the second, medium below the third, else low (median)
 * @param deploymentInterval elite with at least one successful deployment per the first interval on average, high
 *     per the second, medium per the third, else low
 * @param changeFailureRate elite at or below the first fraction, high the second, medium the third, else low
 * @param recoveryTime elite below the first, high below the second, medium below the third, else low (median)
 */
public record Bands(List<Duration> leadTime, List<Duration> deploymentInterval, List<Double> changeFailureRate,
        List<Duration> recoveryTime) {

    /** A band, best first. */
    public enum Band {
        ELITE("elite"), HIGH("high"), MEDIUM("medium"), LOW("low");

        private final String label;

        Band(String label) {
            this.label = label;
        }

        @JsonValue
        public String label() {
            return label;
        }
    }

    public static final Bands DEFAULTS = new Bands(
            List.of(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30)),
            List.of(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30)),
            List.of(0.05, 0.10, 0.15),
            List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7)));

    public Bands {
        leadTime = ascending(leadTime, "lead time");
        deploymentInterval = ascending(deploymentInterval, "deployment frequency");
        recoveryTime = ascending(recoveryTime, "recovery time");
        changeFailureRate = List.copyOf(changeFailureRate);
        if (changeFailureRate.size() != 3 || !(changeFailureRate.get(0) <= changeFailureRate.get(1)
                && changeFailureRate.get(1) <= changeFailureRate.get(2))
                || changeFailureRate.get(0) < 0 || changeFailureRate.get(2) > 1) {
            throw new IllegalArgumentException("the change failure rate bands must be three ascending rates between"
                    + " 0 and 1, got " + changeFailureRate);
        }
    }

    /** The band of a median lead time. */
    public Band ofLeadTime(double medianSeconds) {
        return below(medianSeconds, leadTime);
    }

    /** The band of a median recovery time. */
    public Band ofRecoveryTime(double medianSeconds) {
        return below(medianSeconds, recoveryTime);
    }

    /**
     * The band of {@code deployments} successful deployments in {@code window}: at least one per interval on average
     * means {@code deployments * interval >= window}, compared in whole milliseconds so that 1 in 7 days is exactly
     * once a week.
     */
    public Band ofDeploymentFrequency(long deployments, Duration window) {
        for (int i = 0; i < 3; i++) {
            if (deployments > 0 && deploymentInterval.get(i).toMillis() * deployments >= window.toMillis()) {
                return Band.values()[i];
            }
        }
        return Band.LOW;
    }

    /** The band of a change failure rate, a fraction. */
    public Band ofChangeFailureRate(double rate) {
        for (int i = 0; i < 3; i++) {
            if (rate <= changeFailureRate.get(i)) {
                return Band.values()[i];
            }
        }
        return Band.LOW;
    }

    private static Band below(double seconds, List<Duration> thresholds) {
        for (int i = 0; i < 3; i++) {
            if (seconds < thresholds.get(i).toSeconds()) {
                return Band.values()[i];
            }
        }
        return Band.LOW;
    }

    private static List<Duration> ascending(List<Duration> thresholds, String what) {
        List<Duration> copy = List.copyOf(Objects.requireNonNull(thresholds, what));
        if (copy.size() != 3 || copy.get(0).compareTo(copy.get(1)) > 0 || copy.get(1).compareTo(copy.get(2)) > 0
                || copy.get(0).toSeconds() <= 0) {
            throw new IllegalArgumentException("the " + what + " bands must be three ascending positive durations,"
                    + " got " + copy);
        }
        return copy;
    }
}
