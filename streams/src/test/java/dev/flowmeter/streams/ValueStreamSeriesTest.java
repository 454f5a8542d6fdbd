package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.EnvironmentDeleted;
import dev.flowmeter.events.EnvironmentReady;
import dev.flowmeter.events.EnvironmentRequested;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The value-stream series, served at scrape time from the changes' facts; values worked out by hand. */
class ValueStreamSeriesTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final String PROD = "production";

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    /**
     * Change 42: c1 08:00, opened 10:00, reviewed 11:00, merged 13:00, staging 14:00, production 16:00: coding 2 h,
     * pickup 1 h, review 2 h, deploy 3 h (hops 1 h and 2 h), cycle 8 h, active = the review 2 h: efficiency 0.25.
     * Change 43: merged 15:00 and in staging at 15:30, not in production: undeployed, 8.5 h old at 2026-05-01T23:30.
     */
    @Test
    void shouldServeStagesHopsCycleTimeEfficiencyAndWhatShipsNext() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.changeOpened("42", "2026-05-01T10:00:00Z", sha('1'), sha('1')));
        fixture.send(fixture.changeReviewed("42", "2026-05-01T11:00:00Z"));
        fixture.send(fixture.changeMerged("42", "2026-05-01T13:00:00Z", sha('1')));
        fixture.send(fixture.deployed("staging", sha('1'), "2026-05-01T14:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T16:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-01T14:30:00Z", sha('1')));
        fixture.send(fixture.changeOpened("43", "2026-05-01T14:40:00Z", sha('2'), sha('2')));
        fixture.send(fixture.changeMerged("43", "2026-05-01T15:00:00Z", sha('2')));
        fixture.send(fixture.deployed("staging", sha('2'), "2026-05-01T15:30:00Z"));

        MetricsSnapshot metrics = fixture.metricsAt(Instant.parse("2026-05-01T23:30:00Z"));

        assertThat(sum(metrics, Metric.STAGE_DURATION, S, "coding")).isEqualTo(7200.0);
        assertThat(sum(metrics, Metric.STAGE_DURATION, S, "pickup")).isEqualTo(3600.0);
        assertThat(sum(metrics, Metric.STAGE_DURATION, S, "review")).isEqualTo(7200.0);
        assertThat(sum(metrics, Metric.STAGE_DURATION, S, "deploy")).isEqualTo(10800.0);
        assertThat(sum(metrics, Metric.ENVIRONMENT_HOP, S, "merged", "staging")).isEqualTo(3600.0);
        assertThat(sum(metrics, Metric.ENVIRONMENT_HOP, S, "staging", PROD)).isEqualTo(7200.0);
        assertThat(sum(metrics, Metric.CYCLE_TIME, S)).isEqualTo(28800.0);
        MetricsSnapshot.Histogram efficiency = metrics.histogram(Metric.FLOW_EFFICIENCY, S).orElseThrow();
        assertThat(efficiency.count()).isEqualTo(1);
        assertThat(efficiency.sum()).isEqualTo(0.25);
        assertThat(TopologyFixture.atOrBelow(efficiency, 0.2)).isZero();
        assertThat(TopologyFixture.atOrBelow(efficiency, 0.3)).isEqualTo(1);
        // Change 43 and its commit c2 wait for production; 15:00 to 23:30 is 30600 s.
        assertThat(metrics.scalar(Metric.UNDEPLOYED_CHANGES, S, PROD)).contains(1.0);
        assertThat(metrics.scalar(Metric.UNDEPLOYED_COMMITS, S, PROD)).contains(1.0);
        assertThat(metrics.scalar(Metric.UNDEPLOYED_OLDEST_AGE, S, PROD)).contains(30600.0);
    }

    /** pr-1 ready 20 min after its request and alive; pr-2 requested, never ready; pr-3 ready, then deleted. */
    @Test
    void shouldCountLiveEnvironmentsAndProvisioningTimesByKindWhenOneIsNeverReady() {
        fixture.send(new EnvironmentRequested("r1", Instant.parse("2026-05-01T10:00:00Z"), S, "pr-1", "ephemeral",
                "1"));
        fixture.send(new EnvironmentReady("y1", Instant.parse("2026-05-01T10:20:00Z"), S, "pr-1", "", ""));
        fixture.send(new EnvironmentRequested("r2", Instant.parse("2026-05-01T11:00:00Z"), S, "pr-2", "ephemeral",
                "2"));
        fixture.send(new EnvironmentRequested("r3", Instant.parse("2026-05-01T09:00:00Z"), S, "pr-3", "ephemeral",
                ""));
        fixture.send(new EnvironmentReady("y3", Instant.parse("2026-05-01T09:40:00Z"), S, "pr-3", "", ""));
        fixture.send(new EnvironmentDeleted("d3", Instant.parse("2026-05-01T12:00:00Z"), S, "pr-3", "", ""));
        fixture.send(new EnvironmentRequested("r4", Instant.parse("2026-05-01T09:00:00Z"), S, "load", "soak", ""));

        MetricsSnapshot metrics = fixture.metrics();

        assertThat(metrics.scalar(Metric.ENVIRONMENTS_ALIVE, "ephemeral")).contains(1.0);
        assertThat(metrics.scalar(Metric.ENVIRONMENTS_ALIVE, "other")).contains(0.0); // "soak" is no known kind
        MetricsSnapshot.Histogram provisioning = metrics.histogram(Metric.ENVIRONMENT_PROVISIONING, "ephemeral")
                .orElseThrow();
        assertThat(provisioning.count()).isEqualTo(2); // pr-2 was never ready: no provisioning time
        assertThat(provisioning.sum()).isEqualTo(3600.0); // 1200 + 2400 s
        // pr-1, ready 2026-05-01T10:20, is 8 d 13 h 40 min old at the 2026-05-10T00:00 scrape: 740400 s.
        assertThat(metrics.scalar(Metric.ENVIRONMENT_OLDEST_AGE, "ephemeral")).contains(740_400.0);
        assertThat(metrics.scalar(Metric.ENVIRONMENT_OLDEST_AGE, "other")).contains(0.0);
        // pr-3 lived from 09:40 to 12:00: 8400 s.
        MetricsSnapshot.Histogram lifetime = metrics.histogram(Metric.ENVIRONMENT_LIFETIME, "ephemeral")
                .orElseThrow();
        assertThat(lifetime.count()).isEqualTo(1);
        assertThat(lifetime.sum()).isEqualTo(8400.0);
    }

    /** A change waits at the environment gate from its environment's request to its ready: 10:00 to 10:20. */
    @Test
    void shouldMeasureAChangesWaitForItsEnvironmentAsAGate() {
        fixture.send(new EnvironmentRequested("r1", Instant.parse("2026-05-01T10:00:00Z"), S, "pr-42", "ephemeral",
                "42"));
        fixture.send(new EnvironmentReady("y1", Instant.parse("2026-05-01T10:20:00Z"), S, "pr-42", "", "42"));
        fixture.passReorderWindow();

        MetricsSnapshot.Histogram wait = fixture.metrics().histogram(Metric.GATE_QUEUE_WAIT, S, "environment")
                .orElseThrow();
        assertThat(wait.count()).isEqualTo(1);
        assertThat(wait.sum()).isEqualTo(1200.0);
    }

    private static double sum(MetricsSnapshot metrics, Metric metric, String... labels) {
        return metrics.histogram(metric, labels).orElseThrow().sum();
    }
}
