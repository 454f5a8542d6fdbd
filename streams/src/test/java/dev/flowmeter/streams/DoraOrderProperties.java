package dev.flowmeter.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.streams.dora.DoraKeys;
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
 * What docs/metrics.md says of the DORA keys, checked on generated histories: deployments to two production
 * environments (successes, failures and rollbacks, some at the same minute) and incidents (with and without a sha,
 * resolved or still open, some resolved twice), sent in event-time order and in a shuffled order into fresh
 * topologies, give the same deployment frequency, change failure rate (with its reasons), recovery time, unrecovered
 * failures and rework rate, over two windows, and the same failure, recovery, rework and incident series. Lead time
 * and batch size are left out: with several deployments to one environment they depend on which deployment is
 * processed first (a documented boundary of "Which commits a deployment ships"), and the deployments here name shas
 * no commit event describes, so the attribution by sha reads deployment heads only.
 */
class DoraOrderProperties {

    /** Fresh topologies by the hundred: in-memory stores, which order independence does not depend on. */
    private static final TopologySettings IN_MEMORY = TopologySettings.defaults().withStoresInMemory();

    private static final String SERVICE = TopologyFixture.SERVICE;
    private static final Instant BASE = Instant.parse("2026-05-01T00:00:00Z");
    private static final List<String> ENVIRONMENTS = List.of("production", "live");
    private static final List<String> SHAS = List.of(TopologyFixture.sha('a'), TopologyFixture.sha('b'),
            TopologyFixture.sha('c'), TopologyFixture.sha('d'));
    private static final String NOW = "2026-05-08T00:00:00Z";
    private static final Set<Metric> DORA_SERIES = EnumSet.of(Metric.FAILED_DEPLOYMENTS, Metric.RECOVERY_TIME,
            Metric.REWORK_DEPLOYMENTS, Metric.FAILURES_UNRECOVERED, Metric.INCIDENTS, Metric.INCIDENTS_OPEN);

    @Property(tries = 150, seed = "20261201")
    void shouldGiveTheSameKeysWhenDeploymentsAndIncidentsArriveInAnyOrder(@ForAll("arrivals") Arrival arrival) {
        Map<String, Object> inOrder = answersAfter(arrival.inEventTimeOrder());
        Map<String, Object> shuffled = answersAfter(arrival.shuffled());

        assertThat(shuffled).isEqualTo(inOrder);
    }

    private static Map<String, Object> answersAfter(List<DeliveryEvent> events) {
        try (TopologyFixture fixture = new TopologyFixture(IN_MEMORY)) {
            events.forEach(fixture::send);
            Map<String, Object> answers = new TreeMap<>();
            for (Duration window : List.of(Duration.ofDays(7), Duration.ofDays(3))) {
                DoraKeys.Report report = fixture.dora(window, NOW);
                answers.put(window + " frequency", report.deploymentFrequency());
                answers.put(window + " failure rate", report.changeFailureRate());
                answers.put(window + " recovery", report.recoveryTime());
                answers.put(window + " rework", report.reworkRate());
            }
            MetricsSnapshot snapshot = fixture.metricsAt(Instant.parse(NOW));
            for (MetricsSnapshot.Histogram histogram : snapshot.histograms()) {
                if (DORA_SERIES.contains(histogram.metric())) {
                    answers.put(histogram.metric().prometheusName() + histogram.labelValues(),
                            Arrays.toString(histogram.cumulativeCounts()) + " sum=" + histogram.sum());
                }
            }
            for (MetricsSnapshot.Scalar scalar : snapshot.scalars()) {
                if (DORA_SERIES.contains(scalar.metric())) {
                    answers.put(scalar.metric().prometheusName() + scalar.labelValues(), scalar.value());
                }
            }
            return answers;
        }
    }

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

    /** A deployment: environment, hours after the base (in 30-minute steps), status, rollback, sha. */
    record DeploymentSpec(int environment, int halfHours, boolean success, boolean rollback, int sha) {
    }

    /** An incident: opened (half hours after the base), resolved how long after (empty: still open), its sha. */
    record IncidentSpec(int halfHours, Optional<Integer> resolvedAfter, Optional<Integer> sha, boolean twice) {
    }

    @Provide
    Arbitrary<Arrival> arrivals() {
        return Combinators.combine(deploymentSpec().list().ofMinSize(1).ofMaxSize(8),
                        incidentSpec().list().ofMaxSize(3))
                .as(DoraOrderProperties::scenario)
                .flatMap(events -> Arbitraries.shuffle(events).map(order -> new Arrival(events, order)));
    }

    private static Arbitrary<DeploymentSpec> deploymentSpec() {
        return Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 300),
                Arbitraries.of(true, true, true, false), Arbitraries.of(false, false, false, true),
                Arbitraries.integers().between(0, SHAS.size() - 1)).as(DeploymentSpec::new);
    }

    private static Arbitrary<IncidentSpec> incidentSpec() {
        return Combinators.combine(Arbitraries.integers().between(0, 320),
                Arbitraries.integers().between(1, 40).optional(0.7),
                Arbitraries.integers().between(0, SHAS.size() - 1).optional(0.5),
                Arbitraries.of(false, true)).as(IncidentSpec::new);
    }

    private static List<DeliveryEvent> scenario(List<DeploymentSpec> deployments, List<IncidentSpec> incidents) {
        List<DeliveryEvent> events = new ArrayList<>();
        int id = 0;
        for (DeploymentSpec spec : deployments) {
            events.add(new DeploymentFinished("deployment-" + id++, BASE.plus(Duration.ofMinutes(30L * spec.halfHours)),
                    SERVICE, ENVIRONMENTS.get(spec.environment()), SHAS.get(spec.sha()),
                    spec.success() ? DeploymentStatus.SUCCESS : DeploymentStatus.FAILURE, List.of(),
                    spec.success() && spec.rollback()));
        }
        int number = 0;
        for (IncidentSpec spec : incidents) {
            String incident = "INC-" + number++;
            Instant opened = BASE.plus(Duration.ofMinutes(30L * spec.halfHours()));
            String sha = spec.sha().map(SHAS::get).orElse("");
            events.add(new IncidentOpened("incident-" + id++, opened, SERVICE, incident, "", sha));
            if (spec.resolvedAfter().isPresent()) {
                Instant resolved = opened.plus(Duration.ofMinutes(30L * spec.resolvedAfter().get()));
                events.add(new IncidentResolved("incident-" + id++, resolved, SERVICE, incident, "", ""));
                if (spec.twice()) {
                    // A source that reports the resolution again, later: the latest one counts.
                    events.add(new IncidentResolved("incident-" + id++, resolved.plus(Duration.ofMinutes(30)),
                            SERVICE, incident, "", ""));
                }
            }
        }
        return events;
    }
}
