package dev.flowmeter.streams.forecast;

import dev.flowmeter.streams.dora.History;
import dev.flowmeter.streams.valuestream.Facts;
import dev.flowmeter.streams.valuestream.Journey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What one service's recent history says about each stage: the durations, sorted, of the changes that reached
 * production in the window before {@code asOf}, and which gates those changes passed and how long they waited there.
 * Pickup runs from opening to the first review (or to the merge without one), review from the first review to the
 * merge (0 without one), deploy from the merge to production; {@code lead} is the lead time of every commit that
 * reached production, for commits outside any change.
 */
public record StageHistory(long[] pickup, long[] review, long[] deploy, long[] lead, int changes,
        Map<String, GateStats> gates) {

    /** Stage names, in path order. */
    public static final String PICKUP = "pickup";
    public static final String REVIEW = "review";
    public static final String DEPLOY = "deploy";
    public static final String LEAD = "lead";

    /** A gate the recent changes passed: on what share of them, with the median wait and work. */
    public record GateStats(String gate, int passes, double share, long medianWaitMillis, long medianWorkMillis,
            String stage) {
    }

    /** The stages and gates of {@code journeys} that reached production in {@code [asOf - window, asOf)}. */
    public static StageHistory of(Collection<Journey> journeys, long asOf, long windowMillis) {
        long from = asOf - windowMillis;
        List<Long> pickup = new ArrayList<>();
        List<Long> review = new ArrayList<>();
        List<Long> deploy = new ArrayList<>();
        Map<String, List<long[]>> passes = new TreeMap<>(); // gate -> {wait, work, after merge ? 1 : 0}
        int changes = 0;
        for (Journey journey : journeys) {
            Long at = journey.productionAt();
            if (at == null || at >= asOf || at < from || journey.pickupMillis() == null
                    || journey.deployMillis() == null) {
                continue;
            }
            changes++;
            pickup.add(journey.pickupMillis());
            review.add(journey.reviewMillis() == null ? 0 : journey.reviewMillis());
            deploy.add(journey.deployMillis());
            Map<String, long[]> first = new TreeMap<>();
            for (Journey.Pass pass : journey.passes()) {
                long wait = pass.queuedAt() != null && pass.startedAt() != null
                        ? Math.max(0, pass.startedAt() - pass.queuedAt()) : 0;
                long work = pass.startedAt() != null ? Math.max(0, pass.finishedAt() - pass.startedAt()) : 0;
                Long mergedAt = journey.fact().mergedAt();
                long afterMerge = mergedAt != null && pass.finishedAt() > mergedAt ? 1 : 0;
                first.putIfAbsent(pass.gate(), new long[] {wait, work, afterMerge});
            }
            first.forEach((gate, pass) -> passes.computeIfAbsent(gate, g -> new ArrayList<>()).add(pass));
        }
        Map<String, GateStats> gates = new TreeMap<>();
        int total = changes;
        passes.forEach((gate, list) -> {
            long[] waits = sorted(list.stream().map(p -> p[0]).toList());
            long[] works = sorted(list.stream().map(p -> p[1]).toList());
            long afterMerge = list.stream().filter(p -> p[2] == 1).count();
            gates.put(gate, new GateStats(gate, list.size(), (double) list.size() / total, median(waits),
                    median(works), afterMerge * 2 >= list.size() ? DEPLOY : REVIEW));
        });
        return new StageHistory(sorted(pickup), sorted(review), sorted(deploy), new long[0], changes, gates);
    }

    /** The same, with the lead times of the commits that reached production in the same window. */
    public StageHistory withLead(Facts facts, Predicate<String> production, long asOf, long windowMillis) {
        List<Long> lead = new ArrayList<>();
        for (History.Shipped shipped : facts.history().shipped()) {
            if (production.test(shipped.environment()) && shipped.deployedAt() < asOf
                    && shipped.deployedAt() >= asOf - windowMillis) {
                lead.add(shipped.leadTimeMillis());
            }
        }
        return new StageHistory(pickup, review, deploy, sorted(lead), changes, gates);
    }

    /** The sorted durations of {@code stage}. */
    public long[] samples(String stage) {
        return switch (stage) {
            case PICKUP -> pickup;
            case REVIEW -> review;
            case DEPLOY -> deploy;
            case LEAD -> lead;
            default -> throw new IllegalArgumentException("no stage " + stage);
        };
    }

    /** The median (the lower middle for an even count) of sorted values; 0 for none. */
    public static long median(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[(sorted.length - 1) / 2];
    }

    private static long[] sorted(List<Long> values) {
        long[] array = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(array);
        return array;
    }
}
