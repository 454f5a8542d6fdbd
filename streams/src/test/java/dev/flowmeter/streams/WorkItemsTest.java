package dev.flowmeter.streams;

import static dev.flowmeter.streams.metrics.Metric.WORK_DONE;
import static dev.flowmeter.streams.metrics.Metric.WORK_FLOW_TIME;
import static dev.flowmeter.streams.metrics.Metric.WORK_IN_PROGRESS;
import static dev.flowmeter.streams.metrics.Metric.WORK_LEAD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import dev.flowmeter.streams.valuestream.Journey;
import dev.flowmeter.streams.work.ItemEfficiency;
import dev.flowmeter.streams.work.ItemJourneys;
import dev.flowmeter.streams.work.WorkItems;
import dev.flowmeter.streams.work.WorkQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Work items through the whole topology, every expected value worked out by hand (the first test is the worked
 * example of docs/metrics.md). Monday is 2026-05-04; times are UTC.
 */
class WorkItemsTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final String PROD = "production";
    private static final String C1 = TopologyFixture.sha('1');
    private static final String C2 = TopologyFixture.sha('2');
    private static final String C3 = TopologyFixture.sha('3');
    private static final String M1 = TopologyFixture.sha('a');
    private static final String M2 = TopologyFixture.sha('b');

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private WorkItemChanged work(EventType type, String item, WorkKind kind, String time) {
        return new WorkItemChanged(fixture.nextId(), type, Instant.parse(time), S, item, kind, "", "", "");
    }

    private ChangeOpened opened(String change, String time, String title, String branch, String head,
            String... commits) {
        return new ChangeOpened(fixture.nextId(), Instant.parse(time), S, change, head, List.of(commits), "main",
                title, "", branch, List.of());
    }

    private CommitRecorded commit(String sha, String time, String subject, String... parents) {
        return new CommitRecorded(fixture.nextId(), Instant.parse(time), S, sha, List.of(parents), subject, List.of());
    }

    private Optional<MetricsSnapshot.Histogram> histogram(dev.flowmeter.streams.metrics.Metric metric, String kind) {
        return fixture.metrics().histogram(metric, S, kind);
    }

    @Test
    void shouldMeasureAnItemWhoseTwoChangesReachProductionOnDifferentDays() {
        fixture.send(work(EventType.WORK_CREATED, "PAY-12", WorkKind.FEATURE, "2026-05-04T09:00:00Z"));
        fixture.send(work(EventType.WORK_STARTED, "PAY-12", WorkKind.FEATURE, "2026-05-04T10:00:00Z"));
        // Change #7 names the item in its title; it lands Tuesday 12:00 and reaches production at 15:00.
        fixture.send(fixture.commit(C1, "2026-05-04T11:00:00Z"));
        fixture.send(fixture.commit(C2, "2026-05-05T09:00:00Z", C1));
        fixture.send(opened("7", "2026-05-05T09:30:00Z", "PAY-12: refunds", "", C2, C1, C2));
        fixture.send(fixture.changeReviewed("7", "2026-05-05T10:00:00Z"));
        fixture.send(fixture.started("qa", "7", "2026-05-05T11:00:00Z"));
        fixture.send(fixture.finished("qa", "7", "2026-05-05T13:00:00Z", GateOutcome.PASSED));
        fixture.send(fixture.changeMerged("7", "2026-05-05T12:00:00Z", M1, C1, C2));
        fixture.send(fixture.deployed(PROD, M1, "2026-05-05T15:00:00Z"));
        assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "feature")).contains(1.0);
        assertThat(histogram(WORK_LEAD_TIME, "feature")).isEmpty();
        // Change #8 names it in its branch only; it lands Wednesday 11:00, the item is done at 12:00.
        fixture.send(fixture.commit(C3, "2026-05-06T10:00:00Z", M1));
        fixture.send(opened("8", "2026-05-06T10:30:00Z", "Rounding", "feature/PAY-12-rounding", C3, C3));
        fixture.send(fixture.changeMerged("8", "2026-05-06T11:00:00Z", M2, C3));
        fixture.send(work(EventType.WORK_DONE, "PAY-12", WorkKind.FEATURE, "2026-05-06T12:00:00Z"));

        // Flow time: Monday 10:00 to Wednesday 12:00 = 50 h. No lead time while change #8 is not in production.
        MetricsSnapshot.Histogram flow = histogram(WORK_FLOW_TIME, "feature").orElseThrow();
        assertThat(flow.count()).isEqualTo(1);
        assertThat(flow.sum()).isEqualTo(50 * 3600.0);
        assertThat(fixture.metrics().scalar(WORK_DONE, S, "feature")).contains(1.0);
        assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "feature")).contains(0.0);
        assertThat(histogram(WORK_LEAD_TIME, "feature")).isEmpty();

        // Thursday 10:00 ships change #8: lead time Monday 09:00 to Thursday 10:00 = 73 h.
        fixture.send(fixture.deployed(PROD, M2, "2026-05-07T10:00:00Z"));
        MetricsSnapshot.Histogram lead = histogram(WORK_LEAD_TIME, "feature").orElseThrow();
        assertThat(lead.count()).isEqualTo(1);
        assertThat(lead.sum()).isEqualTo(73 * 3600.0);
        // A later deployment of the same commits changes nothing.
        fixture.send(fixture.deployed(PROD, M2, "2026-05-08T10:00:00Z"));
        assertThat(histogram(WORK_LEAD_TIME, "feature").orElseThrow().count()).isEqualTo(1);

        // Its code side: both changes, every commit of them, and where they were deployed first. Gate events wait
        // out their reorder window before they count.
        fixture.passReorderWindow();
        WorkQuery.Links links = new WorkQuery(fixture.driver()::getKeyValueStore).linksOf(S, "PAY-12");
        assertThat(links.changes()).containsExactlyInAnyOrder("7", "8");
        assertThat(links.shas()).containsExactlyInAnyOrder(C1, C2, C3, M1, M2);
        ItemJourneys.Answer code = ItemJourneys.of(links, fixture.facts(), fixture.journeys());
        assertThat(code.changes()).extracting(Journey::change).containsExactly("7", "8");
        assertThat(code.arrivals()).extracting(a -> a.sha() + "@" + a.at()).containsExactlyInAnyOrder(
                C1 + "@" + at("2026-05-05T15:00:00Z"), C2 + "@" + at("2026-05-05T15:00:00Z"),
                M1 + "@" + at("2026-05-05T15:00:00Z"), C3 + "@" + at("2026-05-07T10:00:00Z"),
                M2 + "@" + at("2026-05-07T10:00:00Z"));
        // Flow efficiency: #7 coding Monday 11:00 to Tuesday 09:30 (22.5 h), review 10:00 to 12:00 (2 h), QA 11:00
        // to 13:00 (1 h more, past the review); #8 coding 10:00 to 10:30 (0.5 h). 26 h of the 50 h flow time.
        List<ItemEfficiency.Interval> active = code.changes().stream()
                .flatMap(journey -> ItemEfficiency.activeOf(journey).stream()).toList();
        assertThat(ItemEfficiency.of(active, at("2026-05-04T10:00:00Z"), at("2026-05-06T12:00:00Z")))
                .isEqualTo(0.52);
    }

    private static long at(String time) {
        return Instant.parse(time).toEpochMilli();
    }

    @Test
    void shouldMeasureAReopenedItemAgainFromItsFirstStart() {
        fixture.send(work(EventType.WORK_CREATED, "DEF-3", WorkKind.DEFECT, "2026-05-04T09:00:00Z"));
        fixture.send(work(EventType.WORK_STARTED, "DEF-3", WorkKind.DEFECT, "2026-05-04T10:00:00Z"));
        fixture.send(work(EventType.WORK_DONE, "DEF-3", WorkKind.DEFECT, "2026-05-04T12:00:00Z"));
        fixture.send(work(EventType.WORK_REOPENED, "DEF-3", WorkKind.DEFECT, "2026-05-05T09:00:00Z"));
        assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "defect")).contains(1.0);
        fixture.send(work(EventType.WORK_DONE, "DEF-3", WorkKind.DEFECT, "2026-05-05T11:00:00Z"));

        // Done twice: 2 h (Monday 10:00 to 12:00), then 25 h (Monday 10:00 to Tuesday 11:00).
        MetricsSnapshot.Histogram flow = histogram(WORK_FLOW_TIME, "defect").orElseThrow();
        assertThat(flow.count()).isEqualTo(2);
        assertThat(flow.sum()).isEqualTo((2 + 25) * 3600.0);
        assertThat(fixture.metrics().scalar(WORK_DONE, S, "defect")).contains(2.0);
        assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "defect")).contains(0.0);
    }

    @Test
    void shouldLinkAnItemNamedOnlyByItsBranch() {
        fixture.send(work(EventType.WORK_CREATED, "OPS-5", WorkKind.DEBT, "2026-05-04T09:00:00Z"));
        fixture.send(work(EventType.WORK_STARTED, "OPS-5", WorkKind.DEBT, "2026-05-04T13:00:00Z"));
        fixture.send(fixture.commit(C1, "2026-05-04T14:00:00Z"));
        fixture.send(opened("9", "2026-05-04T14:30:00Z", "Raise the timeout", "bugfix/OPS-5-timeout", C1, C1));
        fixture.send(fixture.changeMerged("9", "2026-05-04T16:00:00Z", M1, C1));
        fixture.send(work(EventType.WORK_DONE, "OPS-5", WorkKind.DEBT, "2026-05-04T16:30:00Z"));
        fixture.send(fixture.deployed(PROD, M1, "2026-05-05T08:00:00Z"));

        // Flow time 13:00 to 16:30 = 3.5 h; lead time Monday 09:00 to Tuesday 08:00 = 23 h.
        assertThat(histogram(WORK_FLOW_TIME, "debt").orElseThrow().sum()).isEqualTo(3.5 * 3600);
        MetricsSnapshot.Histogram lead = histogram(WORK_LEAD_TIME, "debt").orElseThrow();
        assertThat(lead.count()).isEqualTo(1);
        assertThat(lead.sum()).isEqualTo(23 * 3600.0);
    }

    @Test
    void shouldCountNothingButTheLoadForACancelledItem() {
        fixture.send(work(EventType.WORK_CREATED, "RISK-1", WorkKind.RISK, "2026-05-04T09:00:00Z"));
        fixture.send(work(EventType.WORK_STARTED, "RISK-1", WorkKind.RISK, "2026-05-04T10:00:00Z"));
        fixture.send(commit(C1, "2026-05-04T11:00:00Z", "RISK-1: pin the TLS version"));
        assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "risk")).contains(1.0);
        fixture.send(work(EventType.WORK_CANCELLED, "RISK-1", WorkKind.RISK, "2026-05-04T12:00:00Z"));
        fixture.send(fixture.deployed(PROD, C1, "2026-05-04T15:00:00Z"));

        assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "risk")).contains(0.0);
        assertThat(histogram(WORK_FLOW_TIME, "risk")).isEmpty();
        assertThat(histogram(WORK_LEAD_TIME, "risk")).isEmpty();
        assertThat(fixture.metrics().scalar(WORK_DONE, S, "risk")).isEmpty();
    }

    @Test
    void shouldGiveACommitNamingTwoItemsToBoth() {
        fixture.send(work(EventType.WORK_CREATED, "PAY-20", WorkKind.FEATURE, "2026-05-04T09:00:00Z"));
        fixture.send(work(EventType.WORK_CREATED, "PAY-21", WorkKind.FEATURE, "2026-05-04T11:00:00Z"));
        fixture.send(commit(C1, "2026-05-04T12:00:00Z", "PAY-20 PAY-21: one fix for both"));
        fixture.send(work(EventType.WORK_DONE, "PAY-20", WorkKind.FEATURE, "2026-05-04T13:00:00Z"));
        fixture.send(work(EventType.WORK_DONE, "PAY-21", WorkKind.FEATURE, "2026-05-04T13:00:00Z"));
        fixture.send(fixture.deployed(PROD, C1, "2026-05-04T17:00:00Z"));

        // Lead times 09:00 and 11:00 to 17:00: 8 h and 6 h. Never started: flow time from creation, 4 h and 2 h.
        MetricsSnapshot.Histogram lead = histogram(WORK_LEAD_TIME, "feature").orElseThrow();
        assertThat(lead.count()).isEqualTo(2);
        assertThat(lead.sum()).isEqualTo((8 + 6) * 3600.0);
        assertThat(histogram(WORK_FLOW_TIME, "feature").orElseThrow().sum()).isEqualTo((4 + 2) * 3600.0);
    }

    @Test
    void shouldLinkAnIssueNumberOnlyWithinItsOwnService() {
        // #42 of shop/checkout is named by a commit of shop/checkout (linked) and by one of shop/cart (not).
        fixture.send(work(EventType.WORK_CREATED, "#42", WorkKind.DEFECT, "2026-05-04T09:00:00Z"));
        fixture.send(commit(C1, "2026-05-04T10:00:00Z", "Fix the crash on checkout (#42)"));
        fixture.send(new CommitRecorded(fixture.nextId(), Instant.parse("2026-05-04T10:30:00Z"), "shop/cart", C2,
                List.of(), "Fix the crash in the cart (#42)", List.of()));
        fixture.send(work(EventType.WORK_DONE, "#42", WorkKind.DEFECT, "2026-05-04T11:00:00Z"));
        fixture.send(fixture.deployed(PROD, C1, "2026-05-04T12:00:00Z"));

        // Only shop/checkout's commit counts, and it is in production at 12:00: 3 h after the creation.
        MetricsSnapshot.Histogram lead = histogram(WORK_LEAD_TIME, "defect").orElseThrow();
        assertThat(lead.count()).isEqualTo(1);
        assertThat(lead.sum()).isEqualTo(3 * 3600.0);
        assertThat(fixture.entries(WorkItems.ITEMS_STORE)).isEqualTo(2); // shop/checkout#42 and shop/cart#42
    }
}
