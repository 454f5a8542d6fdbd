package dev.flowmeter.streams.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStall;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.ChangelogRestore;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The stall mark is committed state: a topology restored from the gates stores' changelogs (as Kafka Streams does
 * after a restart on a new machine) does not write the item's {@code gate.stalled} again, and still writes its
 * {@code gate.unstalled}. TopologyTestDriver cannot reopen a state directory, hence the replay, as in
 * LeadTimeRestartTest.
 */
class GateStallRestartTest {

    private static final String APPLICATION = "flowmeter-stall-restart-test";
    private static final String S = "shop/checkout";
    private static final Instant WALL_CLOCK = Instant.parse("2026-05-10T00:00:00Z");
    private static final TopologySettings SETTINGS = TopologySettings.defaults()
            .withGateLimits(GateLimits.of(Map.of("code-review", Duration.ofHours(6))));
    private static final ChangelogRestore RESTORE = new ChangelogRestore(APPLICATION, SETTINGS, Map.of(
            Gates.ITEMS_STORE, new JsonSerde<>(GateItem.class).deserializer(),
            Gates.WAITING_STORE, Serdes.Long().deserializer(),
            Gates.EXPIRY_STORE, Serdes.String().deserializer()));

    @Test
    void shouldNotWriteTheStalledRecordAgainWhenTheTopologyIsRestoredAfterWritingIt() {
        Instant queued = Instant.parse("2026-05-09T20:00:00Z");
        Instant restartedAt = Instant.parse("2026-05-10T02:00:05Z");
        try (TopologyTestDriver first = RESTORE.start(WALL_CLOCK);
                TopologyTestDriver second = RESTORE.start(restartedAt)) {
            send(first, new GateQueued("q-1", queued, S, "code-review", "PR-1"));
            first.advanceWallClockTime(Duration.ofSeconds(5)); // settled at 00:00:05
            first.advanceWallClockTime(Duration.ofHours(2)); // 02:00:05: 6 h 0 m 5 s > 6 h
            assertThat(stalls(first)).containsExactly(
                    GateStall.stalled(S, "code-review", "PR-1", queued, 21600, restartedAt));

            RESTORE.restoreAll(first, second);
            GateItem item = second.<String, GateItem>getKeyValueStore(Gates.ITEMS_STORE)
                    .get(StoreKey.of(S, "code-review", "PR-1"));
            assertThat(item.stalledSince()).isEqualTo(queued.toEpochMilli());

            second.advanceWallClockTime(Duration.ofHours(1));
            second.advanceWallClockTime(Duration.ofHours(1));
            assertThat(stalls(second)).isEmpty();

            send(second, new GateStarted("s-1", Instant.parse("2026-05-10T04:00:00Z"), S, "code-review", "PR-1"));
            second.advanceWallClockTime(Duration.ofSeconds(5)); // 04:00:10
            assertThat(stalls(second)).containsExactly(GateStall.unstalled(S, "code-review", "PR-1", queued, 21600,
                    Instant.parse("2026-05-10T04:00:10Z"), "started"));
        }
    }
    private static List<GateStall> stalls(TopologyTestDriver driver) {
        return driver.createOutputTopic(Topics.GATES_STALLED.name(), Topics.GATES_STALLED.keySerde().deserializer(),
                Topics.GATES_STALLED.valueSerde().deserializer()).readValuesToList();
    }

    private static void send(TopologyTestDriver driver, DeliveryEvent event) {
        driver.createInputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer()).pipeInput(event.service(), event, event.time());
    }
}
