package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.api.testing.FreePorts;
import dev.flowmeter.events.EventJson;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes of one application on one Kafka (the first one's embedded broker stands in for a cluster):
 * each holds part of the services, and either answers every query with the same figures, exactly merged; once the
 * second stops, the first answers the same alone.
 */
class ScaleOutIT {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String APPLICATION = "flowmeter-scale-out";
    private static final int SERVICES = 8;

    @TempDir
    Path work;

    /**
     * Services shop/s0..s7, each with one commit at 2026-04-20T08:00 and a successful production deployment
     * (2 + i % 3) hours later, shipping change i (opened 09:00, merged 09:30, so its deploy stage is 0.5 + i % 3
     * hours), and a pull request waiting for review since 2026-05-01T10:00; the even ones also fail a deployment at
     * 2026-04-21T10:00, never recovered. Each commit names work item SO-i of release r1, created 2026-04-19T08:00: an
     * item's partition is its key's, so it is mostly held by another process than its service.
     */
    private static String events() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            String service = "shop/s" + i;
            String sha = String.valueOf((char) ('a' + i % 6)).repeat(40);
            events.add("{\"id\":\"c" + i + "\",\"type\":\"commit\",\"time\":\"2026-04-20T08:00:00Z\",\"service\":\""
                    + service + "\",\"sha\":\"" + sha + "\",\"message\":\"SO-" + i + ": step " + i + "\"}");
            events.add("{\"id\":\"w" + i + "\",\"type\":\"work.created\",\"time\":\"2026-04-19T08:00:00Z\","
                    + "\"service\":\"" + service + "\",\"item\":\"SO-" + i
                    + "\",\"kind\":\"feature\",\"release\":\"r1\"}");
            events.add("{\"id\":\"d" + i + "\",\"type\":\"deployment\",\"time\":\"2026-04-20T" + (10 + i % 3)
                    + ":00:00Z\",\"service\":\"" + service + "\",\"environment\":\"production\",\"sha\":\"" + sha
                    + "\",\"status\":\"success\"}");
            events.add("{\"id\":\"o" + i + "\",\"type\":\"change.opened\",\"time\":\"2026-04-20T09:00:00Z\","
                    + "\"service\":\"" + service + "\",\"change\":" + i + ",\"sha\":\"" + sha + "\",\"commits\":[\""
                    + sha + "\"],\"target\":\"main\"}");
            events.add("{\"id\":\"m" + i + "\",\"type\":\"change.merged\",\"time\":\"2026-04-20T09:30:00Z\","
                    + "\"service\":\"" + service + "\",\"change\":" + i + ",\"sha\":\"" + sha + "\"}");
            events.add("{\"id\":\"q" + i + "\",\"type\":\"gate.queued\",\"time\":\"2026-05-01T10:00:00Z\","
                    + "\"service\":\"" + service + "\",\"gate\":\"code-review\",\"item\":\"PR-" + i + "\"}");
            if (i % 2 == 0) {
                events.add("{\"id\":\"f" + i + "\",\"type\":\"deployment\",\"time\":\"2026-04-21T10:00:00Z\","
                        + "\"service\":\"" + service + "\",\"environment\":\"production\",\"sha\":\"" + sha
                        + "\",\"status\":\"failure\"}");
            }
        }
        return "[" + String.join(",", events) + "]";
    }

    @Test
    void shouldGiveTheSameExactAnswersFromEitherProcessAndFromTheOneLeftWhenTheOtherStops() throws Exception {
        int[] ports = FreePorts.pick(4);
        Map<String, String> common = Map.of("FLOWMETER_APPLICATION_ID", APPLICATION, "FLOWMETER_PARTITIONS", "4");
        TestServer first = TestServer.start(Files.createDirectories(work.resolve("first")), NOW, merge(common, Map.of(
                "FLOWMETER_HTTP_PORT", String.valueOf(ports[0]),
                "FLOWMETER_KAFKA_PORT", String.valueOf(ports[1]),
                "FLOWMETER_KAFKA_CONTROLLER_PORT", String.valueOf(ports[2]))));
        try (first) {
            TestServer second = TestServer.start(Files.createDirectories(work.resolve("second")), NOW,
                    merge(common, Map.of("FLOWMETER_HTTP_PORT", String.valueOf(ports[3]),
                            "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + ports[1])));
            List<String> paths = new ArrayList<>(List.of("/api/v1/dora", "/api/v1/dora?window=7d",
                    "/api/v1/services", "/api/v1/incidents", "/api/v1/gates", "/api/v1/value-stream"));
            for (int i = 0; i < SERVICES; i++) {
                paths.add("/api/v1/dora?service=shop/s" + i);
                paths.add("/api/v1/services/shop/s" + i + "/deployments");
                paths.add("/api/v1/services/shop/s" + i + "/changes/" + i);
                paths.add("/api/v1/value-stream?service=shop/s" + i);
                paths.add("/api/v1/work/SO-" + i);
                paths.add("/api/v1/forecast?service=shop/s" + i + "&change=" + i);
                paths.add("/api/v1/services/shop/s" + i + "/deployments/d" + i);
            }
            paths.add("/api/v1/releases");
            paths.add("/api/v1/forecast?release=r1");
            Map<String, String> before;
            try (second) {
                HttpResponse<String> accepted = first.post("/api/v1/events", events());
                assertThat(accepted.statusCode()).isEqualTo(202);

                // Both hold services, and between them all of them.
                await("the services split between the two processes").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            List<String> held = new ArrayList<>();
                            for (TestServer server : List.of(first, second)) {
                                JsonNode local = json(server.get(DoraRoutes.HISTORIES, Map.of()));
                                assertThat(local.path("histories")).as("services held by one process").isNotEmpty();
                                local.path("histories").forEach(h -> held.add(h.path("service").asText()));
                            }
                            assertThat(new TreeSet<>(held)).hasSize(SERVICES);
                            assertThat(held).hasSize(SERVICES);
                            assertThat(json(first.get("/api/v1/dora", Map.of())).path("partial").asBoolean())
                                    .isFalse();
                            JsonNode releases = json(second.get("/api/v1/releases", Map.of()));
                            assertThat(releases.path("partial").asBoolean()).as("%s", releases).isFalse();
                            assertThat(releases.at("/releases/0/inProduction").asInt()).isEqualTo(SERVICES);
                        });

                before = answers(first, paths);
                // Every one answered: the services the first does not hold were answered by the second for it.
                assertThat(before.values()).allSatisfy(answer -> assertThat(answer).startsWith("200 "));
                assertThat(answers(second, paths)).as("the second process's answers").isEqualTo(before);
                assertOrganisationFigures(json(first.get("/api/v1/dora", Map.of())));
                assertWorkItems(first);
                assertThat(json(second.get("/api/v1/gates", Map.of())).path("items")).hasSize(SERVICES);
                // Deploy stages 0.5, 1.5, 2.5, 0.5, 1.5, 2.5, 0.5, 1.5 h: sorted, the median (rank 3.5) is 1.5 h.
                JsonNode deploy = json(second.get("/api/v1/value-stream", Map.of())).path("stages").path("deploy");
                assertThat(deploy.path("samples").asInt()).isEqualTo(SERVICES);
                assertThat(deploy.path("median").asDouble()).isEqualTo(5_400.0);
            }

            await("the first process alone answers as both did").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(answers(first, paths)).isEqualTo(before));
        }
    }

    /**
     * 8 successful and 4 failed production deployments in the 30 days to 2026-05-01T12:00. Lead times 2, 3, 4, 2, 3,
     * 4, 2, 3 h: sorted 2, 2, 2, 3, 3, 3, 4, 4 h; median rank 3.5 = 3 h, p75 rank 5.25 = 3 h + 0.25 h, p90 rank 6.3 =
     * 4 h. The 4 failures are unrecovered since 2026-04-21T10:00: 10 d 2 h = 871200 s. None of this can come out of
     * one process's half, or of averaging the two halves' medians.
     */
    private static void assertOrganisationFigures(JsonNode dora) {
        assertThat(dora.path("services").asInt()).isEqualTo(SERVICES);
        assertThat(dora.path("partitions").path("answered").asInt()).isEqualTo(4);
        assertThat(dora.path("deploymentFrequency").path("deployments").asInt()).isEqualTo(8);
        assertThat(dora.path("leadTime").path("samples").asInt()).isEqualTo(8);
        assertThat(dora.path("leadTime").path("medianSeconds").asDouble()).isEqualTo(10_800.0);
        assertThat(dora.path("leadTime").path("p75Seconds").asDouble()).isEqualTo(11_700.0);
        assertThat(dora.path("leadTime").path("p90Seconds").asDouble()).isEqualTo(14_400.0);
        assertThat(dora.path("changeFailureRate").path("deployments").asInt()).isEqualTo(12);
        assertThat(dora.path("changeFailureRate").path("failed").asInt()).isEqualTo(4);
        JsonNode unrecovered = dora.path("recoveryTime").path("unrecovered");
        assertThat(unrecovered).hasSize(4);
        unrecovered.forEach(open -> assertThat(open.path("ageSeconds").asLong()).isEqualTo(871_200));
    }

    /**
     * Release r1 holds SO-0..SO-7, each in production with its service's deployment; each item's view has its one
     * change (i) and its one commit, and each deployment view names its item. Both processes' work partitions count.
     */
    private static void assertWorkItems(TestServer server) throws Exception {
        JsonNode releases = json(server.get("/api/v1/releases", Map.of()));
        assertThat(releases.path("partitions").path("answered").asInt()).isEqualTo(4);
        assertThat(releases.at("/releases/0/release").asText()).isEqualTo("r1");
        assertThat(releases.at("/releases/0/items").asInt()).isEqualTo(SERVICES);
        assertThat(releases.at("/releases/0/shareInProduction").asDouble()).isEqualTo(1.0);
        // All in production: the release's forecast is the last arrival, shop/s2's (and s5's) at 12:00.
        JsonNode forecast = json(server.get("/api/v1/forecast?release=r1", Map.of()));
        assertThat(forecast.path("status").asText()).isEqualTo("in-production");
        assertThat(forecast.path("arrivedAt").asText()).isEqualTo("2026-04-20T12:00:00Z");
        assertThat(forecast.path("partial").asBoolean()).isFalse();
        assertThat(forecast.path("members")).hasSize(SERVICES);
        for (int i = 0; i < SERVICES; i++) {
            JsonNode item = json(server.get("/api/v1/work/SO-" + i, Map.of()));
            assertThat(item.path("partial").asBoolean()).isFalse();
            assertThat(item.path("service").asText()).isEqualTo("shop/s" + i);
            assertThat(item.at("/changes/0/change").asText()).isEqualTo(String.valueOf(i));
            assertThat(item.at("/environments/0/environment").asText()).isEqualTo("production");
            assertThat(item.at("/environments/0/allAt").asText()).isEqualTo("2026-04-20T" + (10 + i % 3) + ":00:00Z");
            JsonNode deployment = json(server.get("/api/v1/services/shop/s" + i + "/deployments/d" + i, Map.of()));
            assertThat(deployment.path("workSummary").asText()).isEqualTo("1 feature");
            assertThat(deployment.at("/workItems/0/item").asText()).isEqualTo("SO-" + i);
        }
    }

    private static Map<String, String> answers(TestServer server, List<String> paths) {
        Map<String, String> answers = new TreeMap<>();
        for (String path : paths) {
            HttpResponse<String> response = server.get(path, Map.of());
            answers.put(path, response.statusCode() + " " + response.body());
        }
        return answers;
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(200);
        return EventJson.MAPPER.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> merged = new HashMap<>(a);
        merged.putAll(b);
        return merged;
    }
}
