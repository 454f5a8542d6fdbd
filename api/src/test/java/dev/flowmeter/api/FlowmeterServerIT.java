package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product on a real broker: the server starts its embedded Kafka, events go in over HTTP, exact values come
 * out of /metrics, and a restart on the same data directory serves exactly the same values.
 */
class FlowmeterServerIT {

    private static final String PATH = "/api/v1/events";
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);
    /** Scrapes happen "at" this instant, so the age of waiting gate items is known in advance. */
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    private static final String PROD = "environment=\"production\",service=\"shop/checkout\"";
    private static final String QA = "gate=\"qa\",service=\"shop/checkout\"";
    private static final String REVIEW = "gate=\"code-review\",service=\"shop/checkout\"";

    @TempDir
    Path dataDir;

    @Test
    void shouldServeExactMetricsAndKeepThemWhenTheServerRestarts() {
        Map<String, String> expected = expectedSeries();
        Map<String, String> env = Map.of("FLOWMETER_GATE_LIMITS", "qa=1h, default=72h");
        try (TestServer server = TestServer.start(dataDir, NOW, env)) {
            HttpResponse<String> accepted = server.post(PATH, """
                    [
                      {"id":"c1","type":"commit","time":"2026-05-01T06:00:00Z","service":"shop/checkout","sha":"%s"},
                      {"id":"c2","type":"commit","time":"2026-05-01T07:00:00Z","service":"shop/checkout",
                       "sha":"%s","parents":["%s"]},
                      {"id":"c3","type":"commit","time":"2026-05-01T08:00:00Z","service":"shop/checkout",
                       "sha":"%s","parents":["%s"]}
                    ]""".formatted(A, B, A, C, B));
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.body()).isEqualTo("{\"accepted\":[\"c1\",\"c2\",\"c3\"]}");

            String deployment = """
                    {"id":"d1","type":"deployment","time":"2026-05-01T10:00:00Z","service":"shop/checkout",
                     "environment":"production","sha":"%s","status":"success"}""".formatted(C);
            assertThat(server.post(PATH, deployment).statusCode()).isEqualTo(202);
            assertThat(server.post(PATH, deployment).statusCode()).isEqualTo(202); // a redelivery: counted once
            assertThat(server.post(PATH, """
                    {"id":"d0","type":"deployment","time":"2026-05-01T09:00:00Z","service":"shop/checkout",
                     "environment":"production","sha":"%s","status":"failure"}""".formatted(B)).statusCode())
                    .isEqualTo(202);
            assertThat(server.post(PATH, """
                    [
                      {"id":"g1","type":"gate.queued","time":"2026-05-01T09:00:00Z","service":"shop/checkout",
                       "gate":"qa","item":"PR-1"},
                      {"id":"g2","type":"gate.started","time":"2026-05-01T09:20:00Z","service":"shop/checkout",
                       "gate":"qa","item":"PR-1"},
                      {"id":"g3","type":"gate.finished","time":"2026-05-01T09:50:00Z","service":"shop/checkout",
                       "gate":"qa","item":"PR-1","outcome":"passed"},
                      {"id":"g4","type":"gate.queued","time":"2026-05-01T10:30:00Z","service":"shop/checkout",
                       "gate":"qa","item":"PR-2"},
                      {"id":"g5","type":"gate.queued","time":"2026-05-01T11:00:00Z","service":"shop/checkout",
                       "gate":"code-review","item":"17"},
                      {"id":"g6","type":"gate.finished","time":"2026-05-01T11:45:00Z","service":"shop/checkout",
                       "gate":"code-review","item":17,"outcome":"failed"}
                    ]""").statusCode()).isEqualTo(202);
            HttpResponse<String> invalid = server.post(PATH, """
                    {"id":"x","type":"deployment","time":"2026-05-01T10:00:00Z","service":"shop/checkout",
                     "environment":"production","status":"success"}""");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).contains("\"field\":\"sha\"", "\"problem\":\"is required\"");

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).containsAllEntriesOf(expected));
            Map<String, String> before = server.flowmeterSeries();
            HttpResponse<String> stalled = server.get("/api/v1/gates?status=stalled", Map.of());
            assertThat(stalled.statusCode()).isEqualTo(200);
            assertThat(stalled.body()).isEqualTo("{\"status\":\"stalled\",\"items\":[{\"service\":\"shop/checkout\","
                    + "\"gate\":\"qa\",\"item\":\"PR-2\",\"since\":\"2026-05-01T10:30:00Z\",\"ageSeconds\":5400,"
                    + "\"limitSeconds\":3600,\"stalled\":true}],\"truncated\":false,\"partial\":false,"
                    + "\"partitions\":{\"answered\":2,\"total\":2}}");

            server.restart();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).containsAllEntriesOf(expected));
            // Not one series moved, appeared or vanished across the restart.
            assertThat(server.flowmeterSeries()).isEqualTo(before);
        }
    }

    /**
     * Worked out by hand. Commits at 06:00, 07:00, 08:00; deployed to production at 10:00: lead times 4 h, 3 h, 2 h
     * = 14400 + 10800 + 7200 = 32400 s, all at or below the 14400 s bucket, one at or below 7200 s. QA: PR-1 waited
     * 20 min (1200 s) and took 30 min (1800 s); PR-2 has waited since 10:30, so 5400 s at 12:00. Code review: item 17
     * waited 45 min (2700 s) and got no start, so no duration. With qa's limit of 1 h, PR-2 (5400 s) is stalled.
     */
    private static Map<String, String> expectedSeries() {
        Map<String, String> expected = new TreeMap<>();
        expected.put("flowmeter_lead_time_seconds_count{" + PROD + "}", "3");
        expected.put("flowmeter_lead_time_seconds_sum{" + PROD + "}", "32400.0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"3600.0\"}", "0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"7200.0\"}", "1");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"14400.0\"}", "3");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"+Inf\"}", "3");
        expected.put("flowmeter_deployments_total{" + PROD.replace("service", "outcome=\"success\",service") + "}",
                "1.0");
        expected.put("flowmeter_deployments_total{" + PROD.replace("service", "outcome=\"failure\",service") + "}",
                "1.0");
        expected.put("flowmeter_deployment_commits_count{" + PROD + "}", "1");
        expected.put("flowmeter_deployment_commits_sum{" + PROD + "}", "3.0");
        expected.put("flowmeter_deployment_commits_bucket{" + PROD + ",le=\"2.0\"}", "0");
        expected.put("flowmeter_deployment_commits_bucket{" + PROD + ",le=\"3.0\"}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + QA + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + QA + "}", "1200.0");
        expected.put("flowmeter_gate_duration_seconds_count{" + QA.replace("service", "outcome=\"passed\",service")
                + "}", "1");
        expected.put("flowmeter_gate_duration_seconds_sum{" + QA.replace("service", "outcome=\"passed\",service")
                + "}", "1800.0");
        expected.put("flowmeter_gate_waiting_items{" + QA + "}", "1.0");
        expected.put("flowmeter_gate_oldest_wait_seconds{" + QA + "}", "5400.0");
        expected.put("flowmeter_gate_stalled_items{" + QA + "}", "1.0");
        expected.put("flowmeter_gate_stalled_items{" + REVIEW + "}", "0.0");
        expected.put("flowmeter_gate_limit_seconds{gate=\"qa\"}", "3600.0");
        expected.put("flowmeter_gate_limit_seconds{gate=\"default\"}", "259200.0");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + REVIEW + "}", "2700.0");
        expected.put("flowmeter_gate_waiting_items{" + REVIEW + "}", "0.0");
        expected.put("flowmeter_gate_oldest_wait_seconds{" + REVIEW + "}", "0.0");
        expected.put("flowmeter_events_total{type=\"commit\"}", "3.0");
        expected.put("flowmeter_events_total{type=\"deployment\"}", "2.0");
        expected.put("flowmeter_events_total{type=\"gate.queued\"}", "3.0");
        expected.put("flowmeter_events_total{type=\"gate.started\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"gate.finished\"}", "2.0");
        expected.put("flowmeter_events_duplicate_total", "1.0");
        expected.put("flowmeter_events_rejected_total{reason=\"invalid_event\"}", "1.0");
        return expected;
    }
}
