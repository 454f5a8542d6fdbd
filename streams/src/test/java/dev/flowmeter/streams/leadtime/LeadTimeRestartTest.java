package dev.flowmeter.streams.leadtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.ChangelogRestore;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

/**
 * The lead-time state lives in its changelogged stores and nowhere else, so a topology started again goes on where
 * the last one stopped. TopologyTestDriver cannot reopen a state directory (it deletes it on close, and keeps
 * RocksDB's writes in memory until then), so the second topology starts empty and restores every lead-time store
 * from the first one's changelog, as Kafka Streams does on a new machine or after an unclean stop under exactly-once.
 * Reopening a kept directory on a real broker is FlowmeterServerIT's part.
 */
class LeadTimeRestartTest {

    private static final String APPLICATION = "flowmeter-restart-test";
    private static final String S = "shop/checkout";
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);
    private static final String X = "9".repeat(40);
    private static final Instant WALL_CLOCK = Instant.parse("2026-05-10T00:00:00Z");

    /** The serde each lead-time store writes its values with, the way LeadTime builds them. */
    private static final ChangelogRestore RESTORE = new ChangelogRestore(APPLICATION, TopologySettings.defaults(),
            Map.of(
                    LeadTime.NODES_STORE, new JsonSerde<>(CommitNode.class).deserializer(),
                    LeadTime.PARENTS_STORE, Serdes.Integer().deserializer(),
                    LeadTime.SHIPPED_STORE, new JsonSerde<>(ShippedMark.class).deserializer(),
                    LeadTime.AWAITING_STORE, new JsonSerde<>(AwaitedDeployment.class).deserializer(),
                    LeadTime.EXPIRY_STORE, Serdes.String().deserializer()));

    private int ids;

    @Test
    void shouldGoOnWhereItStoppedWhenTheLeadTimeStoresAreRestoredFromTheirChangelogs() {
        Map<String, Map<String, Object>> before = new TreeMap<>();
        try (TopologyTestDriver first = RESTORE.start(WALL_CLOCK);
                TopologyTestDriver second = RESTORE.start(WALL_CLOCK)) {
            send(first, commit(A, "2026-05-01T08:00:00Z"));
            send(first, commit(B, "2026-05-01T09:00:00Z", A));
            send(first, deployed("production", B, "2026-05-01T10:00:00Z"));
            send(first, deployed("staging", X, "2026-05-01T11:00:00Z"));
            LeadTime.STORES.forEach(store -> before.put(store, contents(first, store)));

            assertThat(RESTORE.stores()).containsExactlyInAnyOrderElementsOf(LeadTime.STORES);
            RESTORE.restoreAll(first, second);

            LeadTime.STORES.forEach(store -> assertThat(contents(second, store)).as(store)
                    .isEqualTo(before.get(store)));
            // A and B, B's link to A, their marks and X's, and X's awaited deployment: nothing is lost.
            assertThat(before.get(LeadTime.NODES_STORE)).hasSize(2);
            assertThat(before.get(LeadTime.PARENTS_STORE)).containsOnlyKeys(StoreKey.of(S, B, A));
            assertThat(before.get(LeadTime.SHIPPED_STORE)).hasSize(3);
            assertThat(before.get(LeadTime.AWAITING_STORE)).containsOnlyKeys(StoreKey.of(S, X, "staging"));

            // Production already had B and A, so deploying C (parent B) ships C alone: 12:00 - 11:30 = 1800 s.
            // (The second topology's metrics start at zero: only the lead-time stores were restored.)
            send(second, commit(C, "2026-05-01T11:30:00Z", B));
            send(second, deployed("production", C, "2026-05-01T12:00:00Z"));
            MetricsSnapshot.Histogram production = leadTime(second, "production");
            assertThat(production.count()).isEqualTo(1);
            assertThat(production.sum()).isEqualTo(1800);
            // The deployment to staging was still waiting for X: 11:00 - 10:30 = 1800 s.
            send(second, commit(X, "2026-05-01T10:30:00Z"));
            MetricsSnapshot.Histogram staging = leadTime(second, "staging");
            assertThat(staging.count()).isEqualTo(1);
            assertThat(staging.sum()).isEqualTo(1800);
        }
    }
    private static Map<String, Object> contents(TopologyTestDriver driver, String store) {
        Map<String, Object> records = new TreeMap<>();
        try (KeyValueIterator<String, Object> all = driver.<String, Object>getKeyValueStore(store).all()) {
            all.forEachRemaining(record -> records.put(record.key, record.value));
        }
        return records;
    }

    private static void send(TopologyTestDriver driver, DeliveryEvent event) {
        driver.createInputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer()).pipeInput(event.service(), event, event.time());
    }

    private static MetricsSnapshot.Histogram leadTime(TopologyTestDriver driver, String environment) {
        return new MetricsQuery(driver::getKeyValueStore, Clock.fixed(WALL_CLOCK, ZoneOffset.UTC)).snapshot()
                .histogram(Metric.LEAD_TIME, S, environment).orElseThrow();
    }

    private CommitRecorded commit(String sha, String time, String... parents) {
        return new CommitRecorded("restart-" + ++ids, Instant.parse(time), S, sha, List.of(parents));
    }

    private DeploymentFinished deployed(String environment, String sha, String time) {
        return new DeploymentFinished("restart-" + ++ids, Instant.parse(time), S, environment, sha,
                DeploymentStatus.SUCCESS, List.of());
    }
}
