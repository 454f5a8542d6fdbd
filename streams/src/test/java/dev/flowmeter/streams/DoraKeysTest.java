package dev.flowmeter.streams;

import static dev.flowmeter.streams.TopologyFixture.sha;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowmeter.streams.dora.Bands;
import dev.flowmeter.streams.dora.DoraKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The DORA keys through the real topology, each expected value worked out by hand in the comments. Production is
 * the environment {@code production}; windows end at the {@code now} given to the query.
 */
class DoraKeysTest {

    private static final String PROD = "production";
    private static final Duration WEEK = Duration.ofDays(7);

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    /**
     * One week, 2026-05-01T00:00 to 2026-05-08T00:00, with a status failure, a rollback and an incident:
     * <pre>
     * commits c1 05-01 08:00, c2 05-01 10:00, c3 05-02 09:00, c4 05-04 12:00, c5 05-05 12:00 (a line)
     * D1 05-01 12:00 c2 success    ships c1 (4 h) and c2 (2 h)    batch 2
     * D2 05-02 12:00 c3 failure    failed: status; recovered by D3 after 1 h
     * D3 05-02 13:00 c3 success    ships c3 (4 h)                 batch 1   rework (ends D2's recovery)
     * D4 05-04 14:00 c4 success    ships c4 (2 h)                 batch 1   failed: rollback (D5), recovered
     *                                                                       by D5 after 1 h
     * D5 05-04 15:00 c3 rollback                                  batch 0   rework
     * D6 05-05 14:00 c5 success    ships c5 (2 h)                 batch 1   failed: incident I1 (05-06 10:00
     *                                                                       to 16:00, 6 h)
     * D7 05-06 12:00 c5 success    a redeploy while I1 is open    batch 0   rework
     * </pre>
     */
    @Test
    void shouldComputeEveryKeyByHandWhenAWeekHasAStatusFailureARollbackAndAnIncident() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-01T10:00:00Z", sha('1')));
        fixture.send(fixture.commit(sha('3'), "2026-05-02T09:00:00Z", sha('2')));
        fixture.send(fixture.commit(sha('4'), "2026-05-04T12:00:00Z", sha('3')));
        fixture.send(fixture.commit(sha('5'), "2026-05-05T12:00:00Z", sha('4')));
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-01T12:00:00Z"));
        fixture.send(fixture.failed(PROD, sha('3'), "2026-05-02T12:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('3'), "2026-05-02T13:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('4'), "2026-05-04T14:00:00Z"));
        fixture.send(fixture.rolledBack(PROD, sha('3'), "2026-05-04T15:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('5'), "2026-05-05T14:00:00Z"));
        fixture.send(fixture.incidentOpened("I1", "2026-05-06T10:00:00Z", ""));
        fixture.send(fixture.deployed(PROD, sha('5'), "2026-05-06T12:00:00Z"));
        fixture.send(fixture.incidentResolved("I1", "2026-05-06T16:00:00Z"));
        // Not production: counts nowhere.
        fixture.send(fixture.failed("staging", sha('5'), "2026-05-06T09:00:00Z"));

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-08T00:00:00Z");

        assertThat(report.from()).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
        assertThat(report.to()).isEqualTo(Instant.parse("2026-05-08T00:00:00Z"));
        // 6 successful deployments in 7 days; on 5 distinct days (05-01, 02, 04, 05, 06) of one week. High: 6 < 7
        // deployments in 7 days is less than daily, but at least weekly.
        assertThat(report.deploymentFrequency()).isEqualTo(
                new DoraKeys.Frequency(6, 6 / 7.0, 5, 5.0, Bands.Band.HIGH));
        // c1..c5: 14400, 7200, 14400, 7200, 7200 s. Sorted 7200, 7200, 7200, 14400, 14400: median rank 2 = 7200,
        // p75 rank 3 = 14400, p90 rank 3.6 = 14400 + 0.6 * 0. Elite: under a day.
        assertThat(report.leadTime()).isEqualTo(new DoraKeys.LeadTime(5, 7200.0, 14400.0, 14400.0,
                Bands.Band.ELITE));
        // D2 (status), D4 (rollback), D6 (incident) of D1..D7: 3 / 7 = 42.9 %, low (over 15 %).
        assertThat(report.changeFailureRate()).isEqualTo(new DoraKeys.FailureRate(7, 3,
                Map.of("status", 1L, "rollback", 1L, "incident", 1L), 3 / 7.0, Bands.Band.LOW));
        // 3600, 3600, 21600 s: median 3600 s, not under an hour, so high (under a day).
        assertThat(report.recoveryTime()).isEqualTo(new DoraKeys.Recovery(3, 3600.0, List.of(), Bands.Band.HIGH));
        // D3, D5, D7 of 7.
        assertThat(report.reworkRate()).isEqualTo(new DoraKeys.Rework(7, 3, 3 / 7.0));
        // 2, 1, 1, 0, 1, 0: sorted 0, 0, 1, 1, 1, 2, median rank 2.5 = 1 + 0.5 * 0.
        assertThat(report.batchSize()).isEqualTo(new DoraKeys.BatchSize(6, 1.0));
    }

    @Test
    void shouldReportNoRatesAndTheLowestFrequencyWhenNoDeploymentFallsInTheWindow() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T12:00:00Z"));

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-20T00:00:00Z"); // 05-13 to 05-20

        assertThat(report.deploymentFrequency()).isEqualTo(new DoraKeys.Frequency(0, 0.0, 0, 0.0, Bands.Band.LOW));
        assertThat(report.leadTime()).isEqualTo(new DoraKeys.LeadTime(0, null, null, null, null));
        assertThat(report.changeFailureRate()).isEqualTo(new DoraKeys.FailureRate(0, 0,
                Map.of("status", 0L, "rollback", 0L, "incident", 0L), null, null));
        assertThat(report.recoveryTime()).isEqualTo(new DoraKeys.Recovery(0, null, List.of(), null));
        assertThat(report.reworkRate()).isEqualTo(new DoraKeys.Rework(0, 0, null));
        assertThat(report.batchSize()).isEqualTo(new DoraKeys.BatchSize(0, null));
    }

    @Test
    void shouldListAFailureNotYetRecoveredWithItsAgeAndLeaveItOutOfTheRecoveryTimes() {
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T12:00:00Z"));
        fixture.send(fixture.failed(PROD, sha('2'), "2026-05-03T12:00:00Z"));

        // At 05-04 18:00 the failure is 30 h old: 108000 s.
        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-04T18:00:00Z");

        assertThat(report.changeFailureRate().failed()).isEqualTo(1);
        assertThat(report.changeFailureRate().rate()).isEqualTo(0.5);
        assertThat(report.recoveryTime()).isEqualTo(new DoraKeys.Recovery(0, null, List.of(
                new DoraKeys.Unrecovered(TopologyFixture.SERVICE, PROD, "event-2", "status",
                        Instant.parse("2026-05-03T12:00:00Z"), 108_000)), null));
    }

    @Test
    void shouldFailOnlyTheDeploymentsSinceTheLastGoodOneWhenARollbackFollows() {
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T10:00:00Z")); // good: D2 came after it
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-01T11:00:00Z")); // rolled back
        fixture.send(fixture.failed(PROD, sha('3'), "2026-05-01T11:30:00Z")); // failed by status anyway
        fixture.send(fixture.rolledBack(PROD, sha('1'), "2026-05-01T12:00:00Z"));

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-08T00:00:00Z");

        // D2: rollback, recovered by the rollback after 1 h; D3: status, recovered after 30 min. 2 of 4 failed.
        assertThat(report.changeFailureRate()).isEqualTo(new DoraKeys.FailureRate(4, 2,
                Map.of("status", 1L, "rollback", 1L, "incident", 0L), 0.5, Bands.Band.LOW));
        // 1800 and 3600 s: median 2700 s.
        assertThat(report.recoveryTime().samples()).isEqualTo(2);
        assertThat(report.recoveryTime().medianSeconds()).isEqualTo(2700.0);
        // The rollback ended both recoveries: one rework deployment.
        assertThat(report.reworkRate()).isEqualTo(new DoraKeys.Rework(4, 1, 0.25));
    }

    @Test
    void shouldCountADeploymentOnceWhenTwoIncidentsAreAttributedToIt() {
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-02T10:00:00Z"));
        fixture.send(fixture.incidentOpened("I1", "2026-05-02T11:00:00Z", ""));
        fixture.send(fixture.incidentOpened("I2", "2026-05-02T11:30:00Z", ""));
        fixture.send(fixture.incidentResolved("I1", "2026-05-02T12:00:00Z"));
        fixture.send(fixture.incidentResolved("I2", "2026-05-02T14:00:00Z"));

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-08T00:00:00Z");

        // One deployment, failed once: 100 %, not 200 %. Recovered when the last incident was resolved: 11:00 to
        // 14:00, 10800 s.
        assertThat(report.changeFailureRate()).isEqualTo(new DoraKeys.FailureRate(1, 1,
                Map.of("status", 0L, "rollback", 0L, "incident", 1L), 1.0, Bands.Band.LOW));
        assertThat(report.recoveryTime()).isEqualTo(new DoraKeys.Recovery(1, 10800.0, List.of(), Bands.Band.HIGH));
    }

    @Test
    void shouldAttributeAnIncidentToTheDeploymentThatShippedItsShaRatherThanToTheLastOne() {
        fixture.send(fixture.commit(sha('1'), "2026-05-02T08:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-02T09:00:00Z", sha('1')));
        fixture.send(fixture.commit(sha('3'), "2026-05-02T11:00:00Z", sha('2')));
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-02T10:00:00Z")); // ships c1 and c2
        fixture.send(fixture.deployed(PROD, sha('3'), "2026-05-02T12:00:00Z")); // ships c3
        // c1 is at fault: not D2's head, but a commit D2 shipped first. The last deployment before is D3.
        fixture.send(fixture.incidentOpened("I1", "2026-05-02T13:00:00Z", sha('1')));

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-08T00:00:00Z");

        // D2 failed by the incident, not D3; I1 is open, so D2 is unrecovered since 05-02 13:00, 131 h = 471600 s
        // before 05-08 00:00. D3 was deployed before I1 opened: no rework.
        assertThat(report.changeFailureRate().byReason()).containsEntry("incident", 1L);
        assertThat(report.recoveryTime().unrecovered()).containsExactly(new DoraKeys.Unrecovered(
                TopologyFixture.SERVICE, PROD, "event-4", "incident", Instant.parse("2026-05-02T13:00:00Z"),
                471_600));
        assertThat(report.reworkRate().rework()).isZero();
    }

    @Test
    void shouldAttributeNothingWhenAnIncidentOpensBeforeAnyDeployment() {
        fixture.send(fixture.incidentOpened("I1", "2026-05-02T09:00:00Z", ""));
        fixture.send(fixture.incidentResolved("I1", "2026-05-02T10:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-02T09:30:00Z")); // while I1 was open

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-08T00:00:00Z");

        // No deployment before 09:00 to blame: nothing failed, and no attributed incident makes D1 rework.
        assertThat(report.changeFailureRate()).isEqualTo(new DoraKeys.FailureRate(1, 0,
                Map.of("status", 0L, "rollback", 0L, "incident", 0L), 0.0, Bands.Band.ELITE));
        assertThat(report.reworkRate()).isEqualTo(new DoraKeys.Rework(1, 0, 0.0));
        assertThat(report.recoveryTime().samples()).isZero();
    }

    @Test
    void shouldCountARedeployOfAnOlderVersionAsADeploymentThatShipsNothingNew() {
        fixture.send(fixture.commit(sha('1'), "2026-05-02T08:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-02T09:00:00Z", sha('1')));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-02T10:00:00Z")); // c1: 2 h
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-02T12:00:00Z")); // c2: 3 h
        // c1 again, not marked as a rollback: an ordinary deployment, which fails nothing.
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-02T14:00:00Z"));

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-08T00:00:00Z");

        assertThat(report.deploymentFrequency().deployments()).isEqualTo(3);
        assertThat(report.changeFailureRate().failed()).isZero();
        // Two commits, each counted once: 7200 and 10800 s, median 9000 s.
        assertThat(report.leadTime().samples()).isEqualTo(2);
        assertThat(report.leadTime().medianSeconds()).isEqualTo(9000.0);
        // Batches 1, 1, 0: median 1.
        assertThat(report.batchSize()).isEqualTo(new DoraKeys.BatchSize(3, 1.0));
    }

    @Test
    void shouldLeaveAFailureOutWhenTheWindowStartsInsideItsRecovery() {
        // The week starts 05-01 00:00. D1 fails at 04-30 23:00 and D2 recovers it at 05-01 01:00.
        fixture.send(fixture.failed(PROD, sha('1'), "2026-04-30T23:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-01T01:00:00Z"));

        DoraKeys.Report report = fixture.dora(WEEK, "2026-05-08T00:00:00Z");

        // Only D2 is in the window: it did not fail, but it was made to recover.
        assertThat(report.changeFailureRate()).isEqualTo(new DoraKeys.FailureRate(1, 0,
                Map.of("status", 0L, "rollback", 0L, "incident", 0L), 0.0, Bands.Band.ELITE));
        assertThat(report.recoveryTime().samples()).isZero();
        assertThat(report.reworkRate()).isEqualTo(new DoraKeys.Rework(1, 1, 1.0));
    }

    /**
     * Three weeks to 2026-05-22T00:00: [05-01, 05-08), [05-08, 05-15) and [05-15, 05-22).
     * <pre>
     * c1 05-01 08:00; D1 05-01 12:00 c1 success   ships c1 (4 h)                     week 0
     * c2 05-07 23:00; D2 05-08 00:00 c2 failure   exactly at week 1's start: in it     week 1
     *                 D3 05-08 02:00 c2 success   ships c2 (3 h), recovers D2 (2 h)   week 1
     * </pre>
     */
    @Test
    void shouldSplitTheTrendIntoSevenDayWeeksEndingNowWhenWeeksAreAsked() {
        fixture.send(fixture.commit(sha('1'), "2026-05-01T08:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('1'), "2026-05-01T12:00:00Z"));
        fixture.send(fixture.commit(sha('2'), "2026-05-07T23:00:00Z", sha('1')));
        fixture.send(fixture.failed(PROD, sha('2'), "2026-05-08T00:00:00Z"));
        fixture.send(fixture.deployed(PROD, sha('2'), "2026-05-08T02:00:00Z"));

        List<DoraKeys.Report> weeks = fixture.doraWeekly(3, "2026-05-22T00:00:00Z");

        assertThat(weeks).extracting(DoraKeys.Report::from).containsExactly(Instant.parse("2026-05-01T00:00:00Z"),
                Instant.parse("2026-05-08T00:00:00Z"), Instant.parse("2026-05-15T00:00:00Z"));
        assertThat(weeks).extracting(DoraKeys.Report::to).containsExactly(Instant.parse("2026-05-08T00:00:00Z"),
                Instant.parse("2026-05-15T00:00:00Z"), Instant.parse("2026-05-22T00:00:00Z"));
        // Week 0: D1 alone, 14400 s of lead time, nothing failed.
        assertThat(weeks.get(0).deploymentFrequency().deployments()).isEqualTo(1);
        assertThat(weeks.get(0).leadTime().medianSeconds()).isEqualTo(14400.0);
        assertThat(weeks.get(0).changeFailureRate().rate()).isEqualTo(0.0);
        assertThat(weeks.get(0).recoveryTime().medianSeconds()).isNull();
        // Week 1: D2 failed and D3 succeeded, 1 of 2; c2 shipped after 10800 s; D2 recovered after 7200 s.
        assertThat(weeks.get(1).deploymentFrequency().deployments()).isEqualTo(1);
        assertThat(weeks.get(1).leadTime().medianSeconds()).isEqualTo(10800.0);
        assertThat(weeks.get(1).changeFailureRate().deployments()).isEqualTo(2);
        assertThat(weeks.get(1).changeFailureRate().rate()).isEqualTo(0.5);
        assertThat(weeks.get(1).recoveryTime().medianSeconds()).isEqualTo(7200.0);
        // Week 2: nothing.
        assertThat(weeks.get(2).deploymentFrequency().deployments()).isZero();
        assertThat(weeks.get(2).leadTime().samples()).isZero();
        assertThat(weeks.get(2).leadTime().medianSeconds()).isNull();
        assertThat(weeks.get(2).changeFailureRate().deployments()).isZero();
        assertThat(weeks.get(2).changeFailureRate().rate()).isNull();
        assertThat(weeks.get(2).recoveryTime().medianSeconds()).isNull();
    }

    @Test
    void shouldJoinTheWeeksExactlyWhenNowHasMicroseconds() {
        List<DoraKeys.Report> weeks = fixture.doraWeekly(2, "2026-05-22T00:00:00.123456Z");

        // The ledger counts milliseconds: now is 00:00:00.123, and week 1 starts where week 0 ends.
        assertThat(weeks).extracting(DoraKeys.Report::from).containsExactly(
                Instant.parse("2026-05-08T00:00:00.123Z"), Instant.parse("2026-05-15T00:00:00.123Z"));
        assertThat(weeks).extracting(DoraKeys.Report::to).containsExactly(
                Instant.parse("2026-05-15T00:00:00.123Z"), Instant.parse("2026-05-22T00:00:00.123Z"));
    }

    @Test
    void shouldRefuseATrendWhenNoWeekIsAsked() {
        assertThatThrownBy(() -> fixture.doraWeekly(0, "2026-05-22T00:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("weeks must be at least 1, got 0");
    }
}
