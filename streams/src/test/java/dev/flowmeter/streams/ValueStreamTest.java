package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.valuestream.Journey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where each change spends its time, through the real topology; expected values worked out by hand in the comments.
 * Production is the environment {@code production}; hours are on 2026-05-01 unless a date is given.
 */
class ValueStreamTest {

    private static final String PROD = "production";
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static long at(String time) {
        return Instant.parse(time).toEpochMilli();
    }

    /**
     * c1 08:00 and c2 09:00 on a branch; opened 10:00, reviewed 11:00, squashed as s at 13:00; s to staging 14:00
     * and production 16:00. Coding 08:00-10:00 (2 h), pickup 1 h, review 2 h, deploy 13:00-16:00 (3 h) in two hops,
     * merged-staging 1 h and staging-production 2 h; cycle 8 h.
     */
    @Test
    void shouldStartASquashedChangeAtItsFirstCommitAndSplitItsDeployIntoHops() {
        String squash = sha('5');
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-01T09:00:00Z", sha('1')));
        fixture.send(fixture.changeOpened("42", "2026-05-01T10:00:00Z", sha('2'), sha('1'), sha('2')));
        fixture.send(fixture.changeReviewed("42", "2026-05-01T11:00:00Z"));
        fixture.send(fixture.changeMerged("42", "2026-05-01T13:00:00Z", squash, sha('1'), sha('2')));
        fixture.send(fixture.deployed("staging", squash, "2026-05-01T14:00:00Z"));
        fixture.send(fixture.deployed(PROD, squash, "2026-05-01T16:00:00Z"));

        Journey journey = fixture.journeys().get("42");

        assertThat(journey.firstCommitAt()).isEqualTo(at("2026-05-01T08:00:00Z"));
        assertThat(journey.stages()).containsExactly(Map.entry("coding", 2 * HOUR), Map.entry("pickup", HOUR),
                Map.entry("review", 2 * HOUR), Map.entry("deploy", 3 * HOUR));
        assertThat(journey.hops()).containsExactly(new Journey.Hop("merged", "staging", HOUR),
                new Journey.Hop("staging", PROD, 2 * HOUR));
        assertThat(journey.cycleMillis()).isEqualTo(8 * HOUR);
        // The squash links s to c1 and c2: c1's lead time to production runs from 08:00, 8 h = 28800 s.
        assertThat(fixture.metrics().histogram(Metric.LEAD_TIME, TopologyFixture.SERVICE, PROD).orElseThrow().sum())
                .isEqualTo(28_800 + 25_200 + 10_800); // c1 8 h, c2 7 h, s 3 h
    }

    /**
     * A rebase: c1 08:00 and c2 09:00 rewritten as r1 and r2 at the 12:00 merge, which lists c1 and c2; no review.
     * Coding 2 h; pickup is the whole 10:00-12:00 (no review came before the merge); no review stage; deploy
     * 12:00-15:00 straight to production (a hotfix path: one hop); cycle 7 h.
     */
    @Test
    void shouldCountAnUnreviewedRebasedChangeFromOpeningToMergeAsPickup() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-01T09:00:00Z", sha('1')));
        fixture.send(fixture.changeOpened("7", "2026-05-01T10:00:00Z", sha('2'), sha('1'), sha('2')));
        fixture.send(fixture.commit(sha('a'), "2026-05-01T12:00:00Z"));
        fixture.send(fixture.commit(sha('b'), "2026-05-01T12:00:00Z", sha('a')));
        fixture.send(fixture.changeMerged("7", "2026-05-01T12:00:00Z", sha('b'), sha('1'), sha('2')));
        fixture.send(fixture.deployed(PROD, sha('b'), "2026-05-01T15:00:00Z"));

        Journey journey = fixture.journeys().get("7");

        assertThat(journey.stages()).containsExactly(Map.entry("coding", 2 * HOUR), Map.entry("pickup", 2 * HOUR),
                Map.entry("deploy", 3 * HOUR));
        assertThat(journey.hops()).containsExactly(new Journey.Hop("merged", PROD, 3 * HOUR));
        assertThat(journey.cycleMillis()).isEqualTo(7 * HOUR);
    }

    /**
     * A merge commit m (12:30, parents main's p and the head c2) that the push reports, and a change.merged without
     * commits: the head's history gives the first commit. Opened 10:00 with no commits listed, so the first commit
     * is the head c2 at 09:00: coding 1 h; reviewed 11:00; merged 12:30; production 13:30.
     */
    @Test
    void shouldFollowAMergeCommitToTheHeadWhenTheChangeListsNoCommits() {
        fixture.send(fixture.commit(sha('0'), "2026-04-30T08:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-01T09:00:00Z", sha('0')));
        fixture.send(fixture.changeOpened("9", "2026-05-01T10:00:00Z", sha('2')));
        fixture.send(fixture.changeReviewed("9", "2026-05-01T11:00:00Z"));
        fixture.send(fixture.commit(sha('e'), "2026-05-01T12:30:00Z", sha('0'), sha('2')));
        fixture.send(fixture.changeMerged("9", "2026-05-01T12:30:00Z", sha('e')));
        fixture.send(fixture.deployed(PROD, sha('e'), "2026-05-01T13:30:00Z"));

        Journey journey = fixture.journeys().get("9");

        assertThat(journey.firstCommitAt()).isEqualTo(at("2026-05-01T09:00:00Z"));
        assertThat(journey.stages()).containsExactly(Map.entry("coding", HOUR), Map.entry("pickup", HOUR),
                Map.entry("review", 90 * 60_000L), Map.entry("deploy", HOUR));
        assertThat(journey.cycleMillis()).isEqualTo(4 * HOUR + 30 * 60_000L);
    }

    @Test
    void shouldGiveNoStagesWhenAChangeIsClosedWithoutMerging() {
        fixture.send(fixture.changeOpened("3", "2026-05-01T10:00:00Z", sha('1')));
        fixture.send(fixture.changeReviewed("3", "2026-05-01T11:00:00Z"));
        fixture.send(fixture.changeClosed("3", "2026-05-01T12:00:00Z"));

        Journey journey = fixture.journeys().get("3");

        assertThat(journey.fact().closedAt()).isEqualTo(at("2026-05-01T12:00:00Z"));
        assertThat(journey.stages()).isEmpty();
        assertThat(journey.cycleMillis()).isNull();
    }

    /** Staging only: reached staging an hour after the 12:00 merge, never production: no deploy stage, no hops. */
    @Test
    void shouldLeaveTheDeployStageOpenWhenAChangeReachedStagingOnly() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T09:00:00Z"));
        fixture.send(fixture.changeOpened("5", "2026-05-01T10:00:00Z", sha('1'), sha('1')));
        fixture.send(fixture.changeMerged("5", "2026-05-01T12:00:00Z", sha('1')));
        fixture.send(fixture.deployed("staging", sha('1'), "2026-05-01T13:00:00Z"));

        Journey journey = fixture.journeys().get("5");

        assertThat(journey.arrivals()).containsExactly(
                new Journey.Arrival("staging", at("2026-05-01T13:00:00Z"), "event-4", false));
        assertThat(journey.productionAt()).isNull();
        assertThat(journey.stages()).containsOnlyKeys("coding", "pickup");
        assertThat(journey.hops()).isEmpty();
    }

    /**
     * Two changes shipped by one production deployment at 15:00: both arrive with that deployment. Change 1 merged
     * 12:00 (deploy 3 h), change 2 merged 14:00 on top of it (deploy 1 h).
     */
    @Test
    void shouldShipTwoChangesWithOneDeploymentWhenBothAreInIt() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T09:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-01T10:00:00Z", sha('1')));
        fixture.send(fixture.changeOpened("1", "2026-05-01T09:30:00Z", sha('1'), sha('1')));
        fixture.send(fixture.changeMerged("1", "2026-05-01T12:00:00Z", sha('1')));
        fixture.send(fixture.changeOpened("2", "2026-05-01T10:30:00Z", sha('2'), sha('2')));
        fixture.send(fixture.changeMerged("2", "2026-05-01T14:00:00Z", sha('2')));
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-01T15:00:00Z"));

        Map<String, Journey> journeys = fixture.journeys();

        assertThat(journeys.get("1").arrivals()).containsExactly(
                new Journey.Arrival(PROD, at("2026-05-01T15:00:00Z"), "event-7", true));
        assertThat(journeys.get("2").arrivals()).containsExactly(
                new Journey.Arrival(PROD, at("2026-05-01T15:00:00Z"), "event-7", true));
        assertThat(journeys.get("1").deployMillis()).isEqualTo(3 * HOUR);
        assertThat(journeys.get("2").deployMillis()).isEqualTo(HOUR);
    }

    /**
     * Flow efficiency: cycle 08:00-16:00 (8 h); active is the review 11:00-13:00 and the QA work on the change
     * 12:30-14:30, overlapping by 30 min: 3 h 30 min of 8 h = 0.4375.
     */
    @Test
    void shouldCountOverlappingActiveTimeOnceWhenWorkingOutFlowEfficiency() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.changeOpened("42", "2026-05-01T10:00:00Z", sha('1'), sha('1')));
        fixture.send(fixture.changeReviewed("42", "2026-05-01T11:00:00Z"));
        fixture.send(fixture.changeMerged("42", "2026-05-01T13:00:00Z", sha('1')));
        fixture.send(fixture.queued("qa", "42", "2026-05-01T12:00:00Z"));
        fixture.send(fixture.started("qa", "42", "2026-05-01T12:30:00Z"));
        fixture.send(fixture.finished("qa", "42", "2026-05-01T14:30:00Z", GateOutcome.PASSED));
        fixture.passReorderWindow();
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T16:00:00Z"));

        Journey journey = fixture.journeys().get("42");

        assertThat(journey.passes()).containsExactly(new Journey.Pass("qa", "42", at("2026-05-01T12:00:00Z"),
                at("2026-05-01T12:30:00Z"), at("2026-05-01T14:30:00Z"), "passed"));
        assertThat(journey.cycleMillis()).isEqualTo(8 * HOUR);
        assertThat(journey.activeMillis()).isEqualTo(3 * HOUR + 30 * 60_000L);
        assertThat(journey.flowEfficiency()).isEqualTo(0.4375);
    }

    /**
     * A fast-forward merge lands the head itself. Reported by change.merged (12:00) before the push reports the
     * commit (made at 09:00), the commit still takes its own time: coding 1 h (09:00 to the 10:00 opening), and a
     * lead time of 6 h at the 15:00 production deployment, not 3 h.
     */
    @Test
    void shouldKeepAFastForwardedHeadsOwnTimeWhenTheMergeIsReportedBeforeTheCommit() {
        fixture.send(fixture.changeOpened("6", "2026-05-01T10:00:00Z", sha('1'), sha('1')));
        fixture.send(fixture.changeMerged("6", "2026-05-01T12:00:00Z", sha('1')));
        fixture.send(fixture.commit(sha('1'), "2026-05-01T09:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T15:00:00Z"));

        assertThat(fixture.journeys().get("6").codingMillis()).isEqualTo(HOUR);
        assertThat(fixture.metrics().histogram(Metric.LEAD_TIME, TopologyFixture.SERVICE, PROD).orElseThrow().sum())
                .isEqualTo(21_600);
    }

    @Test
    void shouldMergeAChangeTheSameWhateverOrderItsEventsArriveIn() {
        List.of(fixture.changeMerged("8", "2026-05-01T12:00:00Z", sha('1')),
                fixture.changeReviewed("8", "2026-05-01T11:30:00Z"),
                fixture.changeOpened("8", "2026-05-01T10:00:00Z", sha('1'), sha('1')),
                fixture.changeReviewed("8", "2026-05-01T11:00:00Z")).forEach(fixture::send);

        Journey journey = fixture.journeys().get("8");

        // The earliest review counts: pickup 1 h, review 1 h.
        assertThat(journey.pickupMillis()).isEqualTo(HOUR);
        assertThat(journey.reviewMillis()).isEqualTo(HOUR);
    }
}
