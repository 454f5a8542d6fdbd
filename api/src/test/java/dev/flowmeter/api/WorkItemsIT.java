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
import java.util.ArrayList;
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
            nextRelease(server);

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

    /**
     * What the next release holds, by feature, and one item's code side. On 2019-08-29 at shop/checkout: PAY-7
     * (feature "Refunds") and PAY-8 (defect "Rounding") are created at 08:00 and started at 09:00. C4 "PAY-7: refunds"
     * is committed at 10:00 (after C2); C5 at 10:15; change 12, on branch bugfix/PAY-8-rounding, opens at 10:30 with
     * C5, is first reviewed at 11:00 and lands C6 at 12:00. C6 reaches staging at 13:00, which ships C4, C5 and C6
     * there: production waits for change 12 and those three commits, so for PAY-7 and PAY-8.
     */
    private static void nextRelease(TestServer server) throws Exception {
        String c4 = "4".repeat(40);
        String c5 = "5".repeat(40);
        String c6 = "6".repeat(40);
        post(server, """
                [{"id":"w7c","type":"work.created","time":"2019-08-29T08:00:00Z","service":"%1$s","item":"PAY-7",
                  "kind":"feature","title":"Refunds"},
                 {"id":"w7s","type":"work.started","time":"2019-08-29T09:00:00Z","service":"%1$s","item":"PAY-7",
                  "kind":"feature","title":"Refunds"},
                 {"id":"w8c","type":"work.created","time":"2019-08-29T08:00:00Z","service":"%1$s","item":"PAY-8",
                  "kind":"defect","title":"Rounding"},
                 {"id":"w8s","type":"work.started","time":"2019-08-29T09:00:00Z","service":"%1$s","item":"PAY-8",
                  "kind":"defect","title":"Rounding"},
                 {"id":"c4","type":"commit","time":"2019-08-29T10:00:00Z","service":"%1$s","sha":"%2$s",
                  "parents":["%5$s"],"message":"PAY-7: refunds"},
                 {"id":"c5","type":"commit","time":"2019-08-29T10:15:00Z","service":"%1$s","sha":"%3$s",
                  "parents":["%2$s"],"message":"Round half up"},
                 {"id":"o12","type":"change.opened","time":"2019-08-29T10:30:00Z","service":"%1$s","change":"12",
                  "sha":"%3$s","commits":["%3$s"],"target":"main","title":"Rounding of totals",
                  "branch":"bugfix/PAY-8-rounding"},
                 {"id":"r12","type":"change.reviewed","time":"2019-08-29T11:00:00Z","service":"%1$s","change":"12"},
                 {"id":"m12","type":"change.merged","time":"2019-08-29T12:00:00Z","service":"%1$s","change":"12",
                  "sha":"%4$s"},
                 {"id":"c6","type":"commit","time":"2019-08-29T12:00:00Z","service":"%1$s","sha":"%4$s",
                  "parents":["%3$s"],"message":"Rounding of totals (#12)"},
                 {"id":"d-staging","type":"deployment","time":"2019-08-29T13:00:00Z","service":"%1$s",
                  "environment":"staging","sha":"%4$s","status":"success"}]
                """.formatted(SERVICE, c4, c5, c6, C2));
        String pendingPath = "/api/v1/services/" + SERVICE + "/pending?environment=production";
        JsonNode pending = await("change 12 waiting for production").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300)).until(() -> get(server, pendingPath),
                        node -> node != null && node.path("changes").size() == 1 && node.path("commits").size() == 3);
        OpenApiContract.DOCUMENT.validate("GET", ValueStreamRoutes.PENDING.replace("<service>", "{service}"),
                server.get(pendingPath, Map.of()));
        assertThat(pending.get("workSummary").asText()).isEqualTo("1 feature and 1 defect");
        assertThat(pending.get("workKinds").toString()).isEqualTo("{\"feature\":1,\"defect\":1}");
        assertThat(pending.get("workItems").toString()).isEqualTo("[{\"item\":\"PAY-7\",\"service\":\"" + SERVICE
                + "\",\"kind\":\"feature\",\"title\":\"Refunds\",\"url\":null,\"status\":\"in-progress\"},"
                + "{\"item\":\"PAY-8\",\"service\":\"" + SERVICE + "\",\"kind\":\"defect\",\"title\":\"Rounding\","
                + "\"url\":null,\"status\":\"in-progress\"}]");

        // Production at 15:00 ships the three commits; PAY-8 is done at 16:00.
        post(server, """
                [{"id":"d-prod","type":"deployment","time":"2019-08-29T15:00:00Z","service":"%1$s",
                  "environment":"production","sha":"%2$s","status":"success"},
                 {"id":"w8d","type":"work.done","time":"2019-08-29T16:00:00Z","service":"%1$s","item":"PAY-8",
                  "kind":"defect","title":"Rounding"}]
                """.formatted(SERVICE, c6));
        String deploymentPath = "/api/v1/services/" + SERVICE + "/deployments/d-prod";
        JsonNode deployment = await("the production deployment").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300)).until(() -> get(server, deploymentPath), node -> node != null);
        OpenApiContract.DOCUMENT.validate("GET", ValueStreamRoutes.DEPLOYMENT.replace("<service>", "{service}"),
                server.get(deploymentPath, Map.of()));
        assertThat(deployment.path("commits")).hasSize(3);
        assertThat(deployment.get("workSummary").asText()).isEqualTo("1 feature and 1 defect");
        assertThat(deployment.at("/workItems/0/item").asText()).isEqualTo("PAY-7");
        assertThat(deployment.at("/workItems/1/item").asText()).isEqualTo("PAY-8");

        // PAY-8: its commits are C5 (change 12's) and C6 (the one it landed). Change 12: coding 10:15 to 10:30,
        // pickup to 11:00, review to 12:00, deploy to production 15:00. Flow time 09:00 to 16:00 = 7 h, of which
        // coding and review were active: 15 min + 1 h = 1.25 h. Lead time 08:00 to 15:00 = 25,200 s.
        JsonNode item = await("PAY-8 done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> get(server, "/api/v1/work/PAY-8"),
                        node -> node != null && node.path("flowEfficiency").isNumber());
        OpenApiContract.DOCUMENT.validate("GET", WorkRoutes.ITEM, server.get("/api/v1/work/PAY-8", Map.of()));
        assertThat(item.get("partial").asBoolean()).isFalse();
        assertThat(item.get("leadTimeSeconds").asLong()).isEqualTo(25_200);
        assertThat(item.get("flowEfficiency").asDouble()).isEqualTo(1.25 / 7);
        assertThat(item.get("changes")).hasSize(1);
        JsonNode change = item.at("/changes/0");
        assertThat(change.get("change").asText()).isEqualTo("12");
        assertThat(change.get("stages").toString())
                .isEqualTo("{\"coding\":900,\"pickup\":1800,\"review\":3600,\"deploy\":10800}");
        assertThat(change.get("now").asText()).isEqualTo("in production since 2019-08-29T15:00:00Z");
        assertThat(item.get("environments").toString()).isEqualTo(
                "[{\"environment\":\"staging\",\"production\":false,\"commits\":2,"
                + "\"firstAt\":\"2019-08-29T13:00:00Z\",\"allAt\":\"2019-08-29T13:00:00Z\"},"
                + "{\"environment\":\"production\",\"production\":true,\"commits\":2,"
                + "\"firstAt\":\"2019-08-29T15:00:00Z\",\"allAt\":\"2019-08-29T15:00:00Z\"}]");
        // The code side as the service's process gives it to the item's.
        String codePath = ValueStreamRoutes.ITEM_CODE + "?service=" + SERVICE + "&item=PAY-8";
        OpenApiContract.DOCUMENT.validate("GET", ValueStreamRoutes.ITEM_CODE, server.get(codePath, Map.of()));
        JsonNode code = get(server, codePath);
        assertThat(code.get("active").toString()).isEqualTo("[{\"from\":\"2019-08-29T10:15:00Z\","
                + "\"to\":\"2019-08-29T10:30:00Z\"},"
                + "{\"from\":\"2019-08-29T11:00:00Z\",\"to\":\"2019-08-29T12:00:00Z\"}]");
        HttpResponse<String> noService = server.get(ValueStreamRoutes.ITEM_CODE + "?item=PAY-8", Map.of());
        assertThat(noService.statusCode()).isEqualTo(400);
        OpenApiContract.DOCUMENT.validate("GET", ValueStreamRoutes.ITEM_CODE, noService);
        assertThat(noService.body()).contains("\"field\":\"service\"");
        List<String> timeline = new ArrayList<>();
        item.get("timeline").forEach(e -> timeline.add(e.get("at").asText().substring(11, 16) + " "
                + e.get("what").asText()));
        assertThat(timeline).containsExactly("08:00 created", "09:00 started",
                "10:30 change 12 of shop/checkout opened", "11:00 change 12 of shop/checkout first reviewed",
                "12:00 change 12 of shop/checkout merged", "13:00 all its commits in staging",
                "13:00 first commit in staging", "15:00 all its commits in production",
                "15:00 first commit in production", "16:00 done");
    }

    private static void post(TestServer server, String events) throws IOException {
        HttpResponse<String> answer = server.post("/api/v1/events", events.getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    private static JsonNode get(TestServer server, String path) throws IOException {
        HttpResponse<String> response = server.get(path, Map.of());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }
}
