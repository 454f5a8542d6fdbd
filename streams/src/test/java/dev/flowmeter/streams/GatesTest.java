package dev.flowmeter.streams;

import static dev.flowmeter.events.GateOutcome.FAILED;
import static dev.flowmeter.events.GateOutcome.PASSED;
import static dev.flowmeter.streams.TopologyFixture.atOrBelow;
import static dev.flowmeter.streams.metrics.Metric.GATE_ABANDONED;
import static dev.flowmeter.streams.metrics.Metric.GATE_DURATION;
import static dev.flowmeter.streams.metrics.Metric.GATE_OLDEST_WAIT;
import static dev.flowmeter.streams.metrics.Metric.GATE_QUEUE_WAIT;
import static dev.flowmeter.streams.metrics.Metric.GATE_WAITING_ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.time.Duration;
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

    private MetricsSnapshot.Histogram duration(String gate, String outcome) {
        return fixture.metrics().histogram(GATE_DURATION, S, gate, outcome).orElseThrow();
    }

    @Test
    void shouldMeasureWaitUntilStartAndDurationUntilFinishWhenTheGateReportsAStart() {
        fixture.send(fixture.queued("qa", "PR-7", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.started("qa", "PR-7", "2026-05-01T10:30:00Z"));
        fixture.send(fixture.finished("qa", "PR-7", "2026-05-01T11:15:00Z", PASSED));
        fixture.passReorderWindow();

        // Wait 10:30 - 10:00 = 1800 s; duration 11:15 - 10:30 = 2700 s.
        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(1800);
        assertThat(atOrBelow(wait("qa"), 900)).isZero();
        assertThat(atOrBelow(wait("qa"), 1800)).isEqualTo(1);
        assertThat(duration("qa", "passed").count()).isEqualTo(1);
        assertThat(duration("qa", "passed").sum()).isEqualTo(2700);
        assertThat(fixture.metrics().histogram(GATE_DURATION, S, "qa", "failed")).isEmpty();
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "qa")).contains(0.0);
        assertThat(fixture.metrics().scalar(GATE_OLDEST_WAIT, S, "qa")).contains(0.0);
    }

    @Test
    void shouldMeasureFromTheFirstStartWhenTheFinishArrivesBeforeTheStart() {
        fixture.send(fixture.queued("qa", "PR-8", "2026-05-01T08:00:00Z"));
        fixture.send(fixture.finished("qa", "PR-8", "2026-05-01T10:00:00Z", PASSED));
        fixture.send(fixture.started("qa", "PR-8", "2026-05-01T09:00:00Z"));
        // Held for the reorder window: nothing is observed yet, and the item no longer waits.
        assertThat(fixture.metrics().histogram(GATE_QUEUE_WAIT, S, "qa")).isEmpty();
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "qa")).isEmpty();

        fixture.passReorderWindow();

        // Applied as queued 08:00, started 09:00, finished 10:00: wait 09:00 - 08:00 = 3600 s (not 10:00 - 08:00 =
        // 7200 s, which arrival order would give), duration 10:00 - 09:00 = 3600 s.
        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(3600);
        assertThat(duration("qa", "passed").count()).isEqualTo(1);
        assertThat(duration("qa", "passed").sum()).isEqualTo(3600);
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "qa")).contains(0.0);
    }

    @Test
    void shouldShowAQueuedItemAsWaitingAtOnceWhenItsEventIsStillHeld() {
        fixture.send(fixture.queued("security", "PR-9", "2026-05-01T08:00:00Z"));

        // Before the window has passed: 10:00 - 08:00 = 7200 s of waiting, and no wait observed yet.
        MetricsSnapshot at10 = fixture.metricsAt(Instant.parse("2026-05-01T10:00:00Z"));
        assertThat(at10.scalar(GATE_WAITING_ITEMS, S, "security")).contains(1.0);
        assertThat(at10.scalar(GATE_OLDEST_WAIT, S, "security")).contains(7200.0);
        assertThat(at10.histogram(GATE_QUEUE_WAIT, S, "security")).isEmpty();

        fixture.passReorderWindow();
        assertThat(fixture.metricsAt(Instant.parse("2026-05-01T10:00:00Z")).scalar(GATE_WAITING_ITEMS, S, "security"))
                .contains(1.0);
    }

    @Test
    void shouldEndTheWaitAtTheFinishWhenTheGateReportsNoStart() {
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T12:00:00Z", FAILED));
        fixture.passReorderWindow();

        // 12:00 - 10:00 = 7200 s; no start, so no duration.
        assertThat(wait("code-review").sum()).isEqualTo(7200);
        assertThat(wait("code-review").count()).isEqualTo(1);
        assertThat(fixture.metrics().histogram(GATE_DURATION, S, "code-review", "failed")).isEmpty();
    }

    @Test
    void shouldStartANewPassWhenAnItemIsQueuedAgainAfterItFinished() {
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T13:00:00Z"));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T11:00:00Z", FAILED));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T13:20:00Z", PASSED));
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T10:00:00Z"));
        fixture.passReorderWindow();

        // In event time: queued 10:00, failed 11:00 (3600 s), queued again 13:00, passed 13:20 (1200 s).
        assertThat(wait("code-review").count()).isEqualTo(2);
        assertThat(wait("code-review").sum()).isEqualTo(3600 + 1200);
    }

    @Test
    void shouldKeepTheFirstRequestWhenAnItemIsQueuedTwiceWhileWaiting() {
        fixture.send(fixture.queued("qa", "build-9", "2026-05-01T10:20:00Z"));
        fixture.send(fixture.queued("qa", "build-9", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.started("qa", "build-9", "2026-05-01T11:00:00Z"));
        fixture.passReorderWindow();

        // 11:00 - 10:00 (the first request) = 3600 s.
        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(3600);
    }

    @Test
    void shouldKeepTheSamePassWhenAnItemIsQueuedAgainWhileItIsWorkedOn() {
        fixture.send(fixture.queued("qa", "build-10", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.queued("qa", "build-10", "2026-05-01T10:40:00Z"));
        fixture.send(fixture.started("qa", "build-10", "2026-05-01T10:30:00Z"));
        fixture.send(fixture.finished("qa", "build-10", "2026-05-01T11:00:00Z", PASSED));
        fixture.passReorderWindow();

        // The 10:40 request came while started (10:30), so one pass: wait 10:30 - 10:00 = 1800 s, duration 1800 s.
        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(1800);
        assertThat(duration("qa", "passed").sum()).isEqualTo(1800);
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "qa")).contains(0.0);
    }

    @Test
    void shouldMeasureTheWaitWhenTheQueuedEventArrivesAfterTheItemSettledOnItsStart() {
        fixture.send(fixture.started("security", "PR-3", "2026-05-01T12:00:00Z"));
        fixture.passReorderWindow();
        assertThat(fixture.metrics().histogram(GATE_QUEUE_WAIT, S, "security")).isEmpty();
        fixture.send(fixture.queued("security", "PR-3", "2026-05-01T09:00:00Z"));
        fixture.send(fixture.finished("security", "PR-3", "2026-05-01T12:30:00Z", PASSED));
        fixture.passReorderWindow();

        // Wait 12:00 - 09:00 = 10800 s; duration 12:30 - 12:00 = 1800 s.
        assertThat(wait("security").sum()).isEqualTo(10800);
        assertThat(duration("security", "passed").sum()).isEqualTo(1800);
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "security")).contains(0.0);
    }

    @Test
    void shouldKeepTheObservedWaitWhenTheStartArrivesAfterTheItemSettledOnItsFinish() {
        fixture.send(fixture.queued("qa", "PR-11", "2026-05-01T08:00:00Z"));
        fixture.send(fixture.finished("qa", "PR-11", "2026-05-01T10:00:00Z", PASSED));
        fixture.passReorderWindow();
        fixture.send(fixture.started("qa", "PR-11", "2026-05-01T09:00:00Z"));
        fixture.passReorderWindow();

        // Where order independence ends: the finish settled first, so the wait is 10:00 - 08:00 = 7200 s, and the
        // late start only adds the duration 10:00 - 09:00 = 3600 s.
        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(7200);
        assertThat(duration("qa", "passed").sum()).isEqualTo(3600);
    }

    @Test
    void shouldSettleAtOnceWhenAnItemHoldsMoreEventsThanTheCap() {
        Instant first = Instant.parse("2026-05-01T08:00:00Z");
        fixture.send(fixture.queued("qa", "PR-12", first.toString()));
        for (int minute = 1; minute <= 31; minute++) {
            fixture.send(fixture.queued("qa", "PR-12", first.plus(Duration.ofMinutes(minute)).toString()));
        }
        assertThat(fixture.metrics().histogram(GATE_QUEUE_WAIT, S, "qa")).isEmpty();
        // The 33rd event of the item (32 are held at most) settles it without waiting for the window.
        fixture.send(fixture.started("qa", "PR-12", "2026-05-01T09:00:00Z"));

        // 09:00 - 08:00 (the first of the 32 requests) = 3600 s.
        assertThat(wait("qa").count()).isEqualTo(1);
        assertThat(wait("qa").sum()).isEqualTo(3600);
        assertThat(fixture.entries(Gates.EXPIRY_STORE)).isEqualTo(1); // what is left: its retention entry
    }

    @Test
    void shouldCountWaitingItemsAndAgeTheOldestWhenItemsAreStillQueued() {
        fixture.send(fixture.queued("change-approval", "deploy-1", "2026-05-01T08:00:00Z"));
        fixture.send(fixture.queued("change-approval", "deploy-2", "2026-05-01T09:30:00Z"));
        fixture.send(fixture.queued("change-approval", "deploy-3", "2026-05-01T09:45:00Z"));
        fixture.send(fixture.started("change-approval", "deploy-3", "2026-05-01T09:50:00Z"));

        // At once, before the reorder window passes: deploy-1 and deploy-2 wait, the oldest 10:00 - 08:00 = 7200 s.
        MetricsSnapshot at10 = fixture.metricsAt(Instant.parse("2026-05-01T10:00:00Z"));
        assertThat(at10.scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(2.0);
        assertThat(at10.scalar(GATE_OLDEST_WAIT, S, "change-approval")).contains(7200.0);

        fixture.send(fixture.finished("change-approval", "deploy-1", "2026-05-01T10:10:00Z", PASSED));
        fixture.passReorderWindow();
        // deploy-2 is left: 11:00 - 09:30 = 5400 s.
        MetricsSnapshot at11 = fixture.metricsAt(Instant.parse("2026-05-01T11:00:00Z"));
        assertThat(at11.scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(1.0);
        assertThat(at11.scalar(GATE_OLDEST_WAIT, S, "change-approval")).contains(5400.0);
    }

    @Test
    void shouldKeepGatesApartWhenTheSameItemWaitsAtSeveralGates() {
        fixture.send(fixture.queued("code-review", "42", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.queued("qa", "42", "2026-05-01T10:00:00Z"));
        fixture.send(fixture.finished("code-review", "42", "2026-05-01T10:05:00Z", PASSED));
        fixture.passReorderWindow();

        // Review: 10:05 - 10:00 = 300 s. QA still waits: 10:10 - 10:00 = 600 s.
        assertThat(wait("code-review").sum()).isEqualTo(300);
        assertThat(fixture.metrics().histogram(GATE_QUEUE_WAIT, S, "qa")).isEmpty();
        assertThat(fixture.metricsAt(Instant.parse("2026-05-01T10:10:00Z")).scalar(GATE_OLDEST_WAIT, S, "qa"))
                .contains(600.0);
    }

    @Test
    void shouldCloseAnItemAsAbandonedWhenItWaitsLongerThanTheGateItemRetention() {
        fixture.send(fixture.queued("change-approval", "CHG-1", "2026-05-01T08:00:00Z"));
        fixture.passReorderWindow();
        assertThat(fixture.metricsAt(Instant.parse("2026-07-01T08:00:00Z"))
                .scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(1.0);

        // The wall clock starts at 2026-05-10T00:00:00 and is 5 s on; 82 days on it is 2026-07-31T00:00:05, and
        // 90 days (the gate item retention) before that is 2026-05-02T00:00:05, after the 08:00 request of 05-01.
        fixture.advanceWallClock(Duration.ofDays(82));

        MetricsSnapshot later = fixture.metricsAt(Instant.parse("2026-08-31T00:00:00Z"));
        assertThat(later.scalar(GATE_ABANDONED, S, "change-approval")).contains(1.0);
        assertThat(later.scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(0.0);
        assertThat(later.scalar(GATE_OLDEST_WAIT, S, "change-approval")).contains(0.0); // not 122 days and climbing
        assertThat(later.histogram(GATE_QUEUE_WAIT, S, "change-approval")).isEmpty();

        // A verdict for the abandoned pass is ignored; a new request starts a new pass with a wait of its own.
        fixture.send(fixture.finished("change-approval", "CHG-1", "2026-07-31T10:00:00Z", PASSED));
        fixture.passReorderWindow();
        assertThat(fixture.metrics().histogram(GATE_QUEUE_WAIT, S, "change-approval")).isEmpty();
        assertThat(fixture.metrics().histogram(GATE_DURATION, S, "change-approval", "passed")).isEmpty();
        fixture.send(fixture.queued("change-approval", "CHG-1", "2026-07-31T11:00:00Z"));
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(1.0);
        fixture.send(fixture.started("change-approval", "CHG-1", "2026-07-31T11:30:00Z"));
        fixture.passReorderWindow();

        // 11:30 - 11:00 = 1800 s; still one abandoned.
        assertThat(wait("change-approval").count()).isEqualTo(1);
        assertThat(wait("change-approval").sum()).isEqualTo(1800);
        assertThat(fixture.metrics().scalar(GATE_ABANDONED, S, "change-approval")).contains(1.0);
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "change-approval")).contains(0.0);
    }

    @Test
    void shouldAbandonAtOnceWhenABackfilledItemWaitsSinceBeforeTheGateItemRetention() {
        // The wall clock is at 2026-05-10; 90 days before is 2026-02-09, after this 2026-01-05 request.
        fixture.send(fixture.queued("qa", "old-1", "2026-01-05T08:00:00Z"));
        fixture.passReorderWindow();

        assertThat(fixture.metrics().scalar(GATE_ABANDONED, S, "qa")).contains(1.0);
        assertThat(fixture.metrics().scalar(GATE_WAITING_ITEMS, S, "qa")).contains(0.0);
    }

    @Test
    void shouldPurgeAnItemWhenItsLatestEventIsOlderThanTheRetention() {
        fixture.send(fixture.queued("qa", "PR-1", "2026-05-01T08:00:00Z"));
        fixture.send(fixture.started("qa", "PR-1", "2026-05-01T08:30:00Z"));
        fixture.send(fixture.finished("qa", "PR-1", "2026-05-01T09:00:00Z", PASSED));
        fixture.send(fixture.queued("qa", "PR-2", "2026-05-01T08:00:00Z"));
        fixture.send(fixture.finished("qa", "PR-2", "2026-05-09T08:00:00Z", PASSED));
        fixture.passReorderWindow();
        assertThat(fixture.entries(Gates.ITEMS_STORE)).isEqualTo(2);

        // 392 days after 2026-05-10T00:00:05 is 2027-06-06T00:00:05; 400 days (the retention) before that is
        // 2026-05-02T00:00:05: after PR-1's latest event (05-01 09:00), before PR-2's (05-09 08:00).
        fixture.advanceWallClock(Duration.ofDays(392));

        assertThat(fixture.driver().getKeyValueStore(Gates.ITEMS_STORE).get(S + "|qa|PR-1")).isNull();
        assertThat(fixture.driver().getKeyValueStore(Gates.ITEMS_STORE).get(S + "|qa|PR-2")).isNotNull();
        // PR-2's retention entry and its finished pass's; PR-1's pass (finished 05-01 09:00) went with PR-1.
        assertThat(fixture.entries(Gates.EXPIRY_STORE)).isEqualTo(2);
        assertThat(fixture.entries(Gates.PASSES_STORE)).isEqualTo(1);
        // What was measured stays: PR-1 1800 s, PR-2 8 days = 691200 s.
        assertThat(wait("qa").count()).isEqualTo(2);
        assertThat(wait("qa").sum()).isEqualTo(1800 + 691200);

        fixture.advanceWallClock(Duration.ofDays(8));
        assertThat(fixture.entries(Gates.ITEMS_STORE)).isZero();
        assertThat(fixture.entries(Gates.EXPIRY_STORE)).isZero();
        assertThat(fixture.entries(Gates.WAITING_STORE)).isZero();
    }
}
