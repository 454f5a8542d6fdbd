package dev.flowmeter.streams.dora;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The four keys, rework rate and batch size of a set of services over one window of event time
 * {@code [to - window, to)}, computed exactly from their histories: every figure is counted or ranked from the
 * observations themselves, never read off histogram buckets, so a team's or the organisation's answer is the answer
 * for the union of its services' observations. Definitions in docs/metrics.md.
 */
public final class DoraKeys {

    private DoraKeys() {
    }

    /** Successful production deployments, per day and as deploy days per week. */
    public record Frequency(long deployments, double perDay, long deployDays, double deployDaysPerWeek,
            Bands.Band band) {
    }

    /** Lead time for changes in seconds; the figures are {@code null} (and the band too) without samples. */
    public record LeadTime(long samples, Double medianSeconds, Double p75Seconds, Double p90Seconds,
            Bands.Band band) {
    }

    /** Failed production deployments over production deployments; {@code rate} is {@code null} without any. */
    public record FailureRate(long deployments, long failed, Map<String, Long> byReason, Double rate,
            Bands.Band band) {
    }

    /** A failure not recovered yet, with its age against {@code now}. */
    public record Unrecovered(String service, String environment, String deployment, String reason, Instant since,
            long ageSeconds) {
    }

    /**
     * Failed deployment recovery time in seconds, over the recovered failures of the window; {@code unrecovered}
     * lists every failure still open now, whenever it began.
     */
    public record Recovery(long samples, Double medianSeconds, List<Unrecovered> unrecovered, Bands.Band band) {

        public Recovery {
            unrecovered = List.copyOf(unrecovered);
        }
    }

    /** Production deployments made to recover, over production deployments. */
    public record Rework(long deployments, long rework, Double rate) {
    }

    /** Commits per successful production deployment. */
    public record BatchSize(long samples, Double median) {
    }

    public record Report(Instant from, Instant to, Frequency deploymentFrequency, LeadTime leadTime,
            FailureRate changeFailureRate, Recovery recoveryTime, Rework reworkRate, BatchSize batchSize) {
    }

    /**
     * Computes the report of {@code histories} for the production environments {@code production} accepts, over
     * {@code [to - window, to)}, with ages measured at {@code now}.
     */
    public static Report compute(List<History> histories, Predicate<String> production, Duration window, Instant to,
            Instant now, Bands bands) {
        long toMillis = to.toEpochMilli();
        long fromMillis = toMillis - window.toMillis();
        Predicate<Long> inWindow = time -> time >= fromMillis && time < toMillis;

        long deployments = 0;
        long successes = 0;
        long failed = 0;
        long rework = 0;
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Classifier.Failure reason : Classifier.Failure.values()) {
            byReason.put(reason.label(), 0L);
        }
        Set<LocalDate> deployDays = new HashSet<>();
        List<Double> recoveries = new ArrayList<>();
        List<Double> batches = new ArrayList<>();
        List<Double> leadTimes = new ArrayList<>();
        List<Unrecovered> unrecovered = new ArrayList<>();
        for (History history : histories) {
            Classifier.Result result = Classifier.classify(history, production);
            for (Classifier.Classified classified : result.deployments()) {
                History.Deployment deployment = classified.deployment();
                if (classified.failed() && classified.recoveredAt() == null) {
                    unrecovered.add(new Unrecovered(history.service(), deployment.environment(), deployment.id(),
                            classified.failure().label(), Instant.ofEpochMilli(classified.failedAt()),
                            Math.max(0, now.toEpochMilli() - classified.failedAt()) / 1000));
                }
                if (!inWindow.test(deployment.time())) {
                    continue;
                }
                deployments++;
                if (deployment.success()) {
                    successes++;
                    deployDays.add(Instant.ofEpochMilli(deployment.time()).atZone(ZoneOffset.UTC).toLocalDate());
                    batches.add((double) deployment.commits());
                }
                if (classified.failed()) {
                    failed++;
                    byReason.merge(classified.failure().label(), 1L, Long::sum);
                    if (classified.recoveryMillis() != null) {
                        recoveries.add(classified.recoveryMillis() / 1000.0);
                    }
                }
                if (classified.rework()) {
                    rework++;
                }
            }
            leadTimes.addAll(leadTimes(history, production, inWindow));
        }
        unrecovered.sort(Comparator.comparing(Unrecovered::since).thenComparing(Unrecovered::service)
                .thenComparing(Unrecovered::environment).thenComparing(Unrecovered::deployment));

        double days = window.toMillis() / 86_400_000.0;
        Frequency frequency = new Frequency(successes, successes / days, deployDays.size(),
                deployDays.size() / (days / 7), bands.ofDeploymentFrequency(successes, window));
        Double median = Percentiles.of(leadTimes, 0.5);
        LeadTime leadTime = new LeadTime(leadTimes.size(), median, Percentiles.of(leadTimes, 0.75),
                Percentiles.of(leadTimes, 0.9), median == null ? null : bands.ofLeadTime(median));
        Double rate = deployments == 0 ? null : (double) failed / deployments;
        FailureRate failureRate = new FailureRate(deployments, failed, byReason, rate,
                rate == null ? null : bands.ofChangeFailureRate(rate));
        Double recoveryMedian = Percentiles.of(recoveries, 0.5);
        Recovery recovery = new Recovery(recoveries.size(), recoveryMedian, unrecovered,
                recoveryMedian == null ? null : bands.ofRecoveryTime(recoveryMedian));
        Rework reworkRate = new Rework(deployments, rework, deployments == 0 ? null : (double) rework / deployments);
        BatchSize batchSize = new BatchSize(batches.size(), Percentiles.of(batches, 0.5));
        return new Report(Instant.ofEpochMilli(fromMillis), to, frequency, leadTime, failureRate, recovery,
                reworkRate, batchSize);
    }

    /**
     * The lead times, in seconds, of the commits whose first successful production deployment (the earliest over
     * every production environment) falls in the window.
     */
    static List<Double> leadTimes(History history, Predicate<String> production, Predicate<Long> inWindow) {
        Map<String, History.Shipped> first = new HashMap<>();
        for (History.Shipped commit : history.shipped()) {
            if (production.test(commit.environment())) {
                first.merge(commit.sha(), commit, (a, b) -> b.deployedAt() < a.deployedAt() ? b : a);
            }
        }
        List<Double> seconds = new ArrayList<>();
        for (History.Shipped commit : first.values()) {
            if (inWindow.test(commit.deployedAt())) {
                seconds.add(commit.leadTimeMillis() / 1000.0);
            }
        }
        return seconds;
    }
}
