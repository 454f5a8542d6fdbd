package dev.flowmeter.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EnvironmentReady;
import dev.flowmeter.events.EnvironmentRequested;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The value stream on generated histories: a line of commits, changes over them (opened, reviewed once or twice,
 * then merged as a fast-forward of their head or as a squash, or closed, or left open), one successful deployment to
 * each of staging and production, and environments. Sent in event-time order and shuffled, into fresh topologies,
 * every change's journey (its facts, commits, first commit, arrivals, stages, hops, active time) and the
 * value-stream series are the same. One deployment per environment, as for lead time: with several, the commits
 * they share go to whichever arrives first (a documented boundary).
 */
class ValueStreamOrderProperties {

    /** Fresh topologies by the hundred: in-memory stores, which order independence does not depend on. */
    private static final TopologySettings IN_MEMORY = TopologySettings.defaults().withStoresInMemory();

    private static final String SERVICE = TopologyFixture.SERVICE;
    private static final Instant BASE = Instant.parse("2026-05-01T00:00:00Z");
    private static final Set<Metric> SERIES = EnumSet.of(Metric.STAGE_DURATION, Metric.ENVIRONMENT_HOP,
            Metric.CYCLE_TIME, Metric.FLOW_EFFICIENCY, Metric.UNDEPLOYED_CHANGES, Metric.UNDEPLOYED_COMMITS,
            Metric.UNDEPLOYED_OLDEST_AGE, Metric.ENVIRONMENTS_ALIVE, Metric.ENVIRONMENT_PROVISIONING);

    @Property(tries = 150, seed = "20261201")
    void shouldGiveTheSameJourneysWhenChangeEventsArriveInAnyOrder(@ForAll("arrivals") Arrival arrival) {
        assertThat(answersAfter(arrival.shuffled())).isEqualTo(answersAfter(arrival.inEventTimeOrder()));
    }

    private static Map<String, Object> answersAfter(List<DeliveryEvent> events) {
        try (TopologyFixture fixture = new TopologyFixture(IN_MEMORY)) {
            events.forEach(fixture::send);
            Map<String, Object> answers = new TreeMap<>(fixture.journeys());
            MetricsSnapshot snapshot = fixture.metricsAt(Instant.parse("2026-05-05T00:00:00Z"));
            for (MetricsSnapshot.Histogram histogram : snapshot.histograms()) {
                if (SERIES.contains(histogram.metric())) {
                    answers.put(histogram.metric().prometheusName() + histogram.labelValues(),
                            Arrays.toString(histogram.cumulativeCounts()) + " sum=" + histogram.sum());
                }
            }
            for (MetricsSnapshot.Scalar scalar : snapshot.scalars()) {
                if (SERIES.contains(scalar.metric())) {
                    answers.put(scalar.metric().prometheusName() + scalar.labelValues(), scalar.value());
                }
            }
            return answers;
        }
    }

    record Arrival(List<DeliveryEvent> events, List<DeliveryEvent> shuffled) {

        List<DeliveryEvent> inEventTimeOrder() {
            List<DeliveryEvent> ordered = new ArrayList<>(events);
            ordered.sort(Comparator.comparing(DeliveryEvent::time));
            return ordered;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("arrival order:");
            shuffled.forEach(event -> text.append("\n  ").append(event));
            return text.toString();
        }
    }

    /**
     * A change over commits {@code first..head} of the line: opened some minutes after its head, reviewed zero to
     * two times, and then merged (as a fast-forward or a squash), closed, or neither.
     */
    record ChangeSpec(int head, int length, int openedAfter, List<Integer> reviews, int outcome, boolean squash,
            int settledAfter) {
    }

    /** A deployment of the landed sha of a change (or of a commit when no change merged), minutes after the base. */
    record DeploymentSpec(int target, int minutes) {
    }

    @Provide
    Arbitrary<Arrival> arrivals() {
        Arbitrary<ChangeSpec> change = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 120),
                Arbitraries.integers().between(0, 300).list().ofMaxSize(2), Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, false), Arbitraries.integers().between(1, 600)).as(ChangeSpec::new);
        Arbitrary<DeploymentSpec> deployment = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 2000)).as(DeploymentSpec::new);
        return Combinators.combine(change.list().ofMinSize(1).ofMaxSize(3), deployment.list().ofSize(2),
                        Arbitraries.integers().between(0, 60).optional(0.6))
                .as(ValueStreamOrderProperties::scenario)
                .flatMap(events -> Arbitraries.shuffle(events).map(order -> new Arrival(events, order)));
    }

    private static String sha(int n) {
        return String.format("%040x", n + 1);
    }

    private static List<DeliveryEvent> scenario(List<ChangeSpec> changes, List<DeploymentSpec> deployments,
            Optional<Integer> environmentReadyAfter) {
        List<DeliveryEvent> events = new ArrayList<>();
        int id = 0;
        for (int i = 0; i < 6; i++) { // a line: commit i at i hours, parent i - 1
            events.add(new CommitRecorded("commit-" + i, BASE.plus(Duration.ofHours(i)), SERVICE, sha(i),
                    i == 0 ? List.of() : List.of(sha(i - 1))));
        }
        List<String> landed = new ArrayList<>();
        for (int c = 0; c < changes.size(); c++) {
            ChangeSpec spec = changes.get(c);
            String change = String.valueOf(100 + c);
            List<String> commits = new ArrayList<>();
            for (int i = Math.max(0, spec.head() - spec.length() + 1); i <= spec.head(); i++) {
                commits.add(sha(i));
            }
            Instant opened = BASE.plus(Duration.ofHours(spec.head())).plus(Duration.ofMinutes(spec.openedAfter()));
            events.add(new ChangeOpened("opened-" + id++, opened, SERVICE, change, sha(spec.head()), commits, "main",
                    "Change " + change, ""));
            for (int review : spec.reviews()) {
                events.add(new ChangeReviewed("reviewed-" + id++, opened.plus(Duration.ofMinutes(review)), SERVICE,
                        change));
            }
            Instant settled = opened.plus(Duration.ofMinutes(spec.settledAfter()));
            if (spec.outcome() <= 3) {
                String sha = spec.squash() ? sha(1000 + c) : sha(spec.head());
                landed.add(sha);
                events.add(new ChangeMerged("merged-" + id++, settled, SERVICE, change, sha,
                        spec.squash() ? commits : List.of()));
            } else if (spec.outcome() == 4) {
                events.add(new ChangeClosed("closed-" + id++, settled, SERVICE, change));
            }
        }
        List<String> environments = List.of("staging", "production");
        for (int e = 0; e < deployments.size(); e++) {
            DeploymentSpec spec = deployments.get(e);
            String sha = landed.isEmpty() || spec.target() >= landed.size() * 3 ? sha(spec.target() % 6)
                    : landed.get(spec.target() % landed.size());
            events.add(new DeploymentFinished("deployment-" + id++, BASE.plus(Duration.ofMinutes(spec.minutes())),
                    SERVICE, environments.get(e), sha, DeploymentStatus.SUCCESS, List.of()));
        }
        events.add(new EnvironmentRequested("env-" + id++, BASE.plus(Duration.ofHours(2)), SERVICE, "pr-100",
                "ephemeral", "100"));
        environmentReadyAfter.ifPresent(minutes -> events.add(new EnvironmentReady("env-ready",
                BASE.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(minutes)), SERVICE, "pr-100", "", "")));
        return events;
    }
}
