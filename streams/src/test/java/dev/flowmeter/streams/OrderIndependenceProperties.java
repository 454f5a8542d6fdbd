package dev.flowmeter.streams;

import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENT_COMMITS;
import static dev.flowmeter.streams.metrics.Metric.LEAD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The metrics docs/metrics.md promises to be independent of arrival order are: lead time (with one successful
 * deployment per environment), deployment counts, gate queue wait and duration, the waiting gauges and the event
 * counters. This sends a generated scenario in event-time order and in a shuffled order, each into a fresh topology,
 * lets the gate reorder window pass, and compares those series. Batch size is left out: it is fixed when a deployment
 * is processed, so it depends on which commits had arrived by then (a documented boundary).
 */
class OrderIndependenceProperties {

    /** Fresh topologies by the hundred: in-memory stores, which order independence does not depend on. */
    private static final TopologySettings IN_MEMORY = TopologySettings.defaults().withStoresInMemory();

    private static final String SERVICE = TopologyFixture.SERVICE;
    private static final Instant BASE = Instant.parse("2026-05-01T06:00:00Z");
    private static final List<String> ENVIRONMENTS = List.of("staging", "production");
    private static final List<String> GATES = List.of("code-review", "qa");
    /** What a scrape sees: after the reorder window, so that every gate item has settled. */
    private static final Instant SCRAPE = TopologyFixture.WALL_CLOCK_START.plusSeconds(60);

    @Property(tries = 200, seed = "20260501")
    void shouldServeTheSameMetricsWhenTheEventsOfAScenarioArriveInAnyOrder(@ForAll("arrivals") Arrival arrival) {
        Map<String, String> inOrder = metricsAfter(arrival.inEventTimeOrder());
        Map<String, String> shuffled = metricsAfter(arrival.shuffled());

        assertThat(shuffled).isEqualTo(inOrder);
        // Each environment's one successful deployment ships at least the deployed commit.
        ENVIRONMENTS.forEach(environment -> assertThat(inOrder)
                .containsKey(LEAD_TIME.prometheusName() + List.of(SERVICE, environment)));
    }

    private static Map<String, String> metricsAfter(List<DeliveryEvent> events) {
        try (TopologyFixture fixture = new TopologyFixture(IN_MEMORY)) {
            events.forEach(fixture::send);
            fixture.passReorderWindow();
            MetricsSnapshot snapshot = fixture.metricsAt(SCRAPE);
            Map<String, String> series = new TreeMap<>();
            for (MetricsSnapshot.Histogram histogram : snapshot.histograms()) {
                if (histogram.metric() != DEPLOYMENT_COMMITS) {
                    series.put(histogram.metric().prometheusName() + histogram.labelValues(),
                            Arrays.toString(histogram.cumulativeCounts()) + " sum=" + histogram.sum()
                                    + " count=" + histogram.count());
                }
            }
            for (MetricsSnapshot.Scalar scalar : snapshot.scalars()) {
                series.put(scalar.metric().prometheusName() + scalar.labelValues(), Double.toString(scalar.value()));
            }
            return series;
        }
    }

    /** A scenario's events and one shuffled order of them. */
    record Arrival(List<DeliveryEvent> events, List<DeliveryEvent> shuffled) {

        List<DeliveryEvent> inEventTimeOrder() {
            List<DeliveryEvent> ordered = new ArrayList<>(events);
            ordered.sort(Comparator.comparing(DeliveryEvent::time)); // stable: ties keep the generated order
            return ordered;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("arrival order:");
            shuffled.forEach(event -> text.append("\n  ").append(event));
            return text.toString();
        }
    }

    @Provide
    Arbitrary<Arrival> arrivals() {
        return scenarios().flatMap(events -> Arbitraries.shuffle(events).map(order -> new Arrival(events, order)));
    }

    private static Arbitrary<List<DeliveryEvent>> scenarios() {
        return Combinators.combine(
                        commitSpec().list().ofMinSize(1).ofMaxSize(7),
                        deploymentSpec().list().ofSize(ENVIRONMENTS.size()),
                        failedDeploymentSpec().list().ofSize(ENVIRONMENTS.size()),
                        itemSpec().list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.integers().between(0, 1_000).list().ofMaxSize(2))
                .as(OrderIndependenceProperties::scenario);
    }

    /**
     * One commit after the first: minutes after the previous commit, and how far back its first and (when not 0)
     * second parent are, taken modulo the commits before it; so there are branches and merges.
     */
    record CommitSpec(int gapMinutes, int firstParentBack, int secondParentBack) {
    }

    /** The commit deployed (modulo the commits there are) and minutes after that commit's time. */
    record DeploymentSpec(int commit, int delayMinutes) {
    }

    /** A pass through a gate: minutes after the previous pass ended, a second request, a start, a finish. */
    record PassSpec(int gapMinutes, Optional<Integer> secondRequestMinutes, Optional<Integer> startMinutes,
            Optional<Integer> finishMinutes, GateOutcome outcome) {
    }

    record ItemSpec(int gate, int offsetMinutes, List<PassSpec> passes) {
    }

    private static Arbitrary<CommitSpec> commitSpec() {
        return Combinators.combine(Arbitraries.integers().between(1, 180), Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(0, 6)).as(CommitSpec::new);
    }

    private static Arbitrary<DeploymentSpec> deploymentSpec() {
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 600))
                .as(DeploymentSpec::new);
    }

    private static Arbitrary<Optional<DeploymentSpec>> failedDeploymentSpec() {
        return deploymentSpec().optional(0.3);
    }

    private static Arbitrary<ItemSpec> itemSpec() {
        Arbitrary<Integer> minutes = Arbitraries.integers().between(0, 300);
        Arbitrary<PassSpec> pass = Combinators.combine(Arbitraries.integers().between(1, 600),
                        minutes.optional(0.3), minutes.optional(0.7), minutes.optional(0.8),
                        Arbitraries.of(GateOutcome.class))
                .as(PassSpec::new);
        return Combinators.combine(Arbitraries.integers().between(0, GATES.size() - 1),
                        Arbitraries.integers().between(0, 600), pass.list().ofMinSize(1).ofMaxSize(3))
                .as(ItemSpec::new);
    }

    private static List<DeliveryEvent> scenario(List<CommitSpec> commitSpecs, List<DeploymentSpec> deployments,
            List<Optional<DeploymentSpec>> failures, List<ItemSpec> items, List<Integer> redeliveries) {
        List<DeliveryEvent> events = new ArrayList<>();
        List<CommitRecorded> commits = new ArrayList<>();
        commits.add(new CommitRecorded(id(events), BASE, SERVICE, sha(0), List.of()));
        events.add(commits.get(0));
        for (CommitSpec spec : commitSpecs) {
            int index = commits.size();
            Instant time = commits.get(index - 1).time().plus(Duration.ofMinutes(spec.gapMinutes()));
            List<String> parents = new ArrayList<>();
            int first = index - 1 - spec.firstParentBack() % index;
            parents.add(sha(first));
            int second = index - 1 - spec.secondParentBack() % index;
            if (spec.secondParentBack() != 0 && second != first) {
                parents.add(sha(second)); // a merge
            }
            CommitRecorded commit = new CommitRecorded(id(events), time, SERVICE, sha(index), parents);
            commits.add(commit);
            events.add(commit);
        }
        for (int i = 0; i < ENVIRONMENTS.size(); i++) {
            events.add(deployment(events, commits, ENVIRONMENTS.get(i), deployments.get(i),
                    DeploymentStatus.SUCCESS));
            Optional<DeploymentSpec> failure = failures.get(i);
            if (failure.isPresent()) {
                events.add(deployment(events, commits, ENVIRONMENTS.get(i), failure.get(),
                        DeploymentStatus.FAILURE));
            }
        }
        for (int i = 0; i < items.size(); i++) {
            addItem(events, "item-" + i, items.get(i));
        }
        for (int redelivery : redeliveries) {
            events.add(events.get(redelivery % events.size())); // the same event, the same id
        }
        return List.copyOf(events);
    }

    private static DeploymentFinished deployment(List<DeliveryEvent> events, List<CommitRecorded> commits,
            String environment, DeploymentSpec spec, DeploymentStatus status) {
        CommitRecorded deployed = commits.get(spec.commit() % commits.size());
        return new DeploymentFinished(id(events), deployed.time().plus(Duration.ofMinutes(spec.delayMinutes())),
                SERVICE, environment, deployed.sha(), status, List.of());
    }

    /** The events of one item's passes; a pass that does not finish ends the item (it cannot be queued again). */
    private static void addItem(List<DeliveryEvent> events, String item, ItemSpec spec) {
        String gate = GATES.get(spec.gate());
        Instant previousEnd = BASE.plus(Duration.ofMinutes(spec.offsetMinutes()));
        for (PassSpec pass : spec.passes()) {
            Instant queued = previousEnd.plus(Duration.ofMinutes(pass.gapMinutes()));
            events.add(new GateQueued(id(events), queued, SERVICE, gate, item));
            pass.secondRequestMinutes().ifPresent(minutes -> events.add(
                    new GateQueued(id(events), queued.plus(Duration.ofMinutes(minutes)), SERVICE, gate, item)));
            Instant started = pass.startMinutes().map(minutes -> queued.plus(Duration.ofMinutes(minutes)))
                    .orElse(queued);
            pass.startMinutes().ifPresent(minutes -> events.add(
                    new GateStarted(id(events), started, SERVICE, gate, item)));
            if (pass.finishMinutes().isEmpty()) {
                return;
            }
            Instant finished = started.plus(Duration.ofMinutes(pass.finishMinutes().get()));
            events.add(new GateFinished(id(events), finished, SERVICE, gate, item, pass.outcome()));
            previousEnd = finished;
        }
    }

    private static String id(List<DeliveryEvent> events) {
        return "event-" + (events.size() + 1);
    }

    private static String sha(int index) {
        return String.format("%040x", index + 1);
    }
}
