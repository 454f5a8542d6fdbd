package dev.flowmeter.streams.valuestream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one change has been: its facts, the environments its commits reached after it merged (in order), and the
 * stages worked out from them (docs/metrics.md, "Value stream"). Durations are milliseconds, {@code null} when the
 * stage has not happened (or cannot be known: {@code coding} needs a commit time).
 *
 * @param firstCommitAt the earliest time of the change's own commits (its head included) that Flowmeter knows
 * @param arrivals each environment the change reached at or after its merge, with when, in time order
 * @param productionAt when it first reached a production environment
 * @param hops merged -> first environment -> ... -> the first production environment; empty until it got there
 * @param activeMillis review plus the gate work (start to finish) done on the change, its commits and the
 *     deployments that shipped it, up to production
 */
public record Journey(String change, ChangeFact fact, List<String> commits, Long firstCommitAt,
        List<Arrival> arrivals, Long productionAt, Long codingMillis, Long pickupMillis, Long reviewMillis,
        Long deployMillis, List<Hop> hops, Long activeMillis, List<Pass> passes) {

    public Journey {
        commits = List.copyOf(commits);
        arrivals = List.copyOf(arrivals);
        hops = List.copyOf(hops);
        passes = List.copyOf(passes);
    }

    /** The change reached {@code environment} at {@code at} with deployment {@code deployment}. */
    public record Arrival(String environment, long at, String deployment, boolean production) {
    }

    /** One hop: from {@code merged} or an environment to the next environment. */
    public record Hop(String from, String to, long millis) {
    }

    /** A finished gate pass of the change, one of its commits, or a deployment that shipped it. */
    public record Pass(String gate, String item, Long queuedAt, Long startedAt, long finishedAt, String outcome) {
    }

    /** The stage names, in order, as the series and the API spell them. */
    public static final List<String> STAGES = List.of("coding", "pickup", "review", "deploy");

    /** Cycle time: the sum of the four stages, when the change reached production and every stage is known. */
    public Long cycleMillis() {
        if (productionAt == null || codingMillis == null || pickupMillis == null || deployMillis == null) {
            return null;
        }
        return codingMillis + pickupMillis + (reviewMillis == null ? 0 : reviewMillis) + deployMillis;
    }

    /** Active time over cycle time, at most 1; {@code null} without a cycle time or with one of 0. */
    public Double flowEfficiency() {
        Long cycle = cycleMillis();
        if (cycle == null || cycle == 0 || activeMillis == null) {
            return null;
        }
        return Math.min(1.0, (double) activeMillis / cycle);
    }

    /** The stage durations by name; a stage that did not happen is left out. */
    public Map<String, Long> stages() {
        Map<String, Long> stages = new LinkedHashMap<>();
        put(stages, "coding", codingMillis);
        put(stages, "pickup", pickupMillis);
        put(stages, "review", reviewMillis);
        put(stages, "deploy", deployMillis);
        return stages;
    }

    private static void put(Map<String, Long> stages, String name, Long millis) {
        if (millis != null) {
            stages.put(name, millis);
        }
    }
}
