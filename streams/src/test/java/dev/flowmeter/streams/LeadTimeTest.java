package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.atOrBelow;
import static dev.flowmeter.streams.TopologyFixture.sha;
import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENTS;
import static dev.flowmeter.streams.metrics.Metric.DEPLOYMENT_COMMITS;
import static dev.flowmeter.streams.metrics.Metric.LEAD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.metrics.MetricsSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeadTimeTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final String A = sha('a');
    private static final String B = sha('b');
    private static final String C = sha('c');
    private static final String D = sha('d');
    private static final String E = sha('e');
    private static final String F = sha('f');

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private MetricsSnapshot.Histogram leadTime(String environment) {
        return fixture.metrics().histogram(LEAD_TIME, S, environment).orElseThrow();
    }

    private MetricsSnapshot.Histogram batchSize(String environment) {
        return fixture.metrics().histogram(DEPLOYMENT_COMMITS, S, environment).orElseThrow();
    }

    @Test
    void shouldShipTheDeployedCommitAndItsAncestorsWhenHistoryIsLinear() {
        fixture.send(fixture.commit(A, "2026-05-01T10:00:00Z"));
        fixture.send(fixture.commit(B, "2026-05-01T11:00:00Z", A));
        fixture.send(fixture.commit(C, "2026-05-01T12:00:00Z", B));
        fixture.send(fixture.deployed("production", C, "2026-05-01T14:00:00Z"));

        // 14:00 - 10:00 = 4 h = 14400 s, - 11:00 = 10800 s, - 12:00 = 7200 s
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(3);
        assertThat(lead.sum()).isEqualTo(14400 + 10800 + 7200);
        assertThat(atOrBelow(lead, 3600)).isZero();
        assertThat(atOrBelow(lead, 7200)).isEqualTo(1);
        assertThat(atOrBelow(lead, 14400)).isEqualTo(3);
        assertThat(batchSize("production").sum()).isEqualTo(3);
        assertThat(atOrBelow(batchSize("production"), 2)).isZero();
        assertThat(atOrBelow(batchSize("production"), 3)).isEqualTo(1);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(1.0);

        // The next deployment ships only what is new since the last one: D, 16:00 - 15:00 = 3600 s.
        fixture.send(fixture.commit(D, "2026-05-01T15:00:00Z", C));
        fixture.send(fixture.deployed("production", D, "2026-05-01T16:00:00Z"));

        lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(4);
        assertThat(lead.sum()).isEqualTo(32400 + 3600);
        assertThat(atOrBelow(lead, 3600)).isEqualTo(1);
        assertThat(batchSize("production").count()).isEqualTo(2);
        assertThat(batchSize("production").sum()).isEqualTo(3 + 1);
        assertThat(atOrBelow(batchSize("production"), 1)).isEqualTo(1);
    }

    @Test
    void shouldShipBothBranchesWhenAMergeCommitIsDeployed() {
        fixture.send(fixture.commit(A, "2026-05-01T08:00:00Z"));
        fixture.send(fixture.deployed("production", A, "2026-05-01T09:00:00Z"));
        fixture.send(fixture.commit(B, "2026-05-01T10:00:00Z", A)); // feature branch
        fixture.send(fixture.commit(C, "2026-05-01T11:00:00Z", A)); // main
        fixture.send(fixture.commit(D, "2026-05-01T12:00:00Z", C, B)); // merge
        fixture.send(fixture.deployed("production", D, "2026-05-01T13:00:00Z"));

        // A: 3600 s (first deployment). Then D 3600, C 7200, B 10800; A is not shipped again.
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(4);
        assertThat(lead.sum()).isEqualTo(3600 + 3600 + 7200 + 10800);
        assertThat(batchSize("production").sum()).isEqualTo(1 + 3);
        assertThat(atOrBelow(batchSize("production"), 1)).isEqualTo(1);
        assertThat(atOrBelow(batchSize("production"), 3)).isEqualTo(2);
    }

    @Test
    void shouldShipExactlyTheListedCommitsWhenTheDeploymentListsThem() {
        fixture.send(fixture.commit(A, "2026-05-01T10:00:00Z"));
        fixture.send(fixture.commit(B, "2026-05-01T11:00:00Z", A));
        fixture.send(fixture.commit(C, "2026-05-01T12:00:00Z", B));
        fixture.send(fixture.deployedExplicitly("production", C, "2026-05-01T13:00:00Z", C, B));

        // Only C (3600 s) and B (7200 s): A is an ancestor but not listed.
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(2);
        assertThat(lead.sum()).isEqualTo(3600 + 7200);
        assertThat(batchSize("production").sum()).isEqualTo(2);

        // A derived deployment stops its walk at commits already shipped to the environment (C), so the
        // unlisted ancestor A is not picked up behind them: it ships nothing new.
        fixture.send(fixture.deployed("production", C, "2026-05-01T14:00:00Z"));
        assertThat(leadTime("production").count()).isEqualTo(2);
        assertThat(batchSize("production").count()).isEqualTo(2);
        assertThat(atOrBelow(batchSize("production"), 0)).isEqualTo(1);
    }

    @Test
    void shouldCountARedeployButShipNothingWhenTheSameShaIsDeployedAgain() {
        fixture.send(fixture.commit(A, "2026-05-01T10:00:00Z"));
        fixture.send(fixture.deployed("production", A, "2026-05-01T11:00:00Z"));
        fixture.send(fixture.deployed("production", A, "2026-05-01T12:00:00Z"));

        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(1);
        assertThat(lead.sum()).isEqualTo(3600);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(2.0);
        MetricsSnapshot.Histogram batch = batchSize("production");
        assertThat(batch.count()).isEqualTo(2);
        assertThat(batch.sum()).isEqualTo(1);
        assertThat(atOrBelow(batch, 0)).isEqualTo(1);
    }

    @Test
    void shouldCountAFailedDeploymentButShipNothingWhenItFails() {
        fixture.send(fixture.commit(A, "2026-05-01T10:00:00Z"));
        fixture.send(fixture.failed("production", A, "2026-05-01T11:00:00Z"));

        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "failure")).contains(1.0);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).isEmpty();
        assertThat(fixture.metrics().histogram(LEAD_TIME, S, "production")).isEmpty();
        assertThat(fixture.metrics().histogram(DEPLOYMENT_COMMITS, S, "production")).isEmpty();

        // The fix-forward succeeds at 12:00: A's lead time runs to the successful deployment, 7200 s.
        fixture.send(fixture.deployed("production", A, "2026-05-01T12:00:00Z"));
        assertThat(leadTime("production").sum()).isEqualTo(7200);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "failure")).contains(1.0);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(1.0);
    }

    @Test
    void shouldMeasureEachEnvironmentOnItsOwnWhenACommitIsDeployedToSeveral() {
        fixture.send(fixture.commit(A, "2026-05-01T10:00:00Z"));
        fixture.send(fixture.commit(B, "2026-05-01T10:30:00Z", A));
        fixture.send(fixture.deployed("staging", B, "2026-05-01T11:00:00Z"));
        fixture.send(fixture.deployed("production", B, "2026-05-01T15:00:00Z"));

        // staging: 3600 + 1800; production: 18000 + 16200
        assertThat(leadTime("staging").count()).isEqualTo(2);
        assertThat(leadTime("staging").sum()).isEqualTo(5400);
        assertThat(leadTime("production").count()).isEqualTo(2);
        assertThat(leadTime("production").sum()).isEqualTo(34200);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "staging", "success")).contains(1.0);
        assertThat(fixture.metrics().scalar(DEPLOYMENTS, S, "production", "success")).contains(1.0);
    }

    @Test
    void shouldGiveLeadTimeToCommitsWhenTheyArriveAfterTheDeploymentThatShippedThem() {
        fixture.send(fixture.deployed("production", C, "2026-05-01T14:00:00Z"));
        assertThat(fixture.metrics().histogram(LEAD_TIME, S, "production")).isEmpty();
        // Only C is known to be shipped when the deployment is processed.
        assertThat(batchSize("production").sum()).isEqualTo(1);

        fixture.send(fixture.commit(C, "2026-05-01T12:00:00Z", B));
        assertThat(leadTime("production").count()).isEqualTo(1);
        assertThat(leadTime("production").sum()).isEqualTo(7200);

        // The walk goes on through C's parents as they arrive, newest first or not.
        fixture.send(fixture.commit(A, "2026-05-01T10:00:00Z"));
        assertThat(leadTime("production").count()).isEqualTo(1);
        fixture.send(fixture.commit(B, "2026-05-01T11:00:00Z", A));
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(3);
        assertThat(lead.sum()).isEqualTo(7200 + 10800 + 14400);

        // A later deployment ships none of them again.
        fixture.send(fixture.deployed("production", C, "2026-05-01T18:00:00Z"));
        assertThat(leadTime("production").count()).isEqualTo(3);
    }

    @Test
    void shouldGiveLeadTimeToAListedCommitWhenItArrivesLateWithoutWalkingItsParents() {
        fixture.send(fixture.commit(A, "2026-05-01T09:00:00Z"));
        fixture.send(fixture.deployedExplicitly("production", B, "2026-05-01T12:00:00Z", B));
        fixture.send(fixture.commit(B, "2026-05-01T11:00:00Z", A));

        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(1);
        assertThat(lead.sum()).isEqualTo(3600);
    }

    @Test
    void shouldCountACommitAsZeroWhenItIsStampedAfterItsDeployment() {
        fixture.send(fixture.commit(A, "2026-05-01T12:00:05Z"));
        fixture.send(fixture.deployed("production", A, "2026-05-01T12:00:00Z"));

        assertThat(leadTime("production").sum()).isZero();
        assertThat(leadTime("production").count()).isEqualTo(1);
    }

    @Test
    void shouldStopTheWalkWhenItReachesTheLimit() {
        fixture.close();
        try (TopologyFixture limited = new TopologyFixture(TopologySettings.defaults().withWalkLimit(2))) {
            limited.send(limited.commit(A, "2026-05-01T10:00:00Z"));
            limited.send(limited.commit(B, "2026-05-01T11:00:00Z", A));
            limited.send(limited.commit(C, "2026-05-01T12:00:00Z", B));
            limited.send(limited.deployed("production", C, "2026-05-01T13:00:00Z"));

            // C (3600 s) and B (7200 s) only.
            MetricsSnapshot.Histogram lead = limited.metrics().histogram(LEAD_TIME, S, "production").orElseThrow();
            assertThat(lead.count()).isEqualTo(2);
            assertThat(lead.sum()).isEqualTo(3600 + 7200);
        }
    }

    @Test
    void shouldMeasureLeadTimesBeyondAMonthInTheLongBuckets() {
        fixture.send(fixture.commit(E, "2026-01-01T00:00:00Z"));
        fixture.send(fixture.commit(F, "2026-05-01T00:00:00Z", E));
        fixture.send(fixture.deployed("production", F, "2026-05-02T00:00:00Z"));

        // E: Jan 1 -> May 2 = 121 days = 10454400 s, in the 90-day..180-day bucket; F: 86400 s.
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.sum()).isEqualTo(10454400 + 86400);
        assertThat(atOrBelow(lead, 86400)).isEqualTo(1);
        assertThat(atOrBelow(lead, 7776000)).isEqualTo(1);
        assertThat(atOrBelow(lead, 15552000)).isEqualTo(2);
    }

    @Test
    void shouldShipTheSquashedCommitsWhenAMergeLinksTheSquashCommitToThePullRequestHead() {
        fixture.send(fixture.commit(A, "2026-05-01T08:00:00Z"));
        fixture.send(fixture.deployed("production", A, "2026-05-01T08:30:00Z"));
        fixture.send(fixture.commit(B, "2026-05-01T09:00:00Z", A)); // pull request commits
        fixture.send(fixture.commit(C, "2026-05-01T10:00:00Z", B));
        fixture.send(fixture.commit(D, "2026-05-01T11:00:00Z", A)); // the squash commit on main
        fixture.send(fixture.commit(D, "2026-05-01T11:00:00Z", C)); // the merge links it to the head

        fixture.send(fixture.deployed("production", D, "2026-05-01T12:00:00Z"));

        // A: 1800 s. Then D 3600, C 7200, B 10800; A is not shipped again.
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(4);
        assertThat(lead.sum()).isEqualTo(1800 + 3600 + 7200 + 10800);
    }

    @Test
    void shouldShipTheLinkedCommitsWhenTheLinkArrivesAfterTheDeployment() {
        fixture.send(fixture.commit(A, "2026-05-01T08:00:00Z"));
        fixture.send(fixture.commit(B, "2026-05-01T09:00:00Z", A));
        fixture.send(fixture.commit(D, "2026-05-01T11:00:00Z", A));
        fixture.send(fixture.deployed("production", D, "2026-05-01T12:00:00Z"));
        fixture.send(fixture.deployedExplicitly("staging", D, "2026-05-01T11:30:00Z", D));
        assertThat(leadTime("production").count()).isEqualTo(2);

        fixture.send(fixture.commit(D, "2026-05-01T11:00:00Z", B));

        // Production walked from D, so B follows at 12:00: 10800 s. Staging listed D alone and stays as it was.
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(3);
        assertThat(lead.sum()).isEqualTo(3600 + 14400 + 10800);
        assertThat(leadTime("staging").count()).isEqualTo(1);
        assertThat(leadTime("staging").sum()).isEqualTo(1800);
    }

    @Test
    void shouldShipWhatAnArtifactWasBuiltFromWithoutCountingTheArtifactWhenTheArtifactIsDeployed() {
        String image = "1".repeat(64);
        fixture.send(fixture.commit(A, "2026-05-01T08:00:00Z"));
        fixture.send(fixture.commit(B, "2026-05-01T09:00:00Z", A));
        fixture.send(fixture.artifact(image, "2026-05-01T09:30:00Z", B));
        fixture.send(fixture.deployed("production", image, "2026-05-01T10:00:00Z"));

        // B 3600 s and A 7200 s; the image itself is neither a change nor part of the batch.
        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(2);
        assertThat(lead.sum()).isEqualTo(3600 + 7200);
        assertThat(batchSize("production").sum()).isEqualTo(2);

        // Deploying the same image again ships nothing.
        fixture.send(fixture.deployed("production", image, "2026-05-01T11:00:00Z"));
        assertThat(leadTime("production").count()).isEqualTo(2);
        assertThat(atOrBelow(batchSize("production"), 0)).isEqualTo(1);
    }

    @Test
    void shouldShipWhatAnArtifactWasBuiltFromWhenTheArtifactArrivesAfterItsDeployment() {
        String image = "2".repeat(64);
        fixture.send(fixture.commit(A, "2026-05-01T08:00:00Z"));
        fixture.send(fixture.deployedExplicitly("production", image, "2026-05-01T10:00:00Z", image));
        fixture.send(fixture.artifact(image, "2026-05-01T09:30:00Z", A));

        MetricsSnapshot.Histogram lead = leadTime("production");
        assertThat(lead.count()).isEqualTo(1);
        assertThat(lead.sum()).isEqualTo(7200);
    }
}
