package dev.flowmeter.streams.valuestream;

import dev.flowmeter.streams.dora.History;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What ships next to a target environment: every change merged (or already deployed elsewhere after its merge) and
 * every commit already deployed to another environment, that has not reached the target yet, with how long it has
 * been ready. This is the next release's contents, known before the release.
 */
public final class Pending {

    /** Most changes or commits listed in one answer. */
    public static final int MAX_ITEMS = 1_000;

    private Pending() {
    }

    /** A change ready since {@code readyAt} (its merge), now at {@code where}: the last environment it reached. */
    public record Change(String change, String title, String url, Instant mergedAt, Instant readyAt, long ageSeconds,
            String where) {
    }

    /** A commit deployed to {@code where} first at {@code readyAt}, not in the target yet. */
    public record Commit(String sha, List<String> changes, Instant readyAt, long ageSeconds, String where) {

        public Commit {
            changes = List.copyOf(changes);
        }
    }

    public record Answer(List<Change> changes, List<Commit> commits, boolean truncated) {

        public Answer {
            changes = List.copyOf(changes);
            commits = List.copyOf(commits);
        }
    }

    /** What is waiting for the environments {@code target} accepts (one of them reached counts as arrived). */
    public static Answer of(Facts facts, Map<String, Journey> journeys, Predicate<String> target, Instant now) {
        List<Change> changes = new ArrayList<>();
        for (Journey journey : journeys.values()) {
            ChangeFact fact = journey.fact();
            if (fact.mergedAt() == null
                    || journey.arrivals().stream().anyMatch(arrival -> target.test(arrival.environment()))) {
                continue;
            }
            long readyAt = fact.mergedAt();
            String where = "merged";
            for (Journey.Arrival arrival : journey.arrivals()) {
                where = arrival.environment(); // the latest environment it reached
            }
            changes.add(new Change(journey.change(), fact.title(), fact.url(), Instant.ofEpochMilli(fact.mergedAt()),
                    Instant.ofEpochMilli(readyAt), Math.max(0, now.toEpochMilli() - readyAt) / 1000, where));
        }
        changes.sort(Comparator.comparing(Change::readyAt).thenComparing(Change::change));

        Map<String, Set<String>> changesOf = new HashMap<>();
        facts.commitsByChange().forEach((change, shas) -> shas.forEach(sha ->
                changesOf.computeIfAbsent(sha, s -> new TreeSet<>()).add(change)));
        Set<String> arrived = new TreeSet<>();
        Map<String, History.Shipped> firstElsewhere = new HashMap<>();
        for (History.Shipped commit : facts.history().shipped()) {
            if (target.test(commit.environment())) {
                arrived.add(commit.sha());
            } else {
                firstElsewhere.merge(commit.sha(), commit,
                        (a, b) -> b.deployedAt() < a.deployedAt() ? b : a);
            }
        }
        List<Commit> commits = new ArrayList<>();
        firstElsewhere.forEach((sha, commit) -> {
            if (!arrived.contains(sha)) {
                commits.add(new Commit(sha, List.copyOf(changesOf.getOrDefault(sha, Set.of())),
                        Instant.ofEpochMilli(commit.deployedAt()),
                        Math.max(0, now.toEpochMilli() - commit.deployedAt()) / 1000, commit.environment()));
            }
        });
        commits.sort(Comparator.comparing(Commit::readyAt).thenComparing(Commit::sha));
        boolean truncated = changes.size() > MAX_ITEMS || commits.size() > MAX_ITEMS;
        return new Answer(changes.subList(0, Math.min(MAX_ITEMS, changes.size())),
                commits.subList(0, Math.min(MAX_ITEMS, commits.size())), truncated);
    }
}
