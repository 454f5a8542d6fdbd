package dev.flowmeter.streams;

import static dev.flowmeter.events.GateOutcome.FAILED;
import static dev.flowmeter.events.GateOutcome.PASSED;
import static dev.flowmeter.streams.TopologyFixture.atOrBelow;
import static dev.flowmeter.streams.metrics.Metric.GATE_DURATION;
import static dev.flowmeter.streams.metrics.Metric.GATE_OLDEST_WAIT;
import static dev.flowmeter.streams.metrics.Metric.GATE_QUEUE_WAIT;
import static dev.flowmeter.streams.metrics.Metric.GATE_WAITING_ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatesTest {

    private static final String S = TopologyFixture.SERVICE;

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private MetricsSnapshot.Histogram wait(String gate) {
        return fixture.metrics().histogram(GATE_QUEUE_WAIT, S, gate).orElseThrow();
    }

    @Test
    void shouldMeasureWaitUntilStartAndDurationUntilFinishWhenTheGateReportsAStart() {
        fixture.send(fixture.queued("qa", "PR-7", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.started("qa", "PR-7", "2026-05-01T10:30:00Z"));
        fixture.send(fixture.finished("qa", "PR-7", "2026-05-01T11:15:00Z", PASSED));

        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(1800);
        assertThat(atOrBelow(wait("qa"), 900)).isZero();
        assertThat(atOrBelow(wait("qa"), 1800)).isEqualTo(1);
        MetricsSnapshot.Histogram duration = fixture.metrics().histogram(GATE_DURATION, S, "qa", "passed")
                .orElseThrow();
        assertThat(duration.count()).isEqualTo(1);
        assertThat(duration.sum()).isEqualTo(2700);
        assertThat(fixture.metrics().histogram(GATE_DURATION, S, "qa", "failed")).isEmpty();
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "qa")).contains(0.0);
        assertThat(fixture.metrics().scalar(GATE_OLDEST_WAIT, S, "qa")).contains(0.0);
    }

    @Test
    void shouldEndTheWaitAtTheFinishWhenTheGateReportsNoStart() {
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T12:00:00Z", FAILED));

        assertThat(wait("code-review").sum()).isEqualTo(7200);
        assertThat(wait("code-review").count()).isEqualTo(1);
        assertThat(fixture.metrics().histogram(GATE_DURATION, S, "code-review", "failed")).isEmpty();
    }

    @Test
    void shouldStartANewPassWhenAnItemIsQueuedAgainAfterItFinished() {
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T11:00:00Z", FAILED));
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T13:00:00Z"));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T13:20:00Z", PASSED));

        // 3600 s for the first review, 1200 s for the second.
        assertThat(wait("code-review").count()).isEqualTo(2);
        assertThat(wait("code-review").sum()).isEqualTo(3600 + 1200);
    }

    @Test
    void shouldKeepTheFirstRequestWhenAnItemIsQueuedTwiceWhileWaiting() {
        fixture.send(fixture.queued("qa", "build-9", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.queued("qa", "build-9", "2026-05-01T10:20:00Z"));
        fixture.send(fixture.started("qa", "build-9", "2026-05-01T11:00:00Z"));

        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(3600);
    }

    @Test
    void shouldMeasureTheWaitWhenTheQueuedEventArrivesAfterTheStart() {
        fixture.send(fixture.started("security", "PR-3", "2026-05-01T12:00:00Z"));
        assertThat(fixture.metrics().histogram(GATE_QUEUE_WAIT, S, "security")).isEmpty();
        fixture.send(fixture.queued("security", "PR-3", "2026-05-01T09:00:00Z"));
        fixture.send(fixture.finished("security", "PR-3", "2026-05-01T12:30:00Z", PASSED));

        assertThat(wait("security").sum()).isEqualTo(10800);
        assertThat(fixture.metrics().histogram(GATE_DURATION, S, "security", "passed").orElseThrow().sum())
                .isEqualTo(1800);
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "security")).contains(0.0);
    }

    @Test
    void shouldCountWaitingItemsAndAgeTheOldestWhenItemsAreStillQueued() {
        fixture.send(fixture.queued("change-approval", "deploy-1", "2026-05-01T08:00:00Z"));
        fixture.send(fixture.queued("change-approval", "deploy-2", "2026-05-01T09:30:00Z"));
        fixture.send(fixture.queued("change-approval", "deploy-3", "2026-05-01T09:45:00Z"));
        fixture.send(fixture.started("change-approval", "deploy-3", "2026-05-01T09:50:00Z"));

        MetricsSnapshot at10 = fixture.metricsAt(Instant.parse("2026-05-01T10:00:00Z"));
        assertThat(at10.scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(2.0);
        assertThat(at10.scalar(GATE_OLDEST_WAIT, S, "change-approval")).contains(7200.0);

        fixture.send(fixture.finished("change-approval", "deploy-1", "2026-05-01T10:10:00Z", PASSED));
        MetricsSnapshot at11 = fixture.metricsAt(Instant.parse("2026-05-01T11:00:00Z"));
        assertThat(at11.scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(1.0);
        assertThat(at11.scalar(GATE_OLDEST_WAIT, S, "change-approval")).contains(5400.0);
    }

    @Test
    void shouldKeepGatesApartWhenTheSameItemWaitsAtSeveralGates() {
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.queued("qa", "42", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T10:05:00Z", PASSED));

        assertThat(wait("code-review").sum()).isEqualTo(300);
        assertThat(fixture.metrics().histogram(GATE_QUEUE_WAIT, S, "qa")).isEmpty();
        assertThat(fixture.metricsAt(Instant.parse("2026-05-01T10:10:00Z")).scalar(GATE_OLDEST_WAIT, S, "qa"))
                .contains(600.0);
    }
}
