package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENTS;
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

        // Seven days after it was first seen (and a purge later) the id is gone and counts as new.
        fixture.advanceWallClock(Duration.ofDays(1).plusMinutes(10));
        assertThat(fixture.driver().getKeyValueStore(Deduplication.STORE).get(S + "|" + deployment.id())).isNull();
        fixture.send(deployment);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(2.0);
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
