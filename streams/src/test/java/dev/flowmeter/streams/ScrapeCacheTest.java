package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scrape keeps each service's derived series (failures, recovery, value stream) and works out again only the
 * services whose facts were written since the last scrape. Its answer must be exactly what working everything out
 * from the stores gives, at every step; the numbers that move are also checked against values worked out by hand.
 */
class ScrapeCacheTest {

    private static final String A = TopologyFixture.SERVICE;
    private static final String B = "shop/cart";
    private static final String PROD = "production";

    private final TopologyFixture fixture = new TopologyFixture();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-05-01T15:00:00Z"));
    private final MetricsQuery cached = fixture.cachingQuery(clock);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldWorkOutOnlyTheServicesWrittenSinceTheLastScrapeAndAnswerAsAFullReadDoes() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T10:00:00Z"));
        fixture.send(new CommitRecorded("b-1", Instant.parse("2026-05-01T08:00:00Z"), B, sha('b'), List.of()));
        fixture.send(new DeploymentFinished("b-2", Instant.parse("2026-05-01T09:00:00Z"), B, PROD, sha('b'),
                DeploymentStatus.SUCCESS, List.of()));

        MetricsSnapshot first = scrapeAndCompare();
        assertThat(cached.servicesWorkedOut()).isEqualTo(2);
        assertThat(first.scalar(Metric.FAILED_DEPLOYMENTS, A, PROD, "incident")).contains(0.0);

        // c2 deployed at 12:00, then an incident naming it: that deployment failed. Only A is worked out again.
        fixture.send(fixture.commit(sha('2'), "2026-05-01T11:00:00Z", sha('1')));
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-01T12:00:00Z"));
        fixture.send(fixture.incidentOpened("INC-1", "2026-05-01T12:30:00Z", sha('2')));
        MetricsSnapshot second = scrapeAndCompare();
        assertThat(cached.servicesWorkedOut()).isEqualTo(3);
        assertThat(second.scalar(Metric.FAILED_DEPLOYMENTS, A, PROD, "incident")).contains(1.0);
        assertThat(second.scalar(Metric.INCIDENTS_OPEN, A)).contains(1.0);
        assertThat(second.scalar(Metric.FAILED_DEPLOYMENTS, B, PROD, "incident")).contains(0.0);

        // Change 7, merged at 14:00 and not deployed, waits for production: 1 h at 15:00, 2 h at 16:00. The age
        // moves with the clock although nothing is worked out again.
        fixture.send(fixture.commit(sha('3'), "2026-05-01T13:30:00Z", sha('2')));
        fixture.send(fixture.changeOpened("7", "2026-05-01T13:40:00Z", sha('3'), sha('3')));
        fixture.send(fixture.changeMerged("7", "2026-05-01T14:00:00Z", sha('3')));
        MetricsSnapshot at15 = scrapeAndCompare();
        assertThat(cached.servicesWorkedOut()).isEqualTo(4);
        assertThat(at15.scalar(Metric.UNDEPLOYED_OLDEST_AGE, A, PROD)).contains(3600.0);
        assertThat(at15.scalar(Metric.UNDEPLOYED_CHANGES, A, PROD)).contains(1.0);
        clock.set(Instant.parse("2026-05-01T16:00:00Z"));
        MetricsSnapshot at16 = scrapeAndCompare();
        assertThat(cached.servicesWorkedOut()).isEqualTo(4);
        assertThat(at16.scalar(Metric.UNDEPLOYED_OLDEST_AGE, A, PROD)).contains(7200.0);

        // Everything past the retention is purged by the topology's own writers: the series go with it.
        fixture.advanceWallClock(TopologySettings.DEFAULT_RETENTION.plus(Duration.ofDays(30)));
        MetricsSnapshot purged = scrapeAndCompare();
        assertThat(purged.scalar(Metric.FAILED_DEPLOYMENTS, A, PROD, "incident")).isEmpty();
        assertThat(purged.scalar(Metric.UNDEPLOYED_CHANGES, A, PROD)).isEmpty();
    }

    @Test
    void shouldStartOverWhenEverythingMayHaveChanged() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T10:00:00Z"));
        scrapeAndCompare();
        scrapeAndCompare();
        assertThat(cached.servicesWorkedOut()).isEqualTo(1);

        fixture.changes().invalidateAll();
        scrapeAndCompare();
        assertThat(cached.servicesWorkedOut()).isEqualTo(2);
    }

    /** Scrapes with the caching query and checks it against a query that reads everything. */
    private MetricsSnapshot scrapeAndCompare() {
        MetricsSnapshot fromCache = cached.snapshot();
        MetricsSnapshot full = fixture.metricsAt(clock.instant());
        assertThat(lines(fromCache)).containsExactlyElementsOf(lines(full));
        assertThat(fromCache.complete()).isTrue();
        return fromCache;
    }

    private static List<String> lines(MetricsSnapshot snapshot) {
        List<String> lines = new ArrayList<>();
        snapshot.histograms().forEach(histogram -> lines.add(histogram.toString()));
        snapshot.scalars().forEach(scalar -> lines.add(scalar.toString()));
        return lines;
    }

    /** A clock the test moves. */
    private static final class SettableClock extends Clock {
        private Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
