package dev.flowmeter.streams;

import static dev.flowmeter.streams.metrics.Metric.WORK_IN_PROGRESS;
import static dev.flowmeter.streams.metrics.Metric.WORK_LEAD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.Topics;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.streams.metrics.Aggregate;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.work.WorkItemState;
import dev.flowmeter.streams.work.WorkItems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The work items' stores: restored from their changelogs, a topology goes on where the last one stopped; and their
 * records are purged once older than the retention, an item in progress leaving the flow load with it.
 */
class WorkItemsStateTest {

    private static final String S = TopologyFixture.SERVICE;
    private static final String C1 = TopologyFixture.sha('1');
    private static final String M1 = TopologyFixture.sha('a');
    private static final Instant WALL_CLOCK = TopologyFixture.WALL_CLOCK_START;

    private int ids;

    @Test
    void shouldGoOnWhereItStoppedWhenTheWorkStoresAreRestored() {
        Map<String, Deserializer<?>> values = new LinkedHashMap<>();
        values.put(WorkItems.COMMIT_ITEMS_STORE, new JsonSerde<>(WorkItems.ItemList.class).deserializer());
        values.put(WorkItems.CHANGE_ITEMS_STORE, new JsonSerde<>(WorkItems.ItemList.class).deserializer());
        values.put(WorkItems.COMMIT_CHANGE_STORE, Serdes.String().deserializer());
        values.put(WorkItems.LINKS_EXPIRY_STORE, Serdes.String().deserializer());
        values.put(WorkItems.ITEMS_STORE, new JsonSerde<>(WorkItemState.class).deserializer());
        values.put(WorkItems.ITEMS_EXPIRY_STORE, Serdes.String().deserializer());
        values.put(Aggregates.WORK_STORE, new JsonSerde<>(Aggregate.class).deserializer());
        ChangelogRestore restore = new ChangelogRestore("flowmeter-work-restart", TopologySettings.defaults(), values);
        try (TopologyTestDriver first = restore.start(WALL_CLOCK);
                TopologyTestDriver second = restore.start(WALL_CLOCK)) {
            // Before the restart: PAY-1 created and started, change #7 names it and lists its commit.
            send(first, work(EventType.WORK_CREATED, "PAY-1", "2026-05-04T09:00:00Z"));
            send(first, work(EventType.WORK_STARTED, "PAY-1", "2026-05-04T10:00:00Z"));
            send(first, new ChangeOpened(id(), Instant.parse("2026-05-04T11:00:00Z"), S, "7", C1, List.of(C1), "main",
                    "PAY-1: pay by card", "", "", List.of()));
            assertThat(restore.stores()).containsAll(WorkItems.STORES);
            restore.restoreAll(first, second);

            // After it, nothing of the links is lost: the commit, the merge and the deployment reach the item.
            assertThat(metrics(second).scalar(WORK_IN_PROGRESS, S, "feature")).contains(1.0);
            send(second, new CommitRecorded(id(), Instant.parse("2026-05-04T10:30:00Z"), S, C1, List.of()));
            send(second, new ChangeMerged(id(), Instant.parse("2026-05-04T12:00:00Z"), S, "7", M1, List.of(C1)));
            send(second, work(EventType.WORK_DONE, "PAY-1", "2026-05-04T12:30:00Z"));
            send(second, new DeploymentFinished(id(), Instant.parse("2026-05-04T14:00:00Z"), S, "production", M1,
                    DeploymentStatus.SUCCESS, List.of()));
            // Created 09:00, its last commit in production 14:00: 5 h.
            MetricsSnapshot.Histogram lead = metrics(second).histogram(WORK_LEAD_TIME, S, "feature").orElseThrow();
            assertThat(lead.count()).isEqualTo(1);
            assertThat(lead.sum()).isEqualTo(5 * 3600.0);
            assertThat(metrics(second).scalar(WORK_IN_PROGRESS, S, "feature")).contains(0.0);
        }
    }

    @Test
    void shouldForgetItemsAndLinksOlderThanTheRetention() {
        TopologySettings settings = TopologySettings.defaults().withRetention(Duration.ofDays(30))
                .withPurgeInterval(Duration.ofHours(1));
        try (TopologyFixture fixture = new TopologyFixture(settings)) {
            // Ten days before the wall clock starts: an item in progress, and a commit and a change naming it.
            fixture.send(new WorkItemChanged(fixture.nextId(), EventType.WORK_STARTED,
                    Instant.parse("2026-04-30T09:00:00Z"), S, "PAY-2", WorkKind.DEFECT, "", "", ""));
            fixture.send(new CommitRecorded(fixture.nextId(), Instant.parse("2026-04-30T10:00:00Z"), S, C1, List.of(),
                    "PAY-2: a fix", List.of()));
            fixture.send(new ChangeOpened(fixture.nextId(), Instant.parse("2026-04-30T11:00:00Z"), S, "8", C1,
                    List.of(C1), "main", "", "", "bugfix/PAY-2", List.of()));
            assertThat(fixture.entries(WorkItems.ITEMS_STORE)).isEqualTo(1);
            assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "defect")).contains(1.0);

            // 19 days on they are 29 days old: kept. 2 days later, 31 days: gone, and the load with them.
            fixture.advanceWallClock(Duration.ofDays(19));
            assertThat(fixture.entries(WorkItems.ITEMS_STORE)).isEqualTo(1);
            fixture.advanceWallClock(Duration.ofDays(2));
            for (String store : WorkItems.STORES) {
                assertThat(fixture.entries(store)).as(store).isZero();
            }
            assertThat(fixture.metrics().scalar(WORK_IN_PROGRESS, S, "defect")).contains(0.0);
        }
    }

    private WorkItemChanged work(EventType type, String item, String time) {
        return new WorkItemChanged(id(), type, Instant.parse(time), S, item, WorkKind.FEATURE, "", "", "");
    }

    private String id() {
        return "work-state-" + ++ids;
    }

    private static void send(TopologyTestDriver driver, DeliveryEvent event) {
        driver.createInputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer()).pipeInput(event.service(), event, event.time());
    }

    private static MetricsSnapshot metrics(TopologyTestDriver driver) {
        return new MetricsQuery(driver::getKeyValueStore, Clock.fixed(WALL_CLOCK, ZoneOffset.UTC)).snapshot();
    }
}
