package dev.flowmeter.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.api.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A realistic GitHub story replayed through {@code POST /webhooks/github} into the real broker, each delivery signed
 * like GitHub signs it, then read back as exact values on /metrics. Then every delivery is redelivered (same body,
 * same {@code X-GitHub-Delivery}), as from GitHub's "Redeliver" button, and no metric but the duplicate counter moves.
 *
 * <p>The story, on 2026-05-01 in repository {@code octo-org/checkout} (service {@code octo-org/checkout}):
 * <ol>
 *   <li>ping when the webhook is created: ignored;</li>
 *   <li>06:00 push creating {@code main} with commit M0 (before is all zeros, so M0 has no parent);</li>
 *   <li>07:00 deployment status success of M0 to production;</li>
 *   <li>push creating branch {@code add-button} with F1 (08:00) and F2 (08:30, sent as 10:30+02:00), parent F1;</li>
 *   <li>08:45 pull request 7 opened: ignored;</li>
 *   <li>09:00 review requested on 7: code-review queued;</li>
 *   <li>09:45 review approved: code-review passed;</li>
 *   <li>10:00 pull request 7 merged as squash commit S: S recorded with parent F2 (the PR head);</li>
 *   <li>push to {@code main}, before M0, listing S (10:00): S gains parent M0;</li>
 *   <li>workflow run 30433642 requested 10:01, in progress 10:03, completed success 10:10: the ci gate;</li>
 *   <li>11:00 deployment status success of S to production.</li>
 * </ol>
 */
class GitHubWebhookIT {

    private static final String PATH = "/webhooks/github";
    private static final String SECRET = "test-secret";
    /** Scrapes happen "at" this instant; nothing is left waiting by then. */
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    private static final String ZERO = "0".repeat(40);
    private static final String M0 = "1f0e1c5a9b2d4e6f8a0b1c2d3e4f5a6b7c8d9e01";
    private static final String F1 = "2a7d3c9e1b5f4a8d6c0e2b4f6a8c0e2d4f6b8a02";
    private static final String F2 = "3b8e4dafc26a5b9e7d1f3c5a7b9d1f3e5a7c9b03";
    private static final String S = "4c9f5eb0d37b6cafe82a4d6b8cae2a4f6b8dac04";
    private static final String REPO = "octo-org/checkout";
    private static final String RUN_ID = "30433642";

    private static final String PROD = "environment=\"production\",service=\"octo-org/checkout\"";
    private static final String REVIEW = "gate=\"code-review\",service=\"octo-org/checkout\"";
    private static final String CI = "gate=\"ci\",service=\"octo-org/checkout\"";
    private static final String DUPLICATES = "flowmeter_events_duplicate_total";

    /** One webhook call as GitHub sends it: the event header, the delivery id and the exact bytes signed. */
    private record Delivery(String event, String id, byte[] body) {
    }

    @TempDir
    Path dataDir;

    @Test
    void shouldServeExactLeadTimeAndGateWaitsAndCountRedeliveriesOnlyAsDuplicates() {
        List<Delivery> story = story();
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of("GITHUB_WEBHOOK_SECRET", SECRET))) {
            for (Delivery delivery : story) {
                send(server, delivery);
            }
            Map<String, String> expected = expectedSeries();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).containsAllEntriesOf(expected));
            assertPullRequestStages(server);
            Map<String, String> before = server.flowmeterSeries();
            assertThat(before.getOrDefault(DUPLICATES, "0.0")).isEqualTo("0.0");

            for (Delivery delivery : story) {
                send(server, delivery);
            }

            // 13 deliveries carried 16 events (the ping carries none, the opened pull request one change, the review
            // two, the merge three): 16 duplicates.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).containsEntry(DUPLICATES, "16.0"));
            Map<String, String> after = new TreeMap<>(server.flowmeterSeries());
            after.remove(DUPLICATES);
            Map<String, String> unchanged = new TreeMap<>(before);
            unchanged.remove(DUPLICATES);
            assertThat(after).isEqualTo(unchanged);
        }
    }

    /**
     * Pull request 7's value stream. GitHub lists no commits of a pull request, so its first commit is its head F2
     * (08:30, sent as 10:30+02:00): coding 08:30 to the 08:45 opening, 900 s; pickup to octocat's 09:45 approval,
     * 3600 s; review to the 10:00 merge, 900 s; deploy to the 11:00 production deployment of the squash S, 3600 s, in
     * one hop merged -> production; cycle time 9000 s.
     */
    private static void assertPullRequestStages(TestServer server) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> change = server.get("/api/v1/services/" + REPO + "/changes/7", Map.of());
            assertThat(change.statusCode()).isEqualTo(200);
            assertThat(change.body()).contains(
                    "\"title\":\"Add the pay button\"",
                    "\"now\":\"in production since 2026-05-01T11:00:00Z\"",
                    "\"firstCommitAt\":\"2026-05-01T08:30:00Z\"",
                    "\"stages\":{\"coding\":900,\"pickup\":3600,\"review\":900,\"deploy\":3600}",
                    "\"hops\":[{\"from\":\"merged\",\"to\":\"production\",\"seconds\":3600}]",
                    "\"cycleTimeSeconds\":9000");
        });
    }

    /**
     * FLOWMETER_INCIDENT_LABELS reaches the GitHub source: with {@code Sev1} configured, an issue opened with the label
     * {@code sev1} is an incident and one with the default {@code incident} label is not: it is a work item.
     */
    @Test
    void shouldOpenAndResolveTheIncidentWhenAnIssueCarriesAConfiguredIncidentLabel() {
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of("GITHUB_WEBHOOK_SECRET", SECRET,
                "FLOWMETER_INCIDENT_LABELS", "Sev1"))) {
            Delivery opened = delivery("issues", 21, issue("opened", "open", "sev1", "null"));
            Delivery closed = delivery("issues", 22, issue("closed", "closed", "sev1", "\"2026-05-01T11:40:00Z\""));
            Delivery other = delivery("issues", 23, issue("opened", "open", "incident", "null"));

            assertThat(send(server, opened)).isEqualTo("{\"accepted\":[\"github:" + opened.id()
                    + ":incident.opened\"]}");
            assertThat(send(server, closed)).isEqualTo("{\"accepted\":[\"github:" + closed.id()
                    + ":incident.resolved\"]}");
            assertThat(send(server, other)).isEqualTo("{\"accepted\":[\"github:" + other.id()
                    + ":work.created\"]}");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries())
                            .containsEntry("flowmeter_events_total{type=\"incident.opened\"}", "1.0")
                            .containsEntry("flowmeter_events_total{type=\"incident.resolved\"}", "1.0")
                            .containsEntry("flowmeter_events_total{type=\"work.created\"}", "1.0"));
        }
    }

    private static String send(TestServer server, Delivery delivery) {
        HttpResponse<String> response = server.post(PATH, delivery.body(), Map.of(
                "X-GitHub-Event", delivery.event(),
                "X-GitHub-Delivery", delivery.id(),
                "X-Hub-Signature-256", "sha256=" + hmacSha256(delivery.body()),
                "User-Agent", "GitHub-Hookshot/044aadd"));
        assertThat(response.statusCode()).as("%s %s: %s", delivery.event(), delivery.id(), response.body())
                .isEqualTo(202);
        return response.body();
    }

    /**
     * Worked out by hand.
     *
     * <p>Lead time to production. The 07:00 deployment ships M0 (06:00): 3600 s. The 11:00 deployment ships S and what
     * is behind it: S's parents are F2 (from the merge) and M0 (from the push to main). S (10:00): 3600 s; F2 (08:30):
     * 9000 s; F1 (08:00, F2's parent): 10800 s; M0 is already in production, so the walk stops there. Count 4, sum
     * 3600 + 3600 + 9000 + 10800 = 27000. Buckets: two at or below 3600, none more up to 7200, all four at or below
     * 14400. Batch sizes: 1 and 3, sum 4. Two successful production deployments.
     *
     * <p>Gates. Code review of PR 7: queued 09:00, approved 09:45 without a start, so a wait of 2700 s and no
     * duration. CI run 30433642: queued 10:01, started 10:03, passed 10:10: a wait of 120 s and a duration of 420 s.
     * Nothing waits at 12:00.
     *
     * <p>Events: commits M0, F1, F2, S (merge) and S (push) = 5; deployments 2; gate.queued 2 (review, ci);
     * gate.started 1 (ci); gate.finished 3 (review approved, review left by the merge, ci). The merge's finish comes
     * after the approval's on the same pass, so it changes no measure. Beside them the pull request's change events:
     * change.opened 1 (opened), change.reviewed 1 (octocat's approval: not the author, Codertocat), change.merged 1
     * (closed, merged). Sixteen events from thirteen deliveries.
     */
    private static Map<String, String> expectedSeries() {
        Map<String, String> expected = new TreeMap<>();
        expected.put("flowmeter_lead_time_seconds_count{" + PROD + "}", "4");
        expected.put("flowmeter_lead_time_seconds_sum{" + PROD + "}", "27000.0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"1800.0\"}", "0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"3600.0\"}", "2");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"7200.0\"}", "2");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"14400.0\"}", "4");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"+Inf\"}", "4");
        expected.put("flowmeter_deployments_total{" + PROD.replace("service", "outcome=\"success\",service") + "}",
                "2.0");
        expected.put("flowmeter_deployment_commits_count{" + PROD + "}", "2");
        expected.put("flowmeter_deployment_commits_sum{" + PROD + "}", "4.0");
        expected.put("flowmeter_deployment_commits_bucket{" + PROD + ",le=\"1.0\"}", "1");
        expected.put("flowmeter_deployment_commits_bucket{" + PROD + ",le=\"2.0\"}", "1");
        expected.put("flowmeter_deployment_commits_bucket{" + PROD + ",le=\"3.0\"}", "2");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + REVIEW + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + REVIEW + "}", "2700.0");
        expected.put("flowmeter_gate_queue_wait_seconds_bucket{" + REVIEW + ",le=\"1800.0\"}", "0");
        expected.put("flowmeter_gate_queue_wait_seconds_bucket{" + REVIEW + ",le=\"3600.0\"}", "1");
        expected.put("flowmeter_gate_waiting_items{" + REVIEW + "}", "0.0");
        expected.put("flowmeter_gate_oldest_wait_seconds{" + REVIEW + "}", "0.0");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + CI + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + CI + "}", "120.0");
        expected.put("flowmeter_gate_queue_wait_seconds_bucket{" + CI + ",le=\"60.0\"}", "0");
        expected.put("flowmeter_gate_queue_wait_seconds_bucket{" + CI + ",le=\"300.0\"}", "1");
        expected.put("flowmeter_gate_duration_seconds_count{" + CI.replace("service", "outcome=\"passed\",service")
                + "}", "1");
        expected.put("flowmeter_gate_duration_seconds_sum{" + CI.replace("service", "outcome=\"passed\",service")
                + "}", "420.0");
        expected.put("flowmeter_gate_waiting_items{" + CI + "}", "0.0");
        expected.put("flowmeter_gate_oldest_wait_seconds{" + CI + "}", "0.0");
        expected.put("flowmeter_events_total{type=\"commit\"}", "5.0");
        expected.put("flowmeter_events_total{type=\"deployment\"}", "2.0");
        expected.put("flowmeter_events_total{type=\"gate.queued\"}", "2.0");
        expected.put("flowmeter_events_total{type=\"gate.started\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"gate.finished\"}", "3.0");
        expected.put("flowmeter_events_total{type=\"change.opened\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"change.merged\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"change.reviewed\"}", "1.0");
        return expected;
    }

    private static List<Delivery> story() {
        List<Delivery> story = new ArrayList<>();
        story.add(delivery("ping", 1, """
                {"zen":"Design for failure.","hook_id":4217,"hook":{"type":"Repository","id":4217,"name":"web",
                 "active":true,"events":["push","pull_request","pull_request_review","workflow_run",
                 "deployment_status","deployment_review"],"config":{"content_type":"json","insecure_ssl":"0"}},
                 %s}""".formatted(repositoryAndSender())));
        story.add(delivery("push", 2, push("refs/heads/main", ZERO, M0,
                commit(M0, "Initial checkout service", "2026-05-01T06:00:00Z"))));
        story.add(delivery("deployment_status", 3, deploymentStatus(9001, M0, "2026-05-01T07:00:00Z")));
        story.add(delivery("push", 4, push("refs/heads/add-button", ZERO, F2,
                commit(F1, "Add the pay button", "2026-05-01T08:00:00Z"),
                commit(F2, "Disable the button while paying", "2026-05-01T10:30:00+02:00"))));
        story.add(delivery("pull_request", 5, pullRequest("opened", "2026-05-01T08:45:00Z", "")));
        story.add(delivery("pull_request", 6, pullRequest("review_requested", "2026-05-01T09:00:00Z",
                ",\"requested_reviewer\":{\"login\":\"octocat\",\"id\":5346,\"type\":\"User\"}")));
        story.add(delivery("pull_request_review", 7, """
                {"action":"submitted","review":{"id":80,"user":{"login":"octocat","id":5346,"type":"User"},
                 "body":"Looks good","commit_id":"%s","submitted_at":"2026-05-01T09:45:00Z","state":"approved"},
                 "pull_request":{"number":7,"state":"open","title":"Add the pay button",
                 "user":{"login":"Codertocat","id":21031067,"type":"User"},"head":{"ref":"add-button",
                 "sha":"%s"},"base":{"ref":"main","sha":"%s"}},%s}""".formatted(F2, F2, M0, repositoryAndSender())));
        story.add(delivery("pull_request", 8, pullRequest("closed", "2026-05-01T10:00:00Z", "")));
        story.add(delivery("push", 9, push("refs/heads/main", M0, S,
                commit(S, "Add the pay button (#7)", "2026-05-01T10:00:00Z"))));
        story.add(delivery("workflow_run", 10, workflowRun("requested", "queued", "null", "2026-05-01T10:01:00Z")));
        story.add(delivery("workflow_run", 11, workflowRun("in_progress", "in_progress", "null",
                "2026-05-01T10:03:00Z")));
        story.add(delivery("workflow_run", 12, workflowRun("completed", "completed", "\"success\"",
                "2026-05-01T10:10:00Z")));
        story.add(delivery("deployment_status", 13, deploymentStatus(9002, S, "2026-05-01T11:00:00Z")));
        return story;
    }

    private static Delivery delivery(String event, int number, String json) {
        return new Delivery(event, "5b1f6c2e-45d1-11f1-8e3a-%012d".formatted(number),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static String push(String ref, String before, String after, String... commits) {
        return """
                {"ref":"%s","before":"%s","after":"%s","created":%s,"deleted":false,"forced":false,
                 "compare":"https://github.com/octo-org/checkout/compare/%s...%s","commits":[%s],
                 "pusher":{"name":"Codertocat","email":"21031067+Codertocat@users.noreply.github.com"},%s}"""
                .formatted(ref, before, after, before.equals(ZERO), before.substring(0, 12), after.substring(0, 12),
                        String.join(",", commits), repositoryAndSender());
    }

    private static String commit(String sha, String message, String timestamp) {
        return """
                {"id":"%s","distinct":true,"message":"%s","timestamp":"%s",
                 "url":"https://github.com/octo-org/checkout/commit/%s",
                 "author":{"name":"Codertocat","email":"21031067+Codertocat@users.noreply.github.com",
                 "username":"Codertocat"},"added":[],"removed":[],"modified":["src/checkout/Pay.java"]}"""
                .formatted(sha, message, timestamp, sha);
    }

    /** Pull request 7 from add-button (head F2) into main; closed means merged as the squash commit S at 10:00. */
    private static String pullRequest(String action, String updatedAt, String extra) {
        boolean merged = action.equals("closed");
        return """
                {"action":"%s","number":7,"pull_request":{"id":1850000007,"number":7,"state":"%s",
                 "title":"Add the pay button","user":{"login":"Codertocat","id":21031067,"type":"User"},
                 "created_at":"2026-05-01T08:45:00Z","updated_at":"%s","closed_at":%s,"merged_at":%s,
                 "merge_commit_sha":"%s","merged":%s,"head":{"ref":"add-button","sha":"%s"},
                 "base":{"ref":"main","sha":"%s"}}%s,%s}"""
                .formatted(action, merged ? "closed" : "open", updatedAt, merged ? "\"" + updatedAt + "\"" : "null",
                        merged ? "\"" + updatedAt + "\"" : "null", S, merged, F2, M0, extra, repositoryAndSender());
    }

    private static String workflowRun(String action, String status, String conclusion, String updatedAt) {
        return """
                {"action":"%s","workflow_run":{"id":%s,"name":"CI","head_branch":"main","head_sha":"%s",
                 "path":".github/workflows/ci.yml","run_number":57,"event":"push","status":"%s","conclusion":%s,
                 "workflow_id":1644,"created_at":"2026-05-01T10:01:00Z","updated_at":"%s","run_attempt":1,
                 "run_started_at":"2026-05-01T10:01:00Z"},"workflow":{"id":1644,"name":"CI",
                 "path":".github/workflows/ci.yml","state":"active"},%s}"""
                .formatted(action, RUN_ID, S, status, conclusion, updatedAt, repositoryAndSender());
    }

    private static String deploymentStatus(long deploymentId, String sha, String createdAt) {
        return """
                {"action":"created","deployment_status":{"id":%d,"state":"success","description":"",
                 "environment":"production","created_at":"%s","updated_at":"%s"},
                 "deployment":{"id":%d,"sha":"%s","ref":"main","task":"deploy","environment":"production",
                 "original_environment":"production","created_at":"%s","updated_at":"%s"},%s}"""
                .formatted(deploymentId + 100_000, createdAt, createdAt, deploymentId, sha, createdAt, createdAt,
                        repositoryAndSender());
    }

    /** Issue 12, opened at 11:05 with one label; {@code closedAt} is JSON: {@code null} or a quoted time. */
    private static String issue(String action, String state, String label, String closedAt) {
        return """
                {"action":"%s","issue":{"id":2970000012,"number":12,"title":"Checkout answers 502",
                 "user":{"login":"Codertocat","id":21031067,"type":"User"},"labels":[{"id":5104912001,"name":"%s",
                 "color":"b60205","default":false}],"state":"%s","created_at":"2026-05-01T11:05:00Z",
                 "updated_at":%s,"closed_at":%s},%s}"""
                .formatted(action, label, state, closedAt.equals("null") ? "\"2026-05-01T11:05:00Z\"" : closedAt,
                        closedAt, repositoryAndSender());
    }

    private static String repositoryAndSender() {
        return """
                "repository":{"id":5150001,"name":"checkout","full_name":"%s","private":true,
                 "owner":{"login":"octo-org","id":41548062,"type":"Organization"},"default_branch":"main"},
                 "sender":{"login":"Codertocat","id":21031067,"type":"User"}""".formatted(REPO);
    }

    private static String hmacSha256(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
