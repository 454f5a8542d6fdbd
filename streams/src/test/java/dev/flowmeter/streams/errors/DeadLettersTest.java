package dev.flowmeter.streams.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.ValueStreamTopology;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersTest {

    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");
    private static final String SERVICE = "shop/checkout";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "flowmeter-dead-letters-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnreadableRecords.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipFailedRecords.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipOversizedWrites.class.getName());
        driver = new TopologyTestDriver(ValueStreamTopology.build(TopologySettings.defaults()), props, T);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldDeadLetterAnUnreadableRecordAndCountTheNextEventWhenTheTopicHoldsGarbage() {
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(Topics.EVENTS.name(), new StringSerializer(),
                new ByteArraySerializer());
        TestOutputTopic<String, Rejection> deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER.name(),
                Topics.DEAD_LETTER.keySerde().deserializer(), Topics.DEAD_LETTER.valueSerde().deserializer());

        raw.pipeInput(SERVICE, "not a delivery event".getBytes(StandardCharsets.UTF_8), T);
        driver.createInputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer()).pipeInput(SERVICE,
                new CommitRecorded("c-1", T, SERVICE, "a".repeat(40), List.of()), T);

        List<Rejection> written = deadLetters.readValuesToList();
        assertThat(written).hasSize(1);
        Rejection rejection = written.get(0);
        assertThat(rejection.source()).isEqualTo(DeadLetters.SOURCE);
        assertThat(rejection.reason()).isEqualTo(DeadLetters.UNREADABLE_RECORD);
        assertThat(rejection.body()).isEqualTo("not a delivery event");
        assertThat(rejection.errors().get(0).problem()).startsWith("topic flowmeter.events.v1, partition 0, offset 0");

        // The topology read past it: the valid commit after it is counted.
        MetricsSnapshot metrics = new MetricsQuery(driver::getKeyValueStore, Clock.fixed(T, ZoneOffset.UTC))
                .snapshot();
        assertThat(metrics.scalar(Metric.EVENTS, "commit")).contains(1.0);
    }

    @Test
    void shouldCountTheTopologysOwnDeadLettersAsProcessingErrorsNotAsRejectedRequests() {
        TestInputTopic<String, Rejection> deadLetters = driver.createInputTopic(Topics.DEAD_LETTER.name(),
                Topics.DEAD_LETTER.keySerde().serializer(), Topics.DEAD_LETTER.valueSerde().serializer());

        deadLetters.pipeInput(DeadLetters.SOURCE,
                new Rejection(T, DeadLetters.SOURCE, DeadLetters.UNREADABLE_RECORD, List.of(), ""), T);
        deadLetters.pipeInput(DeadLetters.SOURCE,
                new Rejection(T, DeadLetters.SOURCE, DeadLetters.UNREADABLE_RECORD, List.of(), ""), T);
        deadLetters.pipeInput("api", new Rejection(T, "api", "invalid_event", List.of(), ""), T);

        MetricsSnapshot metrics = new MetricsQuery(driver::getKeyValueStore, Clock.fixed(T, ZoneOffset.UTC))
                .snapshot();
        assertThat(metrics.scalar(Metric.PROCESSING_ERRORS, DeadLetters.UNREADABLE_RECORD)).contains(2.0);
        assertThat(metrics.scalar(Metric.EVENTS_REJECTED, DeadLetters.UNREADABLE_RECORD)).isEmpty();
        assertThat(metrics.scalar(Metric.EVENTS_REJECTED, "invalid_event")).contains(1.0);
    }
}
