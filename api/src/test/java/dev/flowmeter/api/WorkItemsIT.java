package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.Secret;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work items end to end: real, signed Jira webhooks (the ingest module's fixtures, as Jira sent them) and commits and
 * deployments through the events API, into a real server on its embedded broker; then the item, the release and the
 * series, each worked out by hand from the fixtures' timestamps.
 *
 * <p>TES-41 (a Story of project TES, so a feature): created at 1550286113023 (2019-02-16T03:01:53.023Z), started at
 * 1550286862039, done at 1550286940507. KT-22 (a Task of project KT, so debt): created at 1566935004475
 * (2019-08-27T19:43:24.475Z) with the fix versions version1 and version2, not started. Both projects map to
 * shop/checkout. Then a GitHub issue from its signed webhooks (see {@link #githubIssue}).
 */
class WorkItemsIT {

    private static final String SECRET = "jira-work-items-secret";
    private static final String SERVICE = "shop/checkout";
    private static final Path FIXTURES = Path.of(System.getProperty("flowmeter.fixtures",
            "../ingest/src/test/resources/fixtures"), "jira");
    private static final Path GITHUB = Path.of(System.getProperty("flowmeter.fixtures",
            "../ingest/src/test/resources/fixtures"), "github");
    private static final String GITHUB_SECRET = "github-work-items-secret";
    private static final String REPOSITORY = "Codertocat/Hello-World";
    private static final String C3 = "3".repeat(40);
    private static final String C1 = "1".repeat(40);
    private static final String C2 = "2".repeat(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void shouldFollowJiraItemsToProductionAndTellWhatEachReleaseHolds() throws Exception {
        Path serviceMap = Files.writeString(work.resolve("services"), "TES = " + SERVICE + "\nKT = " + SERVICE + "\n");
        try (TestServer server = TestServer.start(work.resolve("data"), Instant.parse("2019-09-01T00:00:00Z"),
                Map.of("JIRA_WEBHOOK_SECRET", SECRET, "FLOWMETER_SERVICE_MAP", serviceMap.toString(),
                        "GITHUB_WEBHOOK_SECRET", GITHUB_SECRET))) {
            for (String body : new String[] {"issue_created.story.json", "issue_updated.started.json",
                    "issue_updated.done.json", "issue_created.fix-versions.json"}) {
                byte[] bytes = Files.readAllBytes(FIXTURES.resolve(body));
                HttpResponse<String> answer = server.post("/webhooks/jira", bytes, Map.of(
                        "X-Hub-Signature", "sha256=" + Hmac.sha256Hex(Secret.of(SECRET), bytes)));
                assertThat(answer.statusCode()).as("%s: %s", body, answer.body()).isEqualTo(202);
            }
            // A commit naming TES-41 at 03:10, in production at 04:00; one naming KT-22, in production a day later.
            HttpResponse<String> code = server.post("/api/v1/events", """
                    [{"id":"c1","type":"commit","time":"2019-02-16T03:10:00Z","service":"%1$s","sha":"%2$s",
                      "message":"TES-41: a unit test for the summary"},
                     {"id":"d1","type":"deployment","time":"2019-02-16T04:00:00Z","service":"%1$s",
                      "environment":"production","sha":"%2$s","status":"success"},
                     {"id":"c2","type":"commit","time":"2019-08-28T09:00:00Z","service":"%1$s","sha":"%3$s",
                      "parents":["%2$s"],"message":"KT-22 tidy the settings"},
                     {"id":"d2","type":"deployment","time":"2019-08-28T10:00:00Z","service":"%1$s",
                      "environment":"production","sha":"%3$s","status":"success"}]
                    """.formatted(SERVICE, C1, C2).getBytes(StandardCharsets.UTF_8), Map.of());
            assertThat(code.statusCode()).as(code.body()).isEqualTo(202);

            // TES-41: flow time 1550286940507 - 1550286862039 = 78,468 ms; lead time from its creation to 04:00:00Z
            // (1550289600000): 3,486,977 ms. The API gives whole seconds.
            JsonNode item = await("TES-41 in production").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).until(() -> get(server, "/api/v1/work/TES-41"),
                            node -> node != null && node.path("inProduction").asBoolean());
            OpenApiContract.DOCUMENT.validate("GET", WorkRoutes.ITEM, server.get("/api/v1/work/TES-41", Map.of()));
            assertThat(item.get("service").asText()).isEqualTo(SERVICE);
            assertThat(item.get("kind").asText()).isEqualTo("feature");
            assertThat(item.get("status").asText()).isEqualTo("done");
            assertThat(item.get("createdAt").asText()).isEqualTo("2019-02-16T03:01:53.023Z");
            assertThat(item.get("flowTimeSeconds").asLong()).isEqualTo(78);
            assertThat(item.get("leadTimeSeconds").asLong()).isEqualTo(3_486);
            assertThat(item.get("productionAt").asText()).isEqualTo("2019-02-16T04:00:00Z");
            assertThat(item.get("commits")).hasSize(1);
            assertThat(item.at("/commits/0/sha").asText()).isEqualTo(C1);
            assertThat(item.get("now").asText()).isEqualTo("done; its commit is in production");

            // version1 holds KT-22 (its first fix version), not done but its one commit in production.
            JsonNode releases = await("KT-22 in production").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).until(() -> get(server, "/api/v1/releases?service="
                            + SERVICE), node -> node != null && node.at("/releases/0/inProduction").asInt() == 1);
            OpenApiContract.DOCUMENT.validate("GET", WorkRoutes.RELEASES,
                    server.get("/api/v1/releases?service=" + SERVICE, Map.of()));
            assertThat(releases.get("releases")).hasSize(1);
            JsonNode version1 = releases.at("/releases/0");
            assertThat(version1.get("release").asText()).isEqualTo("version1");
            assertThat(version1.get("items").asInt()).isEqualTo(1);
            assertThat(version1.get("done").asInt()).isZero();
            assertThat(version1.get("shareInProduction").asDouble()).isEqualTo(1.0);
            assertThat(version1.at("/contents/0/item").asText()).isEqualTo("KT-22");
            assertThat(version1.at("/contents/0/kind").asText()).isEqualTo("debt");

            // The series: the same two measures, to the millisecond.
            Map<String, String> series = server.flowmeterSeries();
            String labels = "{kind=\"feature\",service=\"" + SERVICE + "\"}";
            assertThat(series).containsEntry("flowmeter_work_flow_time_seconds_sum" + labels, "78.468")
                    .containsEntry("flowmeter_work_lead_time_seconds_sum" + labels, "3486.977")
                    .containsEntry("flowmeter_work_done_total" + labels, "1.0")
                    .containsEntry("flowmeter_work_in_progress" + labels, "0.0");

            githubIssue(server);

            // Refusals name the field.
            HttpResponse<String> bad = server.get("/api/v1/work/%2342", Map.of());
            assertThat(bad.statusCode()).isEqualTo(400);
            OpenApiContract.DOCUMENT.validate("GET", WorkRoutes.ITEM, bad);
            assertThat(bad.body()).contains("\"field\":\"service\"");
            HttpResponse<String> unknown = server.get("/api/v1/work/NOPE-1", Map.of());
            assertThat(unknown.statusCode()).isEqualTo(404);
            OpenApiContract.DOCUMENT.validate("GET", WorkRoutes.ITEM, unknown);
        }
    }

    /**
     * Issue #1 of Codertocat/Hello-World from octokit's examples, labelled bug (a defect), milestone v1.0: opened at
     * 15:20:18Z, assigned (started) at 15:20:18Z, closed as completed at 17:02:45Z on 2019-05-15. A commit naming it at
     * 16:00 reaches production at 18:00. Flow time 1 h 42 min 27 s = 6,147 s; lead time 2 h 39 min 42 s = 9,582 s.
     */
    private static void githubIssue(TestServer server) throws Exception {
        int delivery = 0;
        for (String body : new String[] {"issues.opened-work-item.json", "issues.assigned.json",
                "issues.closed-completed.json"}) {
            byte[] bytes = Files.readAllBytes(GITHUB.resolve(body));
            HttpResponse<String> answer = server.post("/webhooks/github", bytes, Map.of(
                    "X-GitHub-Event", "issues",
                    "X-GitHub-Delivery", "6f1e4c2a-0000-4000-8000-00000000000" + ++delivery,
                    "X-Hub-Signature-256", "sha256=" + Hmac.sha256Hex(Secret.of(GITHUB_SECRET), bytes)));
            assertThat(answer.statusCode()).as("%s: %s", body, answer.body()).isEqualTo(202);
        }
        HttpResponse<String> code = server.post("/api/v1/events", """
                [{"id":"gh-c","type":"commit","time":"2019-05-15T16:00:00Z","service":"%1$s","sha":"%2$s",
                  "message":"Fix the greeting (#1)"},
                 {"id":"gh-d","type":"deployment","time":"2019-05-15T18:00:00Z","service":"%1$s",
                  "environment":"production","sha":"%2$s","status":"success"}]
                """.formatted(REPOSITORY, C3).getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(code.statusCode()).as(code.body()).isEqualTo(202);

        String path = "/api/v1/work/%231?service=" + REPOSITORY;
        JsonNode item = await("#1 in production").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> get(server, path), node -> node != null && node.path("inProduction").asBoolean());
        OpenApiContract.DOCUMENT.validate("GET", WorkRoutes.ITEM, server.get(path, Map.of()));
        assertThat(item.get("item").asText()).isEqualTo("#1");
        assertThat(item.get("kind").asText()).isEqualTo("defect");
        assertThat(item.get("release").asText()).isEqualTo("v1.0");
        assertThat(item.get("flowTimeSeconds").asLong()).isEqualTo(6_147);
        assertThat(item.get("leadTimeSeconds").asLong()).isEqualTo(9_582);

        JsonNode releases = get(server, "/api/v1/releases?service=" + REPOSITORY);
        assertThat(releases.get("releases")).hasSize(1);
        JsonNode v1 = releases.at("/releases/0");
        assertThat(List.of(v1.get("release").asText(), v1.get("items").asInt(), v1.get("done").asInt(),
                v1.get("inProduction").asInt())).containsExactly("v1.0", 1, 1, 1);
        assertThat(v1.at("/contents/0/item").asText()).isEqualTo("#1");

        String labels = "{kind=\"defect\",service=\"" + REPOSITORY + "\"}";
        assertThat(server.flowmeterSeries())
                .containsEntry("flowmeter_work_flow_time_seconds_sum" + labels, "6147.0")
                .containsEntry("flowmeter_work_lead_time_seconds_sum" + labels, "9582.0");
    }

    private static JsonNode get(TestServer server, String path) throws IOException {
        HttpResponse<String> response = server.get(path, Map.of());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }
}
