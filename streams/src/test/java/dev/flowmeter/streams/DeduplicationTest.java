package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENTS;
import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENT_COMMITS;
import static dev.flowmeter.streams.metrics.Metric.EVENTS;
import static dev.flowmeter.streams.metrics.Metric.EVENTS_DUPLICATE;
import static dev.flowmeter.streams.metrics.Metric.EVENTS_REJECTED;
import static dev.flowmeter.streams.metrics.Metric.LEAD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.streams.dedup.Deduplication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeduplicationTest {

    private static final String S = TopologyFixture.SERVICE;

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldCountAnEventOnceWhenItIsRedelivered() {
        CommitRecorded commit = fixture.commit(sha('a'), "2026-05-01T10:00:00Z");
        DeploymentFinished deployment = fixture.deployed("production", sha('a'), "2026-05-01T11:00:00Z");
        fixture.send(commit);
        fixture.send(deployment);
        fixture.send(deployment);
        fixture.send(commit);
        fixture.send(deployment);

        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(1.0);
        assertThat(fixture.metrics().histogram(LEAD_TIME, S, "production").orElseThrow().count()).isEqualTo(1);
        assertThat(fixture.metrics().scalar(EVENTS, "commit")).contains(1.0);
        assertThat(fixture.metrics().scalar(EVENTS, "deployment")).contains(1.0);
        assertThat(fixture.metrics().scalar(EVENTS_DUPLICATE)).contains(3.0);
    }

    @Test
    void shouldTreatEqualIdsAsDifferentEventsWhenTheyBelongToDifferentServices() {
        Instant at = Instant.parse("2026-05-01T10:00:00Z");
        fixture.send(new CommitRecorded("same-id", at, "shop/checkout", sha('a'), List.of()));
        fixture.send(new CommitRecorded("same-id", at, "shop/cart", sha('a'), List.of()));

        assertThat(fixture.metrics().scalar(EVENTS, "commit")).contains(2.0);
        assertThat(fixture.metrics().scalar(EVENTS_DUPLICATE)).isEmpty();
    }

    @Test
    void shouldForgetAnIdWhenItIsOlderThanTheRetention() {
        DeploymentFinished deployment = fixture.deployed("production", sha('a'), "2026-05-01T11:00:00Z");
        fixture.send(deployment);
        fixture.advanceWallClock(Duration.ofDays(6));
        fixture.send(deployment);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(1.0);
        assertThat(fixture.driver().getKeyValueStore(Deduplication.STORE).approximateNumEntries()).isEqualTo(1);

        // Seven days after it was first seen (and a purge later) the id is gone and the event counts as new; the
        // deployment itself is still in the DORA ledger, which recognises it and leaves it counted once.
        fixture.advanceWallClock(Duration.ofDays(1).plusMinutes(10));
        assertThat(fixture.driver().getKeyValueStore(Deduplication.STORE).get(S + "|" + deployment.id())).isNull();
        fixture.send(deployment);
        assertThat(fixture.metrics().scalar(EVENTS, "deployment")).contains(2.0);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(1.0);
    }

    @Test
    void shouldCountADeploymentOnceWhenItIsRedeliveredAfterTheRetention() {
        // A backfill run again weeks later: the same commit and deployment events, ids and all.
        CommitRecorded commit = fixture.commit(sha('a'), "2026-05-01T10:00:00Z");
        DeploymentFinished deployment = fixture.deployed("production", sha('a'), "2026-05-01T11:00:00Z");
        fixture.send(commit);
        fixture.send(deployment);
        fixture.advanceWallClock(Duration.ofDays(30));
        fixture.send(commit);
        fixture.send(deployment);

        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(1.0);
        assertThat(fixture.metrics().histogram(DEPLOYMENT_COMMITS, S, "production").orElseThrow().count())
                .isEqualTo(1);
        assertThat(fixture.metrics().histogram(LEAD_TIME, S, "production").orElseThrow().count()).isEqualTo(1);
        assertThat(fixture.metrics().histogram(LEAD_TIME, S, "production").orElseThrow().sum()).isEqualTo(3_600.0);
        assertThat(fixture.metrics().scalar(EVENTS_DUPLICATE)).isEmpty();
    }

    @Test
    void shouldExpireIdsThroughTheIndexInOrderOfFirstSightingWhenTheyPassTheRetention() {
        CommitRecorded early = fixture.commit(sha('a'), "2026-05-01T10:00:00Z");
        CommitRecorded late = fixture.commit(sha('b'), "2026-04-01T10:00:00Z");
        fixture.send(early); // first seen at 2026-05-10T00:00
        fixture.advanceWallClock(Duration.ofDays(3));
        fixture.send(late); // first seen at 2026-05-13T00:00, though its event time is older
        assertThat(fixture.entries(Deduplication.EXPIRY_STORE)).isEqualTo(2);

        // The wall clock is now 05-17T00:10: seven days back is 05-10T00:10, past the first id, not the second.
        fixture.advanceWallClock(Duration.ofDays(4).plusMinutes(10));
        assertThat(fixture.driver().getKeyValueStore(Deduplication.STORE).get(S + "|" + early.id())).isNull();
        assertThat(fixture.driver().getKeyValueStore(Deduplication.STORE).get(S + "|" + late.id())).isNotNull();
        assertThat(fixture.entries(Deduplication.EXPIRY_STORE)).isEqualTo(1);

        // Still within its seven days, the second id is still a duplicate; the first counts again.
        fixture.send(late);
        fixture.send(early);
        assertThat(fixture.metrics().scalar(EVENTS_DUPLICATE)).contains(1.0);
        assertThat(fixture.metrics().scalar(EVENTS, "commit")).contains(3.0);
    }

    @Test
    void shouldExpireABatchPerPunctuationAndCatchUpWhenMoreIdsAreDueThanOneBatch() {
        // 1,000 ids expire per run; with 1,005 due, one run leaves 5 for the next tick (a second later).
        for (int i = 0; i < 1_005; i++) {
            fixture.send(new CommitRecorded(fixture.nextId(), Instant.parse("2026-05-01T10:00:00Z"), S,
                    String.format("%040x", i), List.of()));
        }
        fixture.advanceWallClock(Duration.ofDays(7).plusMinutes(10));
        assertThat(fixture.entries(Deduplication.STORE)).isEqualTo(5);
        assertThat(fixture.entries(Deduplication.EXPIRY_STORE)).isEqualTo(5);

        fixture.advanceWallClock(Duration.ofSeconds(1));
        assertThat(fixture.entries(Deduplication.STORE)).isZero();
        assertThat(fixture.entries(Deduplication.EXPIRY_STORE)).isZero();
    }

    @Test
    void shouldCountRejectionsByReasonWhenTheyReachTheDeadLetterTopic() {
        Instant at = Instant.parse("2026-05-01T10:00:00Z");
        List<FieldError> errors = List.of(new FieldError("sha", "is required"));
        fixture.reject(new Rejection(at, "api", "invalid_event", errors, "{}"));
        fixture.reject(new Rejection(at, "api", "invalid_event", errors, "{}"));
        fixture.reject(new Rejection(at, "api", "malformed_json", List.of(), "{"));

        assertThat(fixture.metrics().scalar(EVENTS_REJECTED, "invalid_event")).contains(2.0);
        assertThat(fixture.metrics().scalar(EVENTS_REJECTED, "malformed_json")).contains(1.0);
    }
}
