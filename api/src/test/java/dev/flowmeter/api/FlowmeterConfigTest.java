package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowmeter.streams.gates.GateLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowmeterConfigTest {

    @Test
    void shouldUseTheDocumentedDefaultsWhenNothingIsSet() {
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of());

        assertThat(config.kafkaBootstrapServers()).isEmpty();
        assertThat(config.embeddedKafka()).isTrue();
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.http().port()).isEqualTo(7070);
        assertThat(config.embeddedKafkaPort()).isEqualTo(9092);
        assertThat(config.embeddedControllerPort()).isEqualTo(9093);
        assertThat(config.partitions()).isEqualTo(6);
        assertThat(config.replicationFactor()).isEmpty();
        assertThat(config.topology().dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.topology().walkLimit()).isEqualTo(10_000);
        assertThat(config.topology().gateLimits().isEmpty()).isTrue(); // no limits: nothing stalls until set
        assertThat(config.maxBodyBytes()).isEqualTo(26_214_400L);
        assertThat(config.maxBatchSize()).isEqualTo(1000);
        assertThat(config.kafkaTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.http().minRequestDataRate()).isEqualTo(16_384L);
        assertThat(config.http().tls()).isEmpty();
        assertThat(config.ingestToken()).isEmpty();
        assertThat(config.apiToken()).isEmpty();
        assertThat(config.standbyReplicas()).isZero();
        assertThat(config.kafkaSecurity().clientProperties()).isEmpty();
        assertThat(config.topology().retention()).isEqualTo(Duration.ofDays(400));
        assertThat(config.topology().gateItemRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(config.topology().gateReorderWindow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxFuture()).isEqualTo(Duration.ofDays(1));
        // A quarter of the heap, capped at 256 MiB, and never below one whole body.
        long quarter = Math.min(256L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4);
        assertThat(config.maxBufferedBytes()).isEqualTo(Math.max(26_214_400L, quarter));
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
                Map.entry("FLOWMETER_KAFKA_TIMEOUT", "PT30S"),
                Map.entry("FLOWMETER_INGEST_TOKEN", "s3cret-ingest"),
                Map.entry("FLOWMETER_API_TOKEN", "s3cret-read"),
                Map.entry("FLOWMETER_STANDBY_REPLICAS", "1"),
                Map.entry("FLOWMETER_RETENTION", "30d"),
                Map.entry("FLOWMETER_GATE_ITEM_RETENTION", "14d"),
                Map.entry("FLOWMETER_GATE_REORDER_WINDOW", "500ms"),
                Map.entry("FLOWMETER_GATE_LIMITS", "code-review=24h, qa=48h,change-approval = PT4H, default=72h"),
                Map.entry("FLOWMETER_PURGE_INTERVAL", "1m"),
                Map.entry("FLOWMETER_MAX_FUTURE", "2h"),
                Map.entry("FLOWMETER_MAX_BUFFERED_BYTES", "4194304"),
                Map.entry("FLOWMETER_HTTP_IDLE_TIMEOUT", "5s"),
                Map.entry("FLOWMETER_HTTP_MIN_DATA_RATE", "0")));

        assertThat(config.kafkaBootstrapServers()).isEqualTo(Optional.of("kafka-1:9092,kafka-2:9092"));
        assertThat(config.embeddedKafka()).isFalse();
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/flowmeter"));
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.partitions()).isEqualTo(12);
        assertThat(config.replicationFactor()).contains((short) 3);
        assertThat(config.topology().dedupRetention()).isEqualTo(Duration.ofHours(36));
        assertThat(config.topology().walkLimit()).isEqualTo(500);
        assertThat(config.maxBodyBytes()).isEqualTo(1_048_576L);
        assertThat(config.maxBatchSize()).isEqualTo(50);
        assertThat(config.kafkaTimeout()).isEqualTo(Duration.ofSeconds(30));
        // With an ingest token the default is to listen on every interface.
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.ingestToken().orElseThrow().matches("s3cret-ingest")).isTrue();
        assertThat(config.apiToken().orElseThrow().matches("s3cret-read")).isTrue();
        assertThat(config.standbyReplicas()).isEqualTo(1);
        assertThat(config.topology().retention()).isEqualTo(Duration.ofDays(30));
        assertThat(config.topology().gateItemRetention()).isEqualTo(Duration.ofDays(14));
        assertThat(config.topology().gateReorderWindow()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.topology().gateLimits().asMap()).containsExactly(
                Map.entry("change-approval", Duration.ofHours(4)), Map.entry("code-review", Duration.ofHours(24)),
                Map.entry("default", Duration.ofHours(72)), Map.entry("qa", Duration.ofHours(48)));
        assertThat(config.topology().gateLimits().limitFor("security")).contains(Duration.ofHours(72));
        assertThat(config.topology().purgeInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxFuture()).isEqualTo(Duration.ofHours(2));
        assertThat(config.maxBufferedBytes()).isEqualTo(4_194_304L);
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.http().minRequestDataRate()).isZero();
        assertThat(config.describe().toString()).doesNotContain("s3cret");
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWhenNoIngestTokenIsSet() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_HTTP_HOST", "0.0.0.0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_HTTP_HOST=0.0.0.0 would let anyone who reaches this port write events, because"
                        + " no FLOWMETER_INGEST_TOKEN is set: set FLOWMETER_INGEST_TOKEN (or"
                        + " FLOWMETER_INGEST_TOKEN_FILE), or FLOWMETER_ALLOW_UNAUTHENTICATED=true to accept that");
    }

    @Test
    void shouldListenAnywhereWithoutATokenWhenUnauthenticatedWritesAreAllowed() {
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of("FLOWMETER_HTTP_HOST", "0.0.0.0",
                "FLOWMETER_ALLOW_UNAUTHENTICATED", "true"));

        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.ingestToken()).isEmpty();
    }

    @Test
    void shouldReadTokensFromFilesWhenTheFileVariantsAreSet(@TempDir Path dir) throws IOException {
        Path ingest = Files.writeString(dir.resolve("ingest"), "from-a-file\n");
        Path read = Files.writeString(dir.resolve("read"), "  read-token  ");

        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of("FLOWMETER_INGEST_TOKEN_FILE", ingest.toString(),
                "FLOWMETER_API_TOKEN_FILE", read.toString()));

        assertThat(config.ingestToken().orElseThrow().matches("from-a-file")).isTrue();
        assertThat(config.apiToken().orElseThrow().matches("read-token")).isTrue();
    }

    @Test
    void shouldPassKafkaSecuritySettingsThroughAndMaskTheSecretsWhenDescribed(@TempDir Path dir) throws IOException {
        Path jaas = Files.writeString(dir.resolve("jaas"), "org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"flowmeter\" password=\"pw-123\";");
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString(),
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-pw",
                "KAFKA_HOME", "/opt/kafka"));

        assertThat(config.kafkaSecurity().clientProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"flowmeter\" password=\"pw-123\";"),
                Map.entry("ssl.truststore.location", "/etc/kafka/truststore.p12"),
                Map.entry("ssl.truststore.password", "trust-pw"));
        assertThat(config.describe().toString()).doesNotContain("pw-123").doesNotContain("trust-pw")
                .contains("security.protocol=SASL_SSL");
    }

    @Test
    void shouldNameThePasswordVariableWhenAKeystoreHasNone() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_TLS_KEYSTORE", "/etc/flowmeter/tls.p12")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_TLS_KEYSTORE is set, so FLOWMETER_TLS_KEYSTORE_PASSWORD (or _FILE) must be "
                        + "too");
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
                .hasMessage("FLOWMETER_DEDUP_RETENTION must be a duration such as 7d, 12h, 30m, 10s, 12w or P7D,"
                        + " got '7'");
    }

    @Test
    void shouldNameTheVariableAndTheGateWhenAGateLimitIsNotADuration() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GATE_LIMITS", "code-review=24h, qa=2 days")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_GATE_LIMITS (qa) must be a duration such as 7d, 12h, 30m, 10s, 12w or P7D,"
                        + " got '2 days'");
    }

    @Test
    void shouldNameTheVariableWhenAGateLimitIsMalformed() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GATE_LIMITS", "code-review 24h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_GATE_LIMITS must be a comma-separated list of name=duration such as"
                        + " code-review=24h, default=72h; got 'code-review 24h'");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GATE_LIMITS", "qa=1h, qa=2h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_GATE_LIMITS sets qa twice");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GATE_LIMITS", "qa=0s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_GATE_LIMITS (qa) must be positive, got '0s'");
    }

    @Test
    void shouldReadLimitsPerEnvironmentAndFallBackToTheGateThenTheDefault() {
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GATE_LIMITS",
                "change-approval=4h, change-approval:production=2h, default=72h"));
        GateLimits limits = config.topology().gateLimits();
        assertThat(limits.limitFor("change-approval:production")).contains(Duration.ofHours(2));
        assertThat(limits.limitFor("change-approval:staging")).contains(Duration.ofHours(4));
        assertThat(limits.limitFor("change-approval")).contains(Duration.ofHours(4));
        assertThat(limits.limitFor("approval:production")).contains(Duration.ofHours(72));
    }

    @Test
    void shouldNameTheVariableWhenAGateLimitNameIsNotAGate() {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GATE_LIMITS", "qa:eu:prod=2h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_GATE_LIMITS: 'qa:eu:prod' is not a gate name: 1-100 letters, digits, '.', '_'"
                        + " or '-', optionally followed by ':' and an environment, as in change-approval:production");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GATE_LIMITS", "default:production=2h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_GATE_LIMITS: 'default:production' is not a gate: the default has no"
                        + " environment; name the gate, as in change-approval:production");
    }

    @Test
    void shouldReadProductionEnvironmentsTeamsAndBandsWhenTheyAreSet(@TempDir Path dir) throws IOException {
        Path teams = Files.writeString(dir.resolve("teams"), """
                # who owns what
                shop/checkout = checkout
                shop/* = payments
                """);
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of(
                "FLOWMETER_PRODUCTION_ENVIRONMENTS", "prod-.*",
                "FLOWMETER_TEAMS", teams.toString(),
                "FLOWMETER_BANDS_LEAD_TIME", "12h, 3d, 2w",
                "FLOWMETER_BANDS_CHANGE_FAILURE_RATE", "2%,4.5%,20%"));

        assertThat(config.dora().environments(null).test("PROD-eu")).isTrue();
        assertThat(config.dora().environments(null).test("production")).isFalse();
        assertThat(config.teams().teamOf("shop/checkout")).contains("checkout");
        assertThat(config.teams().teamOf("shop/cart")).contains("payments");
        assertThat(config.teams().teamOf("shop/cart/api")).isEmpty();
        assertThat(config.dora().bands().leadTime()).containsExactly(Duration.ofHours(12), Duration.ofDays(3),
                Duration.ofDays(14));
        assertThat(config.dora().bands().changeFailureRate()).containsExactly(0.02, 0.045, 0.2);
        assertThat(config.dora().bands().recoveryTime()).containsExactly(Duration.ofHours(1), Duration.ofDays(1),
                Duration.ofDays(7));
    }

    @Test
    void shouldNameTheVariableWhenADoraSettingIsWrong(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_PRODUCTION_ENVIRONMENTS", "prod(")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FLOWMETER_PRODUCTION_ENVIRONMENTS must be a regular expression, got 'prod('");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_BANDS_RECOVERY_TIME", "1d,1h,7d")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_BANDS_RECOVERY_TIME must be ascending (elite, high, medium), got '1d,1h,7d'");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_BANDS_CHANGE_FAILURE_RATE", "5,10,15")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_BANDS_CHANGE_FAILURE_RATE must be three ascending percentages from 0% to 100%,"
                        + " elite, high and medium, such as 5%,10%,15%; got '5,10,15'");
        Path teams = Files.writeString(dir.resolve("teams"), "shop/checkout = checkout\nshop/checkout = cart\n");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_TEAMS", teams.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_TEAMS (" + teams + "), line 2: shop/checkout already belongs to team checkout;"
                        + " a service has one team");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_TEAMS", dir.resolve("none").toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FLOWMETER_TEAMS names " + dir.resolve("none") + ", which cannot be read");
    }

    @Test
    void shouldAdvertiseTheListeningAddressUnlessAUrlIsGiven() {
        assertThat(FlowmeterConfig.fromEnv(Map.of("FLOWMETER_HTTP_PORT", "7070")).advertisedUrl())
                .contains(URI.create("http://127.0.0.1:7070"));
        assertThat(FlowmeterConfig.fromEnv(Map.of("FLOWMETER_HTTP_PORT", "0")).advertisedUrl()).isEmpty();
        assertThat(FlowmeterConfig.fromEnv(Map.of("FLOWMETER_ADVERTISED_URL", "http://flowmeter-2:7070/"))
                .advertisedUrl()).contains(URI.create("http://flowmeter-2:7070"));
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_ADVERTISED_URL", "flowmeter-2:7070")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_ADVERTISED_URL must be http://host:port or https://host:port (how the other"
                        + " Flowmeter processes reach this one), got 'flowmeter-2:7070'");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_ADVERTISED_URL",
                "http://flowmeter-2:7070/flowmeter"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FLOWMETER_ADVERTISED_URL must be http://host:port");
    }

    @Test
    void shouldTakeAGrafanaAddressForTheOverviewPageLinks() {
        assertThat(FlowmeterConfig.fromEnv(Map.of()).grafanaUrl()).isEmpty();
        assertThat(FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GRAFANA_URL", "http://grafana.example.com:3000/"))
                .grafanaUrl()).contains(URI.create("http://grafana.example.com:3000"));
        assertThat(FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GRAFANA_URL", "https://tools.example.com/grafana"))
                .grafanaUrl()).contains(URI.create("https://tools.example.com/grafana"));
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GRAFANA_URL", "javascript:alert(1)")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_GRAFANA_URL must be an http:// or https:// address of Grafana, such as"
                        + " http://grafana.example.com:3000, with no query or fragment; got 'javascript:alert(1)'");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_GRAFANA_URL",
                "http://grafana:3000/?orgId=1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FLOWMETER_GRAFANA_URL must be an http:// or https:// address");
    }

    @Test
    void shouldFindWorkItemKeysWithThePatternGiven() {
        assertThat(FlowmeterConfig.fromEnv(Map.of()).workItemKeys().find("PAY-12 and #3")).containsExactly("PAY-12",
                "#3");
        assertThat(FlowmeterConfig.fromEnv(Map.of("FLOWMETER_WORK_ITEM_PATTERN", "ENG-\\d+")).workItemKeys()
                .find("ENG-7 and PAY-12")).containsExactly("ENG-7");
        assertThatThrownBy(() -> FlowmeterConfig.fromEnv(Map.of("FLOWMETER_WORK_ITEM_PATTERN", "[A-Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FLOWMETER_WORK_ITEM_PATTERN must be a regular expression for the tracker's"
                        + " item keys, such as [A-Z][A-Z0-9]+-\\d+; '[A-Z' is not a regular expression: ");
    }
}
