package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENT_COMMITS;
import static dev.flowmeter.streams.metrics.Metric.LEAD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.leadtime.LeadTime;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retention of 30 days, purged every hour. The wall clock starts at 2026-05-10T00:00Z, so the cutoff starts at
 * 2026-04-10T00:00Z and moves with the clock.
 */
class LeadTimeRetentionTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final String A = sha('a');
    private static final String B = sha('b');
    private static final String C = sha('c');
    private static final String D = sha('d');
    private static final String X = sha('9');
    private static final String Y = sha('8');

    private final TopologyFixture fixture = new TopologyFixture(TopologySettings.defaults()
            .withRetention(Duration.ofDays(30)).withPurgeInterval(Duration.ofHours(1)));

    @AfterEach
    void close() {
        fixture.close();
    }

    private Map<String, Object> store(String name) {
        return LeadTimeStores.contents(fixture.driver(), name);
    }

    private MetricsSnapshot.Histogram histogram(Metric metric, String environment) {
        return fixture.metrics().histogram(metric, S, environment).orElseThrow();
    }

    @Test
    void shouldPurgeOldCommitsMarksAndAwaitedDeploymentsAndKeepRecentOnesWhenTheRetentionPasses() {
        // Old: A <- B on 12 April, shipped to production; X (never seen) shipped to staging.
        fixture.send(fixture.commit(A, "2026-04-12T08:00:00Z"));
        fixture.send(fixture.commit(B, "2026-04-12T09:00:00Z", A));
        fixture.send(fixture.deployed("production", B, "2026-04-12T10:00:00Z"));
        fixture.send(fixture.deployed("staging", X, "2026-04-12T12:00:00Z"));
        // Recent: B <- C <- D on 5 May; Y (not seen yet) shipped to staging.
        fixture.send(fixture.commit(C, "2026-05-05T10:00:00Z", B));
        fixture.send(fixture.commit(D, "2026-05-05T11:00:00Z", C));
        fixture.send(fixture.deployed("staging", Y, "2026-05-05T12:00:00Z"));
        // Production: B 10:00 - 09:00 = 3600 s, A 10:00 - 08:00 = 7200 s.
        assertThat(histogram(LEAD_TIME, "production").sum()).isEqualTo(3600 + 7200);
        assertThat(store(LeadTime.NODES_STORE)).hasSize(4);
        assertThat(store(LeadTime.SHIPPED_STORE)).hasSize(4);
        assertThat(store(LeadTime.AWAITING_STORE)).hasSize(2);

        // Five days on: the clock reads 05-15T00:00, the cutoff 04-15T00:00; all of 12 April goes, 5 May stays.
        fixture.advanceWallClock(Duration.ofDays(5));

        assertThat(store(LeadTime.NODES_STORE)).containsOnlyKeys(StoreKey.of(S, C), StoreKey.of(S, D));
        // C keeps its link to B: it is C's record, as young as C.
        assertThat(store(LeadTime.PARENTS_STORE)).containsOnlyKeys(StoreKey.of(S, C, B), StoreKey.of(S, D, C));
        assertThat(store(LeadTime.SHIPPED_STORE)).containsOnlyKeys(StoreKey.of(S, Y, "staging"));
        assertThat(store(LeadTime.AWAITING_STORE)).containsOnlyKeys(StoreKey.of(S, Y, "staging"));
        // Index: commits C and D, Y's shipped mark and Y's awaited deployment.
        assertThat(store(LeadTime.EXPIRY_STORE)).hasSize(4);

        // What was kept still measures: D 13:00 - 11:00 = 7200 s, C 13:00 - 10:00 = 10800 s. The walk then reaches
        // B, whose node and mark are gone: like a commit not seen yet it is shipped and counted in the batch (3),
        // without a lead time, and the walk ends there.
        fixture.send(fixture.deployed("production", D, "2026-05-05T13:00:00Z"));
        MetricsSnapshot.Histogram lead = histogram(LEAD_TIME, "production");
        assertThat(lead.count()).isEqualTo(2 + 2);
        assertThat(lead.sum()).isEqualTo(3600 + 7200 + 7200 + 10800);
        assertThat(histogram(DEPLOYMENT_COMMITS, "production").sum()).isEqualTo(2 + 3);
        // Y arrives and its awaited deployment still gives its lead time: 12:00 - 11:30 = 1800 s.
        fixture.send(fixture.commit(Y, "2026-05-05T11:30:00Z"));
        assertThat(histogram(LEAD_TIME, "staging").count()).isEqualTo(1);
        assertThat(histogram(LEAD_TIME, "staging").sum()).isEqualTo(1800);

        // X arrives after its awaited deployment was purged: no lead time. Being older than the retention already,
        // its node goes at the next purge.
        fixture.send(fixture.commit(X, "2026-04-12T11:00:00Z"));
        assertThat(histogram(LEAD_TIME, "staging").count()).isEqualTo(1);
        assertThat(store(LeadTime.NODES_STORE)).containsKey(StoreKey.of(S, X));
        fixture.advanceWallClock(Duration.ofHours(1));
        assertThat(store(LeadTime.NODES_STORE)).doesNotContainKey(StoreKey.of(S, X));
    }

    @Test
    void shouldPurgeAtMostTheBudgetPerRunAndGoOnNextRunWhenMuchHasExpired() {
        // An old image built from 10,000 commits: one node, 10,000 parent records, one index entry.
        String image = "f".repeat(64);
        fixture.send(fixture.artifact(image, "2026-04-12T09:00:00Z",
                LeadTimeBoundedStateTest.shas(0, 10_000).toArray(String[]::new)));
        assertThat(store(LeadTime.PARENTS_STORE)).hasSize(10_000);

        // A run does at most 10,000 units of work: the index entry (1) and 9,999 parents; the node waits.
        fixture.advanceWallClock(Duration.ofDays(5));
        assertThat(store(LeadTime.PARENTS_STORE)).hasSize(10_000 - 9_999);
        assertThat(store(LeadTime.NODES_STORE)).containsOnlyKeys(StoreKey.of(S, image));
        assertThat(store(LeadTime.EXPIRY_STORE)).hasSize(1);

        // The next run, an hour later, deletes the last parent and the node.
        fixture.advanceWallClock(Duration.ofHours(1));
        assertThat(store(LeadTime.PARENTS_STORE)).isEmpty();
        assertThat(store(LeadTime.NODES_STORE)).isEmpty();
        assertThat(store(LeadTime.EXPIRY_STORE)).isEmpty();
    }

    @Test
    void shouldShipAndAwaitACommitAgainWhenItsOldMarkWasPurged() {
        // Z, never seen, is shipped to staging and awaited on 12 April; both records are purged, so a deployment on
        // 5 May ships and awaits it anew, and that survives the next purge.
        String z = sha('7');
        fixture.send(fixture.deployed("staging", z, "2026-04-12T12:00:00Z"));
        fixture.advanceWallClock(Duration.ofDays(5));
        assertThat(store(LeadTime.AWAITING_STORE)).isEmpty();
        fixture.send(fixture.deployed("staging", z, "2026-05-05T12:00:00Z"));
        fixture.advanceWallClock(Duration.ofHours(1));

        assertThat(store(LeadTime.AWAITING_STORE)).containsOnlyKeys(StoreKey.of(S, z, "staging"));
        // Z arrives: 12:00 - 10:00 = 7200 s, against the deployment of 5 May.
        fixture.send(fixture.commit(z, "2026-05-05T10:00:00Z"));
        assertThat(histogram(LEAD_TIME, "staging").count()).isEqualTo(1);
        assertThat(histogram(LEAD_TIME, "staging").sum()).isEqualTo(7200);
    }
}
