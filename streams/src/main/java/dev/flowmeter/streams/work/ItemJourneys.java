package dev.flowmeter.streams.work;

import dev.flowmeter.streams.dora.History;
import dev.flowmeter.streams.valuestream.Facts;
import dev.flowmeter.streams.valuestream.Journey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The code side of one work item within one service: the journeys of the changes that carry it (they name it, or
 * one of their commits does) and where its commits have been deployed. Built where the service is held, from the
 * item's links ({@link WorkQuery#linksOf}) and the service's value-stream facts.
 */
public final class ItemJourneys {

    private ItemJourneys() {
    }

    /** Commit {@code sha} first reached {@code environment} at {@code at} (epoch milliseconds). */
    public record Arrival(String sha, String environment, long at) {
    }

    /** The changes by the time they were opened (or merged), and each commit's first arrival in each environment. */
    public record Answer(List<Journey> changes, List<Arrival> arrivals) {

        public Answer {
            changes = List.copyOf(changes);
            arrivals = List.copyOf(arrivals);
        }
    }

    public static Answer of(WorkQuery.Links links, Facts facts, Map<String, Journey> journeys) {
        List<Journey> changes = new ArrayList<>();
        for (Journey journey : journeys.values()) {
            boolean carries = links.changes().contains(journey.change())
                    || journey.commits().stream().anyMatch(links.shas()::contains)
                    || links.shas().contains(journey.fact().landed());
            if (carries) {
                changes.add(journey);
            }
        }
        changes.sort(Comparator.comparing((Journey j) -> opened(j)).thenComparing(Journey::change));
        Map<String, Arrival> first = new HashMap<>();
        for (History.Shipped shipped : facts.history().shipped()) {
            if (links.shas().contains(shipped.sha())) {
                first.merge(shipped.sha() + "|" + shipped.environment(),
                        new Arrival(shipped.sha(), shipped.environment(), shipped.deployedAt()),
                        (a, b) -> b.at() < a.at() ? b : a);
            }
        }
        List<Arrival> arrivals = new ArrayList<>(first.values());
        arrivals.sort(Comparator.comparingLong(Arrival::at).thenComparing(Arrival::environment)
                .thenComparing(Arrival::sha));
        return new Answer(changes, arrivals);
    }

    private static long opened(Journey journey) {
        Long at = journey.fact().openedAt() != null ? journey.fact().openedAt() : journey.fact().mergedAt();
        return at == null ? Long.MAX_VALUE : at;
    }
}
