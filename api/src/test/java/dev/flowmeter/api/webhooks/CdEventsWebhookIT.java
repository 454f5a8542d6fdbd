package dev.flowmeter.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.api.TestServer;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A realistic CDEvents value stream through HTTP into the real broker: a change is created and merged, built,
 * packaged, tested and deployed to production, reported by four tools in both CloudEvents HTTP modes and in both
 * spec versions. The exact lead time and gate waits come out of /metrics; redelivering every event changes nothing
 * but the duplicate counter.
 */
class CdEventsWebhookIT {

    private static final String PATH = "/webhooks/cdevents";
    private static final String TOKEN = "test-token";
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    private static final String GIT = "https://git.acme.example/acme/checkout";
    private static final String CI = "https://ci.acme.example/jobs/checkout";
    private static final String TESTS = "/testkube/staging";
    private static final String CD = "/argocd/production";
    private static final String DIGEST = "sha256%3A9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static final String PROD = "environment=\"production\",service=\"shop/checkout\"";
    private static final String BUILD = "gate=\"build\",service=\"shop/checkout\"";
    private static final String TESTS_GATE = "gate=\"tests\",service=\"shop/checkout\"";
    private static final String DUPLICATES = "flowmeter_events_duplicate_total";

    /** How an event travels: the CloudEvents HTTP mode. */
    private enum Mode { BINARY, STRUCTURED }

    /** One webhook call as an emitter would send it. */
    private record Call(Mode mode, String id, String source, String cdevent) {
    }

    @TempDir
    Path dataDir;

    @TempDir
    Path configDir;

    @Test
    void shouldServeExactLeadTimeAndGateWaitsAndIgnoreRedeliveriesWhenAStreamIsReportedAsCdEvents()
            throws IOException {
        // The repository acme/checkout, the image pkg:oci/checkout and the CI job .../jobs/checkout all have the
        // short name "checkout"; the test suite's id needs a line of its own.
        Path serviceMap = Files.writeString(configDir.resolve("services.properties"), """
                checkout = shop/checkout
                checkout-e2e = shop/checkout
                """);
        List<Call> sequence = sequence();
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of("CDEVENTS_TOKEN", TOKEN,
                "FLOWMETER_SERVICE_MAP", serviceMap.toString()))) {
            List<String> answers = new ArrayList<>();
            for (Call call : sequence) {
                HttpResponse<String> response = send(server, call, TOKEN);
                assertThat(response.statusCode()).as(call.id()).isEqualTo(202);
                answers.add(response.body());
            }
            assertThat(answers.get(0)).isEqualTo("{\"accepted\":[\"cdevents:" + GIT + ":c-1:commit\",\"cdevents:" + GIT
                    + ":c-1:change.opened\"]}");
            assertThat(answers.get(8)).isEqualTo("{\"accepted\":[\"cdevents:" + CD + ":d-1:deployment\"]}");

            HttpResponse<String> ignored = send(server, new Call(Mode.STRUCTURED, "e-1", CD, """
                    {"context": {"specversion": "0.5.1", "id": "e-1", "source": "%s",
                                 "type": "dev.cdevents.environment.modified.0.3.0",
                                 "timestamp": "2026-05-01T05:00:00Z"},
                     "subject": {"id": "production", "content": {"name": "production"}}}""".formatted(CD)), TOKEN);
            assertThat(ignored.statusCode()).isEqualTo(202);
            assertThat(ignored.body()).contains("\"ignored\"");
            HttpResponse<String> forged = send(server, sequence.get(8), "guess");
            assertThat(forged.statusCode()).isEqualTo(401);

            Map<String, String> expected = expectedSeries();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).containsAllEntriesOf(expected));
            assertChangeStages(server);
            Map<String, String> before = server.flowmeterSeries();
            double duplicatesBefore = Double.parseDouble(before.getOrDefault(DUPLICATES, "0"));

            for (int i = 0; i < sequence.size(); i++) {
                HttpResponse<String> again = send(server, sequence.get(i), TOKEN);
                assertThat(again.statusCode()).isEqualTo(202);
                assertThat(again.body()).as("the same ids again").isEqualTo(answers.get(i));
            }

            // Every event redelivered: one per call, and two for change.created and change.merged (the change's
            // commit and its change event), so two more duplicates than calls; not one other series moved.
            Map<String, String> after = new TreeMap<>(before);
            after.put(DUPLICATES, String.valueOf(duplicatesBefore + sequence.size() + 2));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).isEqualTo(after));
        }
    }

    /**
     * Worked out by hand. Change PR-42 was created at 06:00 (merged at 08:00, which keeps the first time); its build
     * was queued at 08:01, started at 08:04 and finished at 08:10; the image was packaged from PR-42 at 08:10; the
     * end-to-end suite was queued at 08:15 and passed at 08:45 without reporting a start; the image went to
     * production at 10:00.
     *
     * <p>The deployment ships the image, which is not a change itself, and through it the change it was built from
     * (06:00 to 10:00, 14400 s): count 1, sum 14400, at or below 14400 s but not 7200 s; a batch of 1. Build: waited
     * 180 s (08:01 to 08:04) and worked 360 s (08:04 to 08:10), passed. Tests: waited 1800 s (08:15 to 08:45), no
     * duration as no start was reported. Events: 2 commits (created, merged), 1 artifact, 2 queued, 1 started,
     * 2 finished, 1 deployment; the forged call is one 401, counted in memory and never written to Kafka.
     */
    private static Map<String, String> expectedSeries() {
        Map<String, String> expected = new TreeMap<>();
        expected.put("flowmeter_lead_time_seconds_count{" + PROD + "}", "1");
        expected.put("flowmeter_lead_time_seconds_sum{" + PROD + "}", "14400.0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"7200.0\"}", "0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"14400.0\"}", "1");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"+Inf\"}", "1");
        expected.put("flowmeter_deployments_total{" + PROD.replace("service", "outcome=\"success\",service") + "}",
                "1.0");
        expected.put("flowmeter_deployment_commits_count{" + PROD + "}", "1");
        expected.put("flowmeter_deployment_commits_sum{" + PROD + "}", "1.0");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + BUILD + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + BUILD + "}", "180.0");
        expected.put("flowmeter_gate_duration_seconds_count{" + BUILD.replace("service", "outcome=\"passed\",service")
                + "}", "1");
        expected.put("flowmeter_gate_duration_seconds_sum{" + BUILD.replace("service", "outcome=\"passed\",service")
                + "}", "360.0");
        expected.put("flowmeter_gate_waiting_items{" + BUILD + "}", "0.0");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + TESTS_GATE + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + TESTS_GATE + "}", "1800.0");
        expected.put("flowmeter_gate_waiting_items{" + TESTS_GATE + "}", "0.0");
        expected.put("flowmeter_gate_oldest_wait_seconds{" + TESTS_GATE + "}", "0.0");
        expected.put("flowmeter_events_total{type=\"commit\"}", "2.0");
        expected.put("flowmeter_events_total{type=\"change.opened\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"change.merged\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"artifact\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"gate.queued\"}", "2.0");
        expected.put("flowmeter_events_total{type=\"gate.started\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"gate.finished\"}", "2.0");
        expected.put("flowmeter_events_total{type=\"deployment\"}", "1.0");
        expected.put("flowmeter_requests_unauthenticated_total{source=\"cdevents\"}", "1.0");
        return expected;
    }

    /**
     * PR-42's value stream. CDEvents names no commit of a change, so the change's commit is its stand-in, created at
     * 06:00 with the change: coding 0; no review: pickup is 06:00 to the 08:00 merge, 7200 s; the artifact built from
     * it reaches production at 10:00: deploy 7200 s, one hop; cycle 14400 s.
     */
    private static void assertChangeStages(TestServer server) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> change = server.get("/api/v1/services/shop/checkout/changes/PR-42", Map.of());
            assertThat(change.statusCode()).isEqualTo(200);
            assertThat(change.body()).contains(
                    "\"title\":\"Faster checkout\"",
                    "\"stages\":{\"coding\":0,\"pickup\":7200,\"deploy\":7200}",
                    "\"hops\":[{\"from\":\"merged\",\"to\":\"production\",\"seconds\":7200}]",
                    "\"cycleTimeSeconds\":14400");
        });
    }

    /** Spec 0.4.1 events carry context.version and subject.type; 0.5.1 events carry context.specversion. */
    private static List<Call> sequence() {
        List<Call> calls = new ArrayList<>();
        calls.add(new Call(Mode.STRUCTURED, "c-1", GIT, """
                {"context": {"version": "0.4.1", "id": "c-1", "source": "%s",
                             "type": "dev.cdevents.change.created.0.3.0", "timestamp": "2026-05-01T06:00:00Z"},
                 "subject": {"id": "PR-42", "type": "change",
                             "content": {"description": "Faster checkout",
                                         "repository": {"id": "acme/checkout", "source": "https://git.acme.example"}}}}
                """.formatted(GIT)));
        calls.add(new Call(Mode.BINARY, "c-2", GIT, """
                {"context": {"specversion": "0.5.1", "id": "c-2", "source": "%s",
                             "type": "dev.cdevents.change.merged.0.3.0", "timestamp": "2026-05-01T08:00:00Z"},
                 "subject": {"id": "PR-42",
                             "content": {"repository": {"id": "acme/checkout", "source": "https://git.acme.example"}}}}
                """.formatted(GIT)));
        calls.add(new Call(Mode.BINARY, "b-1", CI, """
                {"context": {"specversion": "0.5.1", "id": "b-1", "source": "%s", "chainId": "chain-42",
                             "type": "dev.cdevents.build.queued.0.3.0", "timestamp": "2026-05-01T08:01:00Z"},
                 "subject": {"id": "checkout-build-7", "content": {}}}
                """.formatted(CI)));
        calls.add(new Call(Mode.STRUCTURED, "b-2", CI, """
                {"context": {"version": "0.4.1", "id": "b-2", "source": "%s", "chainId": "chain-42",
                             "type": "dev.cdevents.build.started.0.2.0", "timestamp": "2026-05-01T08:04:00Z"},
                 "subject": {"id": "checkout-build-7", "type": "build", "content": {}}}
                """.formatted(CI)));
        calls.add(new Call(Mode.STRUCTURED, "b-3", CI, """
                {"context": {"specversion": "0.5.1", "id": "b-3", "source": "%s", "chainId": "chain-42",
                             "type": "dev.cdevents.build.finished.0.3.0", "timestamp": "2026-05-01T08:10:00Z"},
                 "subject": {"id": "checkout-build-7", "content": {"artifactId": "pkg:oci/checkout@%s"}}}
                """.formatted(CI, DIGEST)));
        calls.add(new Call(Mode.BINARY, "a-1", CI, """
                {"context": {"version": "0.4.1", "id": "a-1", "source": "%s", "chainId": "chain-42",
                             "type": "dev.cdevents.artifact.packaged.0.2.0", "timestamp": "2026-05-01T08:10:00Z"},
                 "subject": {"id": "pkg:oci/checkout@%s?repository_url=registry.acme.example/acme/checkout",
                             "type": "artifact",
                             "content": {"change": {"id": "PR-42", "source": "%s"}}}}
                """.formatted(CI, DIGEST, GIT)));
        calls.add(new Call(Mode.BINARY, "t-1", TESTS, """
                {"context": {"specversion": "0.5.1", "id": "t-1", "source": "%s", "chainId": "chain-42",
                             "type": "dev.cdevents.testsuiterun.queued.0.3.0", "timestamp": "2026-05-01T08:15:00Z"},
                 "subject": {"id": "e2e-run-3",
                             "content": {"environment": {"id": "staging"},
                                         "testSuite": {"id": "checkout-e2e", "name": "Checkout end to end"},
                                         "trigger": {"type": "pipeline"}}}}
                """.formatted(TESTS)));
        calls.add(new Call(Mode.STRUCTURED, "t-2", TESTS, """
                {"context": {"version": "0.4.1", "id": "t-2", "source": "%s", "chainId": "chain-42",
                             "type": "dev.cdevents.testsuiterun.finished.0.2.0", "timestamp": "2026-05-01T08:45:00Z"},
                 "subject": {"id": "e2e-run-3", "type": "testSuiteRun",
                             "content": {"outcome": "pass", "environment": {"id": "staging"},
                                         "testSuite": {"id": "checkout-e2e", "name": "Checkout end to end"}}}}
                """.formatted(TESTS)));
        // Argo CD spells the digest with a plain colon; the artifact is the same.
        calls.add(new Call(Mode.STRUCTURED, "d-1", CD, """
                {"context": {"specversion": "0.5.1", "id": "d-1", "source": "%s", "chainId": "chain-42",
                             "type": "dev.cdevents.service.deployed.0.3.0", "timestamp": "2026-05-01T10:00:00Z"},
                 "subject": {"id": "default/checkout",
                             "content": {"environment": {"id": "production"},
                                         "artifactId": "pkg:oci/checkout@%s"}}}
                """.formatted(CD, DIGEST.replace("%3A", ":"))));
        return calls;
    }

    private static HttpResponse<String> send(TestServer server, Call call, String token) {
        JsonNode cdevent = json(call.cdevent());
        JsonNode context = cdevent.path("context");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        byte[] body;
        if (call.mode() == Mode.BINARY) {
            headers.put("Content-Type", "application/json");
            headers.put("ce-specversion", "1.0");
            headers.put("ce-id", call.id());
            headers.put("ce-source", call.source());
            headers.put("ce-type", context.path("type").asText());
            headers.put("ce-subject", cdevent.path("subject").path("id").asText());
            headers.put("ce-time", context.path("timestamp").asText());
            body = call.cdevent().getBytes(StandardCharsets.UTF_8);
        } else {
            headers.put("Content-Type", "application/cloudevents+json");
            ObjectNode envelope = EventJson.MAPPER.createObjectNode();
            envelope.put("specversion", "1.0");
            envelope.put("id", call.id());
            envelope.put("source", call.source());
            envelope.put("type", context.path("type").asText());
            envelope.put("subject", cdevent.path("subject").path("id").asText());
            envelope.put("time", context.path("timestamp").asText());
            envelope.put("datacontenttype", "application/json");
            envelope.set("data", cdevent);
            body = envelope.toString().getBytes(StandardCharsets.UTF_8);
        }
        return server.post(PATH, body, headers);
    }

    private static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
