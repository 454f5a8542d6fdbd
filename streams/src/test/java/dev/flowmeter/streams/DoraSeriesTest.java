package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static dev.flowmeter.streams.metrics.Metric.FAILED_DEPLOYMENTS;
import static dev.flowmeter.streams.metrics.Metric.FAILURES_UNRECOVERED;
import static dev.flowmeter.streams.metrics.Metric.INCIDENTS;
import static dev.flowmeter.streams.metrics.Metric.INCIDENTS_OPEN;
import static dev.flowmeter.streams.metrics.Metric.RECOVERY_TIME;
import static dev.flowmeter.streams.metrics.Metric.REWORK_DEPLOYMENTS;
import static dev.flowmeter.streams.metrics.Metric.SERVICE_INFO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.dora.Teams;
import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The failure, recovery, rework, incident and service-info series, served from the delivery ledger at scrape time. */
class DoraSeriesTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final String PROD = "production";

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private MetricsSnapshot scrape(Teams teams) {
        return new MetricsQuery(fixture.driver()::getKeyValueStore,
                Clock.fixed(Instant.parse("2026-05-08T00:00:00Z"), ZoneOffset.UTC), GateLimits.NONE,
                DoraSettings.DEFAULTS, teams).snapshot();
    }

    @Test
    void shouldCountFailuresByReasonReworkRecoveriesAndIncidentsWhenScraped() {
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T10:00:00Z"));
        fixture.send(fixture.failed(PROD, sha('2'), "2026-05-01T11:00:00Z")); // status; D3 recovers it in 30 min
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-01T11:30:00Z"));
        fixture.send(fixture.rolledBack(PROD, sha('1'), "2026-05-01T12:00:00Z")); // fails D3; recovers it in 30 min
        fixture.send(fixture.incidentOpened("I1", "2026-05-02T09:00:00Z", "")); // on D4; open
        fixture.send(fixture.deployed(PROD, sha('3'), "2026-05-02T10:00:00Z")); // while I1 is open: rework
        fixture.send(fixture.failed("staging", sha('3'), "2026-05-02T11:00:00Z")); // not production

        MetricsSnapshot metrics = scrape(Teams.parse(List.of("shop/* = payments")));

        assertThat(metrics.scalar(FAILED_DEPLOYMENTS, S, PROD, "status")).contains(1.0);
        assertThat(metrics.scalar(FAILED_DEPLOYMENTS, S, PROD, "rollback")).contains(1.0);
        assertThat(metrics.scalar(FAILED_DEPLOYMENTS, S, PROD, "incident")).contains(1.0);
        assertThat(metrics.scalar(FAILED_DEPLOYMENTS, S, "staging", "status")).isEmpty();
        // D3 ended D2's recovery, the rollback D4 ended D3's, D5 came while I1 was open.
        assertThat(metrics.scalar(REWORK_DEPLOYMENTS, S, PROD)).contains(3.0);
        // D4 (the rollback) failed by I1, which is still open.
        assertThat(metrics.scalar(FAILURES_UNRECOVERED, S, PROD)).contains(1.0);
        MetricsSnapshot.Histogram recovery = metrics.histogram(RECOVERY_TIME, S, PROD).orElseThrow();
        assertThat(recovery.count()).isEqualTo(2);
        assertThat(recovery.sum()).isEqualTo(3600.0); // 1800 + 1800 s
        assertThat(TopologyFixture.atOrBelow(recovery, 1800)).isEqualTo(2);
        assertThat(TopologyFixture.atOrBelow(recovery, 900)).isZero();
        assertThat(metrics.scalar(INCIDENTS, S)).contains(1.0);
        assertThat(metrics.scalar(INCIDENTS_OPEN, S)).contains(1.0);
        assertThat(metrics.scalar(SERVICE_INFO, S, "payments")).contains(1.0);
    }

    @Test
    void shouldServeEveryServiceOnceWithAnEmptyTeamWhenNoTeamIsConfigured() {
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T10:00:00Z"));
        fixture.send(fixture.queued("qa", "build-1", "2026-05-01T11:00:00Z"));

        MetricsSnapshot metrics = scrape(Teams.NONE);

        assertThat(metrics.scalars().stream().filter(s -> s.metric() == SERVICE_INFO).toList())
                .containsExactly(new MetricsSnapshot.Scalar(SERVICE_INFO, List.of(S, ""), 1));
    }
}
