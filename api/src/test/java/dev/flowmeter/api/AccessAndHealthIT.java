package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health checks and the read token, on the real server and broker. */
class AccessAndHealthIT {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String READ_TOKEN = "read-token-for-tests";

    @TempDir
    Path dataDir;

    @Test
    void shouldGuardEveryReadWithTheApiTokenButLeaveTheHealthChecksOpenWhenATokenIsSet() {
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of("FLOWMETER_API_TOKEN", READ_TOKEN))) {
            HttpResponse<String> missing = server.get("/metrics", Map.of());
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(missing.body()).contains("Authorization bearer token is missing; send 'Authorization: Bearer"
                    + " <token>' with the value of FLOWMETER_API_TOKEN");

            HttpResponse<String> wrong = server.get("/metrics", Map.of("Authorization", "Bearer guess"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("Authorization bearer token does not match; check "
                    + "FLOWMETER_API_TOKEN");
            HttpResponse<String> notBearer = server.get("/metrics", Map.of("Authorization", READ_TOKEN));
            assertThat(notBearer.statusCode()).isEqualTo(401);

            HttpResponse<String> right = server.get("/metrics", Map.of("Authorization", "Bearer " + READ_TOKEN));
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).contains("flowmeter_state_ready");
            // Kafka's own client metrics, through Micrometer's binders: the producer's and Kafka Streams'.
            assertThat(right.body()).contains("kafka_producer_record_send_total", "kafka_stream_thread_");
            assertThat(right.body()).contains("flowmeter_requests_unauthenticated_total{source=\"api\"} 0.0");

            assertThat(server.get("/health/live", Map.of()).statusCode()).isEqualTo(200);
            assertThat(server.get("/health/ready", Map.of()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldReportIngestAndQueryReadinessSeparatelyWhenTheServerRuns() {
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of())) {
            assertThat(server.get("/health/live", Map.of()).body()).isEqualTo("ok");
            assertThat(server.get("/health/ready", Map.of()).body()).isEqualTo("ok: Kafka takes writes");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(server.get("/health/query", Map.of()).body()).isEqualTo("streams RUNNING"));
        }
    }

    /** An answer written from a new thread per request cost 1,716 thread starts for about 1,700 requests. */
    @Test
    void shouldNotStartAThreadPerRequestWhenEventsArePosted() {
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of())) {
            assertThat(server.post("/api/v1/events", event(0)).statusCode()).isEqualTo(202);
            double before = threadsStarted(server);
            for (int i = 1; i <= 500; i++) {
                assertThat(server.post("/api/v1/events", event(i)).statusCode()).isEqualTo(202);
            }
            double started = threadsStarted(server) - before;

            // Kafka's and Jetty's own pools may start a few threads meanwhile; 500 requests must not start 500.
            assertThat(started).isLessThan(25);
        }
    }

    private static String event(int n) {
        return "{\"id\":\"t-" + n + "\",\"type\":\"gate.queued\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"threads\",\"gate\":\"qa\",\"item\":\"" + n + "\"}";
    }

    private static double threadsStarted(TestServer server) {
        for (String line : server.get("/metrics", Map.of()).body().split("\n")) {
            if (line.startsWith("jvm_threads_started_threads_total ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no jvm_threads_started_threads_total in the scrape");
    }

    @Test
    void shouldFailLivenessAndCallBackOnceWhenKafkaStreamsStopsForGood() throws Exception {
        AtomicInteger fatal = new AtomicInteger();
        FlowmeterConfig config = FlowmeterConfig.fromEnv(Map.of(
                "FLOWMETER_DATA_DIR", dataDir.toString(),
                "FLOWMETER_HTTP_PORT", "0",
                "FLOWMETER_KAFKA_PORT", "0",
                "FLOWMETER_KAFKA_CONTROLLER_PORT", "0",
                "FLOWMETER_PARTITIONS", "1"));
        HttpClient client = HttpClient.newHttpClient();
        try (FlowmeterServer server = FlowmeterServer.start(config, Clock.fixed(NOW, ZoneOffset.UTC),
                fatal::incrementAndGet)) {
            URI live = URI.create("http://127.0.0.1:" + server.httpPort() + "/health/live");
            await().atMost(Duration.ofSeconds(60)).until(() -> client.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.httpPort() + "/health/query")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            // The topology's input topic vanishing is a failure Kafka Streams cannot recover from by itself.
            String bootstrap = server.embeddedKafka().orElseThrow().bootstrapServers();
            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.deleteTopics(List.of("flowmeter.events.v1")).all().get();
            }

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(live).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(503);
                assertThat(answer.body()).startsWith("Kafka Streams stopped for good: ");
            });
            assertThat(server.alive()).isFalse();
            // The client reaches state ERROR once its threads have shut down; then the callback runs, once.
            await().atMost(Duration.ofSeconds(60)).until(() -> fatal.get() > 0);
            assertThat(fatal.get()).isEqualTo(1);
        }
    }
}
