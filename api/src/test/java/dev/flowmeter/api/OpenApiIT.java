package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the real server, answering with each documented kind of response, validated against the served
 * openapi.json; and every route the server registers is in that document.
 */
class OpenApiIT {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String EVENTS = "/api/v1/events";
    private static final String GATES = "/api/v1/gates";
    private static final String READ_TOKEN = "read-secret";
    private static final String INGEST_TOKEN = "ingest-secret";
    private static final Map<String, String> READ = Map.of("Authorization", "Bearer " + READ_TOKEN);
    private static final Map<String, String> INGEST = Map.of("Authorization", "Bearer " + INGEST_TOKEN);
    private static final Set<String> ROUTE_METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");

    @TempDir
    static Path dataDir;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir, NOW, Map.of("FLOWMETER_GATE_LIMITS", "qa=1h",
                "FLOWMETER_API_TOKEN", READ_TOKEN, "FLOWMETER_INGEST_TOKEN", INGEST_TOKEN));
        HttpResponse<String> accepted = post(EVENTS, """
                [
                  {"id":"g1","type":"gate.queued","time":"2026-05-01T10:30:00Z","service":"shop/checkout",
                   "gate":"qa","item":"PR-2"},
                  {"id":"g2","type":"gate.queued","time":"2026-05-01T11:00:00Z","service":"shop/cart",
                   "gate":"code-review","item":17}
                ]""", INGEST);
        assertThat(accepted.statusCode()).isEqualTo(202);
        contract("POST", EVENTS, accepted);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(server.get(GATES, READ).body()).contains("\"PR-2\"", "\"17\""));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldMatchTheDocumentWhenGatesAreListed() {
        HttpResponse<String> waiting = server.get(GATES + "?status=waiting", READ);
        assertThat(waiting.statusCode()).isEqualTo(200);
        assertThat(waiting.body()).isEqualTo("{\"status\":\"waiting\",\"items\":["
                + "{\"service\":\"shop/checkout\",\"gate\":\"qa\",\"item\":\"PR-2\","
                + "\"since\":\"2026-05-01T10:30:00Z\",\"ageSeconds\":5400,\"limitSeconds\":3600,\"stalled\":true},"
                + "{\"service\":\"shop/cart\",\"gate\":\"code-review\",\"item\":\"17\","
                + "\"since\":\"2026-05-01T11:00:00Z\",\"ageSeconds\":3600,\"limitSeconds\":null,"
                + "\"stalled\":false}],\"truncated\":false}");
        contract("GET", GATES, waiting);

        HttpResponse<String> stalled = server.get(GATES + "?status=stalled", READ);
        assertThat(stalled.body()).contains("\"PR-2\"").doesNotContain("\"17\"");
        contract("GET", GATES, stalled);

        HttpResponse<String> filtered = server.get(GATES + "?service=shop/cart&gate=code-review", READ);
        assertThat(filtered.body()).contains("\"17\"").doesNotContain("\"PR-2\"");
        contract("GET", GATES, filtered);

        HttpResponse<String> none = server.get(GATES + "?gate=security", READ);
        assertThat(none.body()).isEqualTo("{\"status\":\"waiting\",\"items\":[],\"truncated\":false}");
        contract("GET", GATES, none);
    }

    @Test
    void shouldMatchTheDocumentWhenAGatesQueryIsRefused() {
        HttpResponse<String> bad = server.get(GATES + "?status=late", READ);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("status must be waiting or stalled, got 'late'");
        contract("GET", GATES, bad);

        HttpResponse<String> anonymous = server.get(GATES, Map.of());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        contract("GET", GATES, anonymous);

        HttpResponse<String> wrong = server.get(GATES, Map.of("Authorization", "Bearer nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        contract("GET", GATES, wrong);
    }

    @Test
    void shouldMatchTheDocumentWhenEventsAreRefused() {
        HttpResponse<String> invalid = post(EVENTS, """
                {"id":"x","type":"deployment","time":"2026-05-01T10:00:00Z","service":"shop/checkout",
                 "environment":"production","status":"success"}""", INGEST);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("\"field\":\"sha\"");
        contract("POST", EVENTS, invalid);

        HttpResponse<String> anonymous = post(EVENTS, "{}", Map.of());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        contract("POST", EVENTS, anonymous);

        HttpResponse<String> text = server.post(EVENTS, "hello".getBytes(StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + INGEST_TOKEN, "Content-Type", "text/plain"));
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).contains("Content-Type must be application/json");
        contract("POST", EVENTS, text);
    }

    @Test
    void shouldMatchTheDocumentWhenAWebhookSourceIsDisabled() {
        HttpResponse<String> disabled = post("/webhooks/github", "{}", Map.of());
        assertThat(disabled.statusCode()).isEqualTo(404);
        assertThat(disabled.body()).contains("GITHUB_WEBHOOK_SECRET");
        contract("POST", "/webhooks/{source}", disabled);
    }

    @Test
    void shouldMatchTheDocumentWhenHealthMetricsAndTheDocumentAreRead() {
        for (String path : List.of("/health/live", "/health/ready", "/health/query")) {
            HttpResponse<String> health = server.get(path, Map.of());
            assertThat(health.statusCode()).as(path).isEqualTo(200);
            contract("GET", path, health);
        }
        HttpResponse<String> metrics = server.get("/metrics", READ);
        assertThat(metrics.statusCode()).isEqualTo(200);
        contract("GET", "/metrics", metrics);
        HttpResponse<String> anonymous = server.get("/metrics", Map.of());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        contract("GET", "/metrics", anonymous);

        HttpResponse<String> document = server.get(OpenApiDocument.PATH, Map.of());
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).isEqualTo(OpenApiContract.DOCUMENT.text());
        contract("GET", OpenApiDocument.PATH, document);
    }

    @Test
    void shouldDocumentEveryRouteWhenTheServerRegistersIt() {
        List<String> routes = server.server().routes().stream()
                .filter(route -> ROUTE_METHODS.contains(route.substring(0, route.indexOf(' ')))).toList();
        assertThat(routes).contains("POST /api/v1/events", "POST /webhooks/github", "GET /openapi.json");
        assertThat(routes).allSatisfy(route -> assertThat(OpenApiContract.DOCUMENT.documents(route))
                .as("%s is in openapi.json", route).isTrue());
    }

    private static HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        return server.post(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static void contract(String method, String path, HttpResponse<String> response) {
        OpenApiContract.DOCUMENT.validate(method, path, response);
    }
}
