package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENT_COMMITS;
import static dev.flowmeter.streams.metrics.Metric.LEAD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.EventJson;
import dev.flowmeter.streams.leadtime.LeadTime;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import dev.flowmeter.streams.state.StoreKey;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeadTimeBoundedStateTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final String IMAGE = "e".repeat(64);

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    /** {@code count} distinct valid shas, from {@code first} on. */
    static List<String> shas(int first, int count) {
        return IntStream.range(first, first + count).mapToObj(i -> String.format("%040x", i)).toList();
    }

    @Test
    void shouldKeepEveryValueSmallAndShipUpToTheWalkLimitWhenTwoHugeArtifactsShareADigest() {
        List<String> firstBuild = shas(0, EventJson.MAX_COMMITS);
        List<String> secondBuild = shas(EventJson.MAX_COMMITS, EventJson.MAX_COMMITS);
        firstBuild.forEach(commit -> fixture.send(fixture.commit(commit, "2026-05-01T08:00:00Z")));
        secondBuild.forEach(commit -> fixture.send(fixture.commit(commit, "2026-05-01T08:00:00Z")));
        fixture.send(fixture.artifact(IMAGE, "2026-05-01T09:00:00Z", firstBuild.toArray(String[]::new)));
        fixture.send(fixture.artifact(IMAGE, "2026-05-01T09:10:00Z", secondBuild.toArray(String[]::new)));
        fixture.send(fixture.deployed("production", IMAGE, "2026-05-01T10:00:00Z"));

        // 10,000 + 10,000 = 20,000 commits behind the image; the walk stops at FLOWMETER_WALK_LIMIT = 10,000.
        // Each of the 10,000 shipped: 10:00 - 08:00 = 7200 s, so the sum is 10,000 * 7200 = 72,000,000 s.
        MetricsSnapshot.Histogram lead = fixture.metrics().histogram(LEAD_TIME, S, "production").orElseThrow();
        assertThat(lead.count()).isEqualTo(10_000);
        assertThat(lead.sum()).isEqualTo(72_000_000);
        MetricsSnapshot.Histogram batch = fixture.metrics().histogram(DEPLOYMENT_COMMITS, S, "production")
                .orElseThrow();
        assertThat(batch.count()).isEqualTo(1);
        assertThat(batch.sum()).isEqualTo(10_000);

        // Both builds' commits stay linked to the image, each as a record of its own: 20,000 parent records.
        String imageParents = StoreKey.of(S, IMAGE) + StoreKey.SEPARATOR;
        assertThat(LeadTimeStores.contents(fixture.driver(), LeadTime.PARENTS_STORE).keySet())
                .filteredOn(key -> key.startsWith(imageParents)).hasSize(20_000);
        for (String store : LeadTime.STORES) {
            assertThat(LeadTimeStores.largestValueBytes(fixture.driver(), store)).as(store).isLessThan(1024);
        }

        // And what comes next is counted as usual: A, 11:30 - 11:00 = 1800 s.
        fixture.send(fixture.commit(sha('a'), "2026-05-01T11:00:00Z"));
        fixture.send(fixture.deployed("production", sha('a'), "2026-05-01T11:30:00Z"));
        lead = fixture.metrics().histogram(LEAD_TIME, S, "production").orElseThrow();
        assertThat(lead.count()).isEqualTo(10_001);
        assertThat(lead.sum()).isEqualTo(72_000_000 + 1800);
    }

    @Test
    void shouldKeepEveryValueSmallWhenACommitIsShippedToManyEnvironmentsAndAwaitedInThem() {
        // The old layout kept every environment of a commit in one value; now each is a record.
        String late = sha('b');
        List<String> environments = IntStream.range(0, 200).mapToObj(i -> "env-" + i).toList();
        environments.forEach(environment -> fixture.send(
                fixture.deployed(environment, late, "2026-05-01T12:00:00Z")));
        for (String store : LeadTime.STORES) {
            assertThat(LeadTimeStores.largestValueBytes(fixture.driver(), store)).as(store).isLessThan(1024);
        }

        // The commit arrives at 11:00 and gets its lead time in all 200 environments: 12:00 - 11:00 = 3600 s each.
        fixture.send(fixture.commit(late, "2026-05-01T11:00:00Z"));
        assertThat(fixture.metrics().histogram(LEAD_TIME, S, "env-0").orElseThrow().sum()).isEqualTo(3600);
        assertThat(fixture.metrics().histogram(LEAD_TIME, S, "env-199").orElseThrow().sum()).isEqualTo(3600);
        assertThat(LeadTimeStores.contents(fixture.driver(), LeadTime.AWAITING_STORE)).isEmpty();
        assertThat(LeadTimeStores.contents(fixture.driver(), LeadTime.SHIPPED_STORE)).hasSize(200);
        // Index: 1 commit + 200 shipped marks; the 200 awaited entries left with their records.
        assertThat(LeadTimeStores.contents(fixture.driver(), LeadTime.EXPIRY_STORE)).hasSize(201);
    }
}
