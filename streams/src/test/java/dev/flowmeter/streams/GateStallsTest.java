package dev.flowmeter.streams;

import static dev.flowmeter.events.GateOutcome.PASSED;
import static dev.flowmeter.streams.metrics.Metric.GATE_LIMIT;
import static dev.flowmeter.streams.metrics.Metric.GATE_STALLED_ITEMS;
import static dev.flowmeter.streams.metrics.Metric.GATE_WAITING_ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.GateStall;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stall detection: the wall clock starts at 2026-05-10T00:00:00Z, code-review's limit is 6 h, the default 72 h. */
class GateStallsTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final GateLimits LIMITS = GateLimits.of(Map.of(
            "code-review", Duration.ofHours(6), GateLimits.DEFAULT, Duration.ofHours(72)));
    /** Queued at 20:00 the day before the wall clock starts: 6 h of code review end at 2026-05-10T02:00:00Z. */
    private static final String QUEUED = "2026-05-09T20:00:00Z";
    private static final long SIX_HOURS = 6 * 3600;

    private TopologyFixture fixture = new TopologyFixture(TopologySettings.defaults().withGateLimits(LIMITS));

    @AfterEach
    void close() {
        fixture.close();
    }

    private static GateStall stalled(String gate, String item, String since, long limitSeconds, String at) {
        return GateStall.stalled(S, gate, item, Instant.parse(since), limitSeconds, Instant.parse(at));
    }

    private static GateStall unstalled(String item, String since, String at, String reason) {
        return GateStall.unstalled(S, "code-review", item, Instant.parse(since), SIX_HOURS, Instant.parse(at),
                reason);
    }

    /** Queues PR-1 at code review and lets the limit pass: the wall clock ends at 02:00:05. */
    private void stallPr1() {
        fixture.send(fixture.queued("code-review", "PR-1", QUEUED));
        fixture.passReorderWindow(); // 00:00:05
        fixture.advanceWallClock(Duration.ofHours(2)); // 02:00:05
        assertThat(fixture.stalls()).containsExactly(
                stalled("code-review", "PR-1", QUEUED, SIX_HOURS, "2026-05-10T02:00:05Z"));
    }

    @Test
    void shouldWriteOneStalledRecordWhenAnItemWaitsPastItsGateLimit() {
        fixture.send(fixture.queued("code-review", "PR-1", QUEUED));
        fixture.passReorderWindow(); // 00:00:05: waited 4 h 0 m 5 s of 6 h
        fixture.advanceWallClock(Duration.ofSeconds(7135)); // 01:59:00: 5 h 59 m
        assertThat(fixture.stalls()).isEmpty();

        fixture.advanceWallClock(Duration.ofSeconds(65)); // 02:00:05: 6 h 0 m 5 s > 6 h
        assertThat(fixture.stalls()).containsExactly(
                stalled("code-review", "PR-1", QUEUED, SIX_HOURS, "2026-05-10T02:00:05Z"));

        fixture.advanceWallClock(Duration.ofHours(1));
        fixture.advanceWallClock(Duration.ofHours(1));
        assertThat(fixture.stalls()).isEmpty();
    }

    @Test
    void shouldWriteTheStalledRecordWithTheTopicsKeyAndJsonFormWhenAnItemStalls() {
        fixture.send(fixture.queued("code-review", "PR-1", QUEUED));
        fixture.passReorderWindow();
        fixture.advanceWallClock(Duration.ofHours(2));

        KeyValue<String, String> record = fixture.driver().createOutputTopic(Topics.GATES_STALLED.name(),
                Serdes.String().deserializer(), Serdes.String().deserializer()).readKeyValue();
        assertThat(record.key).isEqualTo(S);
        assertThat(record.value).isEqualTo("{\"type\":\"gate.stalled\",\"service\":\"shop/checkout\","
                + "\"gate\":\"code-review\",\"item\":\"PR-1\",\"waitingSince\":\"2026-05-09T20:00:00Z\","
                + "\"limitSeconds\":21600,\"at\":\"2026-05-10T02:00:05Z\"}");
    }

    @Test
    void shouldWriteUnstalledWhenAStalledItemStarts() {
        stallPr1();

        fixture.send(fixture.started("code-review", "PR-1", "2026-05-10T02:00:00Z"));
        fixture.passReorderWindow(); // 02:00:10

        assertThat(fixture.stalls()).containsExactly(
                unstalled("PR-1", QUEUED, "2026-05-10T02:00:10Z", "started"));
        assertThat(fixture.metricsAt(Instant.parse("2026-05-10T02:00:10Z")).scalar(GATE_STALLED_ITEMS, S,
                "code-review")).contains(0.0);
    }

    @Test
    void shouldWriteUnstalledWhenAStalledItemFinishesWithoutAStart() {
        stallPr1();

        fixture.send(fixture.finished("code-review", "PR-1", "2026-05-10T02:00:00Z", PASSED));
        fixture.passReorderWindow();

        assertThat(fixture.stalls()).containsExactly(
                unstalled("PR-1", QUEUED, "2026-05-10T02:00:10Z", "finished"));
    }

    @Test
    void shouldWriteUnstalledWhenAStalledItemIsAbandoned() {
        fixture.close();
        fixture = new TopologyFixture(TopologySettings.defaults().withGateLimits(LIMITS)
                .withGateItemRetention(Duration.ofHours(12)));
        stallPr1();

        // Abandoned once queued + 12 h = 08:00 has passed, at the first purge after it: purges run every 10 minutes,
        // the one at 07:59:05 is too early, the next is at 08:09:05.
        fixture.advanceWallClock(Duration.ofSeconds(5 * 3600 + 59 * 60)); // 07:59:05
        assertThat(fixture.stalls()).isEmpty();
        fixture.advanceWallClock(Duration.ofMinutes(10)); // 08:09:05
        assertThat(fixture.stalls()).containsExactly(
                unstalled("PR-1", QUEUED, "2026-05-10T08:09:05Z", "abandoned"));
    }

    @Test
    void shouldWriteUnstalledWhenAStalledItemIsPurged() {
        fixture.close();
        fixture = new TopologyFixture(TopologySettings.defaults().withGateLimits(LIMITS)
                .withRetention(Duration.ofHours(12)));
        stallPr1();

        // Its latest event (queued 20:00) is older than the 12 h retention at 08:00; the purge at 08:09:05 deletes it.
        fixture.advanceWallClock(Duration.ofSeconds(5 * 3600 + 59 * 60)); // 07:59:05
        fixture.advanceWallClock(Duration.ofMinutes(10)); // 08:09:05
        assertThat(fixture.stalls()).containsExactly(
                unstalled("PR-1", QUEUED, "2026-05-10T08:09:05Z", "purged"));
        assertThat(fixture.entries(Gates.ITEMS_STORE)).isZero();
    }

    @Test
    void shouldWriteNothingWhenAnItemMovesOnBeforeItsLimit() {
        fixture.send(fixture.queued("code-review", "PR-2", QUEUED));
        fixture.passReorderWindow();
        fixture.send(fixture.started("code-review", "PR-2", "2026-05-10T00:30:00Z"));
        fixture.passReorderWindow();
        fixture.advanceWallClock(Duration.ofHours(3));
        fixture.advanceWallClock(Duration.ofHours(3));

        assertThat(fixture.stalls()).isEmpty();
        assertThat(fixture.metricsAt(Instant.parse("2026-05-10T06:00:00Z")).scalar(GATE_STALLED_ITEMS, S,
                "code-review")).contains(0.0);
    }

    @Test
    void shouldStallAtOnceByTheDefaultLimitWhenAnItemArrivesAlreadyOverdue() {
        // qa has no limit of its own: the default 72 h ended at 2026-05-10T00:00:00Z, before the window passed.
        fixture.send(fixture.queued("qa", "build-7", "2026-05-07T00:00:00Z"));
        fixture.passReorderWindow();

        assertThat(fixture.stalls()).containsExactly(
                stalled("qa", "build-7", "2026-05-07T00:00:00Z", 72 * 3600, "2026-05-10T00:00:05Z"));
    }

    @Test
    void shouldNeverStallWhenTheGateHasNoLimitAndThereIsNoDefault() {
        fixture.close();
        fixture = new TopologyFixture(TopologySettings.defaults()
                .withGateLimits(GateLimits.of(Map.of("code-review", Duration.ofHours(6)))));
        fixture.send(fixture.queued("qa", "build-7", "2026-05-01T00:00:00Z"));
        fixture.passReorderWindow();
        fixture.advanceWallClock(Duration.ofDays(1));

        assertThat(fixture.stalls()).isEmpty();
        MetricsSnapshot metrics = fixture.metricsAt(Instant.parse("2026-05-11T00:00:05Z"));
        assertThat(metrics.scalar(GATE_WAITING_ITEMS, S, "qa")).contains(1.0);
        assertThat(metrics.scalar(GATE_STALLED_ITEMS, S, "qa")).contains(0.0);
        assertThat(metrics.scalar(GATE_LIMIT, GateLimits.DEFAULT)).isEmpty();
    }

    @Test
    void shouldCountItemsPastTheirLimitWhenScrapedAndServeEveryLimit() {
        fixture.send(fixture.queued("code-review", "PR-1", QUEUED));
        fixture.send(fixture.queued("code-review", "PR-2", "2026-05-09T21:00:00Z"));
        fixture.send(fixture.queued("qa", "build-7", "2026-05-09T12:00:00Z"));

        // At 02:00:00 PR-1 has waited exactly 6 h, which is not longer than the limit; a second later it has.
        MetricsSnapshot atLimit = fixture.metricsAt(Instant.parse("2026-05-10T02:00:00Z"));
        assertThat(atLimit.scalar(GATE_STALLED_ITEMS, S, "code-review")).contains(0.0);
        MetricsSnapshot after = fixture.metricsAt(Instant.parse("2026-05-10T02:00:01Z"));
        assertThat(after.scalar(GATE_WAITING_ITEMS, S, "code-review")).contains(2.0);
        assertThat(after.scalar(GATE_STALLED_ITEMS, S, "code-review")).contains(1.0);
        // PR-2 stalls at 03:00; qa's build-7 (72 h) at 2026-05-12T12:00.
        MetricsSnapshot later = fixture.metricsAt(Instant.parse("2026-05-10T03:00:01Z"));
        assertThat(later.scalar(GATE_STALLED_ITEMS, S, "code-review")).contains(2.0);
        assertThat(later.scalar(GATE_STALLED_ITEMS, S, "qa")).contains(0.0);

        assertThat(after.scalar(GATE_LIMIT, "code-review")).contains(21600.0);
        assertThat(after.scalar(GATE_LIMIT, GateLimits.DEFAULT)).contains(259200.0);
        // qa has no limit of its own: it is served with the default's 72 h, under its own name.
        assertThat(after.scalar(GATE_LIMIT, "qa")).contains(259200.0);
        assertThat(after.scalars().stream().filter(s -> s.metric() == GATE_LIMIT)).hasSize(3);
    }

    @Test
    void shouldRememberTheStallInStateAndWriteItOnceWhenTheSamePassIsRequestedAgain() {
        stallPr1();
        String key = StoreKey.of(S, "code-review", "PR-1");
        assertThat(stalledSince(key)).isEqualTo(Instant.parse(QUEUED).toEpochMilli());

        // A second request of the same pass, and an earlier one that arrived late: still the one stalled pass.
        fixture.send(fixture.queued("code-review", "PR-1", "2026-05-09T22:00:00Z"));
        fixture.send(fixture.queued("code-review", "PR-1", "2026-05-09T19:00:00Z"));
        fixture.passReorderWindow();
        fixture.advanceWallClock(Duration.ofHours(6));
        assertThat(fixture.stalls()).isEmpty();
        assertThat(stalledSince(key)).isEqualTo(Instant.parse("2026-05-09T19:00:00Z").toEpochMilli());

        fixture.send(fixture.started("code-review", "PR-1", "2026-05-10T08:00:00Z"));
        fixture.passReorderWindow(); // 08:00:15
        assertThat(fixture.stalls()).containsExactly(
                unstalled("PR-1", "2026-05-09T19:00:00Z", "2026-05-10T08:00:15Z", "started"));
        assertThat(stalledSince(key)).isNull();
    }

    @Test
    void shouldStallANewPassAgainWhenTheItemIsQueuedAgainAfterItFinished() {
        stallPr1();
        fixture.send(fixture.finished("code-review", "PR-1", "2026-05-10T02:00:00Z", PASSED));
        fixture.send(fixture.queued("code-review", "PR-1", "2026-05-10T02:00:01Z"));
        fixture.passReorderWindow(); // 02:00:10
        assertThat(fixture.stalls()).containsExactly(unstalled("PR-1", QUEUED, "2026-05-10T02:00:10Z", "finished"));

        fixture.advanceWallClock(Duration.ofHours(6)); // 08:00:10, past 02:00:01 + 6 h
        assertThat(fixture.stalls()).containsExactly(
                stalled("code-review", "PR-1", "2026-05-10T02:00:01Z", SIX_HOURS, "2026-05-10T08:00:10Z"));
    }

    @Test
    void shouldStallADeploymentByTheLimitOfItsEnvironmentElseByTheLimitOfItsGate() {
        fixture.close();
        fixture = new TopologyFixture(TopologySettings.defaults().withGateLimits(GateLimits.of(Map.of(
                "change-approval", Duration.ofHours(4), "change-approval:production", Duration.ofHours(2)))));
        // Both wait from 2026-05-09T23:00; the wall clock starts at 00:00, so 1 h has passed.
        fixture.send(fixture.queued("change-approval:production", "deploy-1", "2026-05-09T23:00:00Z"));
        fixture.send(fixture.queued("change-approval:staging", "deploy-2", "2026-05-09T23:00:00Z"));
        fixture.passReorderWindow(); // 00:00:05

        // production's own 2 h pass at 01:00:00; staging has none of its own and takes change-approval's 4 h.
        fixture.advanceWallClock(Duration.ofHours(1)); // 01:00:05
        assertThat(fixture.stalls()).containsExactly(stalled("change-approval:production", "deploy-1",
                "2026-05-09T23:00:00Z", 2 * 3600, "2026-05-10T01:00:05Z"));
        MetricsSnapshot metrics = fixture.metricsAt(Instant.parse("2026-05-10T01:00:05Z"));
        assertThat(metrics.scalar(GATE_STALLED_ITEMS, S, "change-approval:production")).contains(1.0);
        assertThat(metrics.scalar(GATE_STALLED_ITEMS, S, "change-approval:staging")).contains(0.0);
        assertThat(metrics.scalar(GATE_LIMIT, "change-approval:production")).contains(7200.0);
        assertThat(metrics.scalar(GATE_LIMIT, "change-approval")).contains(14400.0);
        // staging's limit is served under its own gate too, from change-approval's: the alert reads it there.
        assertThat(metrics.scalar(GATE_LIMIT, "change-approval:staging")).contains(14400.0);

        fixture.advanceWallClock(Duration.ofHours(2)); // 03:00:05, past 23:00 + 4 h
        assertThat(fixture.stalls()).containsExactly(stalled("change-approval:staging", "deploy-2",
                "2026-05-09T23:00:00Z", 4 * 3600, "2026-05-10T03:00:05Z"));
    }

    /** The item's stall mark as stored, read through its JSON form (the record type is the gates package's own). */
    private Long stalledSince(String key) {
        Object item = fixture.driver().getKeyValueStore(Gates.ITEMS_STORE).get(key);
        JsonNode node = EventJson.MAPPER.valueToTree(item).get("stalledSince");
        return node == null || node.isNull() ? null : node.asLong();
    }
}
