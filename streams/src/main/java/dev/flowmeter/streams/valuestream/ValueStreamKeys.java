package dev.flowmeter.streams.valuestream;

import dev.flowmeter.streams.dora.Percentiles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value stream of a set of services over one window of event time {@code [to - window, to)}: every change that
 * first reached production in the window counts once, with its stages, hops, cycle time and flow efficiency; the
 * figures are exact percentiles of those observations (as the DORA keys' are).
 */
public final class ValueStreamKeys {

    private ValueStreamKeys() {
    }

    /** Median and p90 of a set of observations, and how many there were; in seconds, or a fraction. */
    public record Figures(long samples, Double median, Double p90) {

        static Figures of(List<Double> values) {
            return new Figures(values.size(), Percentiles.of(values, 0.5), Percentiles.of(values, 0.9));
        }
    }

    /** One hop between environments, with its figures in seconds. */
    public record HopFigures(String from, String to, long samples, Double medianSeconds, Double p90Seconds) {
    }

    public record Report(Instant from, Instant to, long changes, Map<String, Figures> stages, List<HopFigures> hops,
            Figures cycleTime, Figures flowEfficiency) {
    }

    public static Report compute(List<Map<String, Journey>> services, Duration window, Instant to) {
        long toMillis = to.toEpochMilli();
        long fromMillis = toMillis - window.toMillis();
        Map<String, List<Double>> stages = new LinkedHashMap<>();
        Journey.STAGES.forEach(stage -> stages.put(stage, new ArrayList<>()));
        Map<List<String>, List<Double>> hops = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
                ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
        List<Double> cycles = new ArrayList<>();
        List<Double> efficiencies = new ArrayList<>();
        long changes = 0;
        for (Map<String, Journey> journeys : services) {
            for (Journey journey : journeys.values()) {
                Long productionAt = journey.productionAt();
                if (productionAt == null || journey.fact().mergedAt() == null || productionAt < fromMillis
                        || productionAt >= toMillis) {
                    continue;
                }
                changes++;
                journey.stages().forEach((stage, millis) -> stages.get(stage).add(millis / 1000.0));
                for (Journey.Hop hop : journey.hops()) {
                    hops.computeIfAbsent(List.of(hop.from(), hop.to()), k -> new ArrayList<>())
                            .add(hop.millis() / 1000.0);
                }
                if (journey.cycleMillis() != null) {
                    cycles.add(journey.cycleMillis() / 1000.0);
                }
                if (journey.flowEfficiency() != null) {
                    efficiencies.add(journey.flowEfficiency());
                }
            }
        }
        Map<String, Figures> stageFigures = new LinkedHashMap<>();
        stages.forEach((stage, values) -> stageFigures.put(stage, Figures.of(values)));
        List<HopFigures> hopFigures = new ArrayList<>();
        hops.forEach((key, values) -> hopFigures.add(new HopFigures(key.get(0), key.get(1), values.size(),
                Percentiles.of(values, 0.5), Percentiles.of(values, 0.9))));
        return new Report(Instant.ofEpochMilli(fromMillis), to, changes, stageFigures, hopFigures,
                Figures.of(cycles), Figures.of(efficiencies));
    }
}
