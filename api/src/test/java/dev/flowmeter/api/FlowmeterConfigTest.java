package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlowmeterConfigTest {

    @Test
    void shouldUseTheDocumentedDefaultsWhenNothingIsSet() {
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of());

        assertThat(config.kafkaBootstrapServers()).isEmpty();
        assertThat(config.embeddedKafka()).isTrue();
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.httpPort()).isEqualTo(7070);
        assertThat(config.embeddedKafkaPort()).isEqualTo(9092);
        assertThat(config.embeddedControllerPort()).isEqualTo(9093);
        assertThat(config.partitions()).isEqualTo(6);
        assertThat(config.replicationFactor()).isEmpty();
        assertThat(config.dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.walkLimit()).isEqualTo(10_000);
        assertThat(config.maxBodyBytes()).isEqualTo(26_214_400L);
        assertThat(config.maxBatchSize()).isEqualTo(1000);
        assertThat(config.kafkaTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldReadEveryVariableWhenSet() {
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092"),
                Map.entry("FLOWMETER_DATA_DIR", "/var/lib/flowmeter"),
                Map.entry("FLOWMETER_HTTP_PORT", "8080"),
                Map.entry("FLOWMETER_PARTITIONS", "12"),
                Map.entry("FLOWMETER_REPLICATION_FACTOR", "3"),
                Map.entry("FLOWMETER_DEDUP_RETENTION", "36h"),
                Map.entry("FLOWMETER_WALK_LIMIT", "500"),
                Map.entry("FLOWMETER_MAX_BODY_BYTES", "1048576"),
                Map.entry("FLOWMETER_MAX_BATCH_SIZE", " 50 "),
                Map.entry("FLOWMETER_KAFKA_TIMEOUT", "PT30S")));

        assertThat(config.kafkaBootstrapServers()).isEqualTo(Optional.of("kafka-1:9092,kafka-2:9092"));
        assertThat(config.embeddedKafka()).isFalse();
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/flowmeter"));
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.partitions()).isEqualTo(12);
        assertThat(config.replicationFactor()).contains((short) 3);
        assertThat(config.dedupRetention()).isEqualTo(Duration.ofHours(36));
        assertThat(config.walkLimit()).isEqualTo(500);
        assertThat(config.maxBodyBytes()).isEqualTo(1_048_576L);
        assertThat(config.maxBatchSize()).isEqualTo(50);
        assertThat(config.kafkaTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldNameTheVariableWhenANumberIsNotANumber() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_MAX_BODY_BYTES", "25MiB")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_MAX_BODY_BYTES must be a whole number, got '25MiB'");
    }

    @Test
    void shouldNameTheVariableWhenANumberIsOutOfRange() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_MAX_BATCH_SIZE", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_MAX_BATCH_SIZE must be between 1 and 100000, got 0");
    }

    @Test
    void shouldNameTheVariableWhenADurationHasNoUnit() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_DEDUP_RETENTION", "7")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_DEDUP_RETENTION must be a duration such as 7d, 12h, 30m, 10s or P7D, got '7'");
    }
}
