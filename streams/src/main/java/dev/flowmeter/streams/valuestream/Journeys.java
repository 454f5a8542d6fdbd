package dev.flowmeter.streams.valuestream;

import dev.flowmeter.streams.dora.History;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Works out each change's {@link Journey} from a service's {@link Facts}; definitions in docs/metrics.md. */
public final class Journeys {

    private Journeys() {
    }

    /** Every change of the service that was opened or merged, by change id. */
    public static Map<String, Journey> of(Facts facts, Predicate<String> production) {
        Map<String, Journey> journeys = new TreeMap<>();
        Index index = new Index(facts);
        for (Map.Entry<String, ChangeFact> change : facts.changes().entrySet()) {
            journeys.put(change.getKey(), journey(facts, index, change.getKey(), change.getValue(), production));
        }
        return journeys;
    }

    /** Where each sha first reached each environment, and which deployment took it there. */
    private static final class Index {

        private final Map<String, List<History.Shipped>> shippedBySha = new HashMap<>();
        private final Map<String, String> deploymentAt = new HashMap<>(); // environment|time -> deployment id

        Index(Facts facts) {
            for (History.Shipped commit : facts.history().shipped()) {
                shippedBySha.computeIfAbsent(commit.sha(), sha -> new ArrayList<>()).add(commit);
            }
            deploymentAt.putAll(deploymentIds(facts.history()));
        }
    }

    /**
     * The successful deployment at each {@code environment|time}, by id (the smallest when two share a time): what
     * took a commit shipped there at that time.
     */
    public static Map<String, String> deploymentIds(History history) {
        Map<String, String> ids = new HashMap<>();
        List<History.Deployment> deployments = new ArrayList<>(history.deployments());
        deployments.sort(Comparator.comparing(History.Deployment::id));
        for (History.Deployment deployment : deployments) {
            if (deployment.success()) {
                ids.putIfAbsent(deployment.environment() + "|" + deployment.time(), deployment.id());
            }
        }
        return ids;
    }

    private static Journey journey(Facts facts, Index index, String change, ChangeFact fact,
            Predicate<String> production) {
        Set<String> shas = new TreeSet<>(facts.commitsByChange().getOrDefault(change, Set.of()));
        Long firstCommitAt = null;
        for (String sha : shas) {
            boolean landedOnly = sha.equals(fact.landed()) && !sha.equals(fact.head());
            Long time = facts.commitTimes().get(sha);
            if (!landedOnly && time != null && (firstCommitAt == null || time < firstCommitAt)) {
                firstCommitAt = time;
            }
        }
        Long mergedAt = fact.mergedAt();
        Map<String, Long> reached = new TreeMap<>();
        for (String sha : shas) {
            for (History.Shipped commit : index.shippedBySha.getOrDefault(sha, List.of())) {
                if (mergedAt != null && commit.deployedAt() < mergedAt) {
                    continue; // deployed from its branch before the merge: not the change reaching it
                }
                reached.merge(commit.environment(), commit.deployedAt(), Math::min);
            }
        }
        List<Journey.Arrival> arrivals = new ArrayList<>();
        reached.forEach((environment, at) -> arrivals.add(new Journey.Arrival(environment, at,
                index.deploymentAt.getOrDefault(environment + "|" + at, ""), production.test(environment))));
        arrivals.sort(Comparator.comparingLong(Journey.Arrival::at).thenComparing(Journey.Arrival::environment));
        Long productionAt = arrivals.stream().filter(Journey.Arrival::production).map(Journey.Arrival::at)
                .findFirst().orElse(null);

        Long coding = null;
        Long pickup = null;
        Long review = null;
        Long deploy = null;
        List<Journey.Hop> hops = new ArrayList<>();
        Long openedAt = fact.openedAt();
        if (mergedAt != null && openedAt != null) {
            if (firstCommitAt != null) {
                coding = Math.max(0, openedAt - firstCommitAt);
            }
            Long reviewedAt = fact.reviewedAt();
            if (reviewedAt != null && reviewedAt <= mergedAt) {
                pickup = Math.max(0, reviewedAt - openedAt);
                review = mergedAt - Math.max(reviewedAt, openedAt);
            } else {
                pickup = Math.max(0, mergedAt - openedAt); // merged with no review before it
            }
            if (productionAt != null) {
                deploy = productionAt - mergedAt;
                String from = "merged";
                long fromAt = mergedAt;
                for (Journey.Arrival arrival : arrivals) {
                    hops.add(new Journey.Hop(from, arrival.environment(), arrival.at() - fromAt));
                    if (arrival.production()) {
                        break;
                    }
                    from = arrival.environment();
                    fromAt = arrival.at();
                }
            }
        }

        Set<String> items = new TreeSet<>(shas);
        items.add(change);
        arrivals.forEach(arrival -> {
            if (!arrival.deployment().isEmpty()) {
                items.add(arrival.deployment());
            }
        });
        Long from = firstCommitAt != null ? firstCommitAt : openedAt;
        long until = productionAt != null ? productionAt : Long.MAX_VALUE;
        List<Journey.Pass> passes = new ArrayList<>();
        for (String item : items) {
            for (Journey.Pass pass : facts.passesByItem().getOrDefault(item, List.of())) {
                if ((from == null || pass.finishedAt() >= from) && pass.finishedAt() <= until) {
                    passes.add(pass);
                }
            }
        }
        passes.sort(Comparator.comparingLong(Journey.Pass::finishedAt).thenComparing(Journey.Pass::gate)
                .thenComparing(Journey.Pass::item));
        Long active = null;
        if (productionAt != null && from != null) {
            List<long[]> intervals = new ArrayList<>();
            if (review != null) {
                intervals.add(new long[] {mergedAt - review, mergedAt});
            }
            for (Journey.Pass pass : passes) {
                if (pass.startedAt() != null) {
                    intervals.add(new long[] {pass.startedAt(), pass.finishedAt()});
                }
            }
            active = unionLength(intervals, from, productionAt);
        }
        return new Journey(change, fact, List.copyOf(shas), firstCommitAt, arrivals, productionAt, coding, pickup,
                review, deploy, hops, active, passes);
    }

    /** The length of the union of {@code intervals}, each clipped to {@code [from, to]}: overlaps count once. */
    static long unionLength(List<long[]> intervals, long from, long to) {
        List<long[]> clipped = new ArrayList<>();
        for (long[] interval : intervals) {
            long start = Math.max(from, interval[0]);
            long end = Math.min(to, interval[1]);
            if (end > start) {
                clipped.add(new long[] {start, end});
            }
        }
        clipped.sort(Comparator.comparingLong(interval -> interval[0]));
        long total = 0;
        long coveredTo = Long.MIN_VALUE;
        for (long[] interval : clipped) {
            if (interval[1] <= coveredTo) {
                continue;
            }
            total += interval[1] - Math.max(interval[0], coveredTo);
            coveredTo = interval[1];
        }
        return total;
    }
}
