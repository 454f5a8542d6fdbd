package dev.flowmeter.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.api.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A realistic GitLab sequence through HTTP into the real server and broker: a feature branch pushed, its merge request
 * opened, approved and merged (the merge commit linked to the reviewed head), the main pipeline pending, running,
 * blocked on its manual production deploy job, played and successful, and GitLab's deployment to production. Exact
 * lead times and gate waits come out of /metrics; redelivering every webhook changes nothing but the duplicate count.
 */
class GitLabWebhookIT {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String PATH = "/webhooks/gitlab";
    private static final String TOKEN = "test-token";

    private static final String C1 = "a3f1c2d4e5b60718293a4b5c6d7e8f9012345678";
    private static final String C2 = "b4e2d3c5f6a71829304b5c6d7e8f90a123456789";
    private static final String MERGE = "c5f3e4d6a7b8293a405c6d7e8f90a1b234567890";
    private static final String ZEROS = "0000000000000000000000000000000000000000";

    private static final String PROD = "environment=\"production\",service=\"shop/checkout\"";
    private static final String REVIEW = "gate=\"code-review\",service=\"shop/checkout\"";
    private static final String CI = "gate=\"ci\",service=\"shop/checkout\"";
    private static final String APPROVAL = "gate=\"approval:production\",service=\"shop/checkout\"";

    @TempDir
    Path dataDir;

    /** One webhook call: the X-Gitlab-Event, the Idempotency-Key GitLab gives that delivery, and the body. */
    private record Delivery(String event, String key, String body) {
    }

    @Test
    void shouldServeExactLeadTimeAndGateWaitsAndIgnoreRedeliveriesWhenGitLabReportsAChange() {
        List<Delivery> sequence = sequence();
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of("GITLAB_WEBHOOK_TOKEN", TOKEN))) {
            List<String> answers = new ArrayList<>();
            for (Delivery delivery : sequence) {
                HttpResponse<String> response = send(server, delivery);
                assertThat(response.statusCode()).as(delivery.event() + " " + delivery.key()).isEqualTo(202);
                answers.add(response.body());
            }
            assertThat(answers.get(0)).isEqualTo("{\"accepted\":[\"gitlab:8e0f6b7a-0001-4c1e-9a51-2f1d3c4b5a61:commit:"
                    + C1 + "\",\"gitlab:8e0f6b7a-0001-4c1e-9a51-2f1d3c4b5a61:commit:" + C2 + "\"]}");

            Map<String, String> expected = expectedSeries();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).containsAllEntriesOf(expected));
            assertMergeRequestStages(server);
            Map<String, String> before = server.flowmeterSeries();
            assertThat(before.getOrDefault("flowmeter_events_duplicate_total", "0.0")).isEqualTo("0.0");

            // GitLab resends a delivery with its Idempotency-Key unchanged: same ids, so every event is dropped.
            for (int i = 0; i < sequence.size(); i++) {
                HttpResponse<String> response = send(server, sequence.get(i));
                assertThat(response.statusCode()).isEqualTo(202);
                assertThat(response.body()).isEqualTo(answers.get(i));
            }

            // 23 events were redelivered (counted in expectedSeries: 3 commits, 8 queued, 3 started, 5 finished,
            // 1 deployment, 1 change opened, 1 reviewed and 1 merged), so the duplicate counter goes from 0 to 23 and
            // nothing else moves.
            Map<String, String> after = new TreeMap<>(before);
            after.put("flowmeter_events_duplicate_total", "23.0");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).isEqualTo(after));
        }
    }

    /**
     * Worked out by hand.
     *
     * <p>Lead time: C1 committed 06:00, C2 07:00 (both pushed on the feature branch, C2 after C1), the merge commit
     * 08:30 with the reviewed head C2 as parent. Deployed to production at 09:20 (11:20 +0200), the walk from the merge
     * commit ships all three: 3000 s + 8400 s + 12000 s = 23400 s; 3000 s is at or below 3600, the others above 7200,
     * all at or below 14400. The deployment ships 3 commits.
     *
     * <p>Code review of !7: queued when opened at 07:30, approved at 08:15: waited 2700 s; no start, so no duration.
     * The merge at 08:30 reports a second verdict, which does not change the first.
     *
     * <p>CI, pipeline 501: created 08:31, queued 120 s, so started 08:33: waited 120 s; finished 09:20 after the
     * manual deploy job ran, so 2820 s at work, passed.
     *
     * <p>Approval for production, deploy job 9003: playable once the test stage finished at 08:44 (the build stage
     * finished at 08:38), played (started) at 09:10: waited 1560 s; the deployment itself is not time at the gate.
     *
     * <p>Nothing is waiting at 12:00, so every gauge is 0.
     *
     * <p>Events: push 2 commits; MR open 1 queued; approved 1 finished; merge 1 finished + 1 commit; pipeline pending
     * 1 queued; running 1 queued + 1 started; blocked 1 queued (approval); played 2 queued + 1 started + 1 finished;
     * success 2 queued + 1 started + 2 finished; deployment 1. Commits 3, queued 8, started 3, finished 5,
     * deployments 1; and the merge request's change events: opened 1 (open), reviewed 1 (approved by user 58, not
     * the author 31), merged 1 (merge): 23 in all.
     */
    private static Map<String, String> expectedSeries() {
        Map<String, String> expected = new TreeMap<>();
        expected.put("flowmeter_lead_time_seconds_count{" + PROD + "}", "3");
        expected.put("flowmeter_lead_time_seconds_sum{" + PROD + "}", "23400.0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"1800.0\"}", "0");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"3600.0\"}", "1");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"7200.0\"}", "1");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"14400.0\"}", "3");
        expected.put("flowmeter_lead_time_seconds_bucket{" + PROD + ",le=\"+Inf\"}", "3");
        expected.put("flowmeter_deployments_total{" + PROD.replace("service", "outcome=\"success\",service") + "}",
                "1.0");
        expected.put("flowmeter_deployment_commits_count{" + PROD + "}", "1");
        expected.put("flowmeter_deployment_commits_sum{" + PROD + "}", "3.0");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + REVIEW + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + REVIEW + "}", "2700.0");
        expected.put("flowmeter_gate_waiting_items{" + REVIEW + "}", "0.0");
        expected.put("flowmeter_gate_oldest_wait_seconds{" + REVIEW + "}", "0.0");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + CI + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + CI + "}", "120.0");
        expected.put("flowmeter_gate_duration_seconds_count{" + CI.replace("service", "outcome=\"passed\",service")
                + "}", "1");
        expected.put("flowmeter_gate_duration_seconds_sum{" + CI.replace("service", "outcome=\"passed\",service")
                + "}", "2820.0");
        expected.put("flowmeter_gate_waiting_items{" + CI + "}", "0.0");
        expected.put("flowmeter_gate_queue_wait_seconds_count{" + APPROVAL + "}", "1");
        expected.put("flowmeter_gate_queue_wait_seconds_sum{" + APPROVAL + "}", "1560.0");
        expected.put("flowmeter_gate_waiting_items{" + APPROVAL + "}", "0.0");
        expected.put("flowmeter_gate_oldest_wait_seconds{" + APPROVAL + "}", "0.0");
        expected.put("flowmeter_events_total{type=\"commit\"}", "3.0");
        expected.put("flowmeter_events_total{type=\"gate.queued\"}", "8.0");
        expected.put("flowmeter_events_total{type=\"gate.started\"}", "3.0");
        expected.put("flowmeter_events_total{type=\"gate.finished\"}", "5.0");
        expected.put("flowmeter_events_total{type=\"deployment\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"change.opened\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"change.merged\"}", "1.0");
        expected.put("flowmeter_events_total{type=\"change.reviewed\"}", "1.0");
        return expected;
    }

    private static HttpResponse<String> send(TestServer server, Delivery delivery) {
        return server.post(PATH, delivery.body().getBytes(StandardCharsets.UTF_8), Map.of(
                "X-Gitlab-Event", delivery.event(),
                "X-Gitlab-Token", TOKEN,
                "Idempotency-Key", delivery.key(),
                "User-Agent", "GitLab/17.6.0"));
    }

    /**
     * Merge request 7's value stream. The hook names its head C2 (09:00+02:00, 07:00Z) and no other commit: coding
     * 07:00 to the 07:30 opening, 1800 s; pickup to the 08:15 approval, 2700 s; review to the 08:30 merge, 900 s;
     * deploy to GitLab's 11:20+02:00 (09:20Z) production deployment of the merge commit, 3000 s, one hop; cycle
     * 8400 s.
     */
    private static void assertMergeRequestStages(TestServer server) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> change = server.get("/api/v1/services/shop/checkout/changes/7", Map.of());
            assertThat(change.statusCode()).isEqualTo(200);
            assertThat(change.body()).contains(
                    "\"title\":\"Cart totals\"",
                    "\"firstCommitAt\":\"2026-05-01T07:00:00Z\"",
                    "\"stages\":{\"coding\":1800,\"pickup\":2700,\"review\":900,\"deploy\":3000}",
                    "\"hops\":[{\"from\":\"merged\",\"to\":\"production\",\"seconds\":3000}]",
                    "\"cycleTimeSeconds\":8400");
        });
    }

    private static List<Delivery> sequence() {
        return List.of(
                new Delivery("Push Hook", "8e0f6b7a-0001-4c1e-9a51-2f1d3c4b5a61", push()),
                new Delivery("Merge Request Hook", "8e0f6b7a-0002-4c1e-9a51-2f1d3c4b5a61",
                        mergeRequest("open", "2026-05-01 07:30:00 UTC", null)),
                new Delivery("Merge Request Hook", "8e0f6b7a-0003-4c1e-9a51-2f1d3c4b5a61",
                        mergeRequest("approved", "2026-05-01 08:15:00 UTC", null)),
                new Delivery("Merge Request Hook", "8e0f6b7a-0004-4c1e-9a51-2f1d3c4b5a61",
                        mergeRequest("merge", "2026-05-01 08:30:00 UTC", MERGE)),
                new Delivery("Pipeline Hook", "8e0f6b7a-0005-4c1e-9a51-2f1d3c4b5a61",
                        pipeline("pending", null, null, null, "created", "created", "created", null, null)),
                new Delivery("Pipeline Hook", "8e0f6b7a-0006-4c1e-9a51-2f1d3c4b5a61",
                        pipeline("running", 120, null, null, "running", "created", "created", null, null)),
                new Delivery("Pipeline Hook", "8e0f6b7a-0007-4c1e-9a51-2f1d3c4b5a61",
                        pipeline("manual", 120, 660, null, "success", "success", "manual", null, null)),
                new Delivery("Pipeline Hook", "8e0f6b7a-0008-4c1e-9a51-2f1d3c4b5a61",
                        pipeline("running", 120, 660, null, "success", "success", "running",
                                "2026-05-01 09:10:00 UTC", null)),
                new Delivery("Pipeline Hook", "8e0f6b7a-0009-4c1e-9a51-2f1d3c4b5a61",
                        pipeline("success", 120, 1260, "2026-05-01 09:20:00 UTC", "success", "success", "success",
                                "2026-05-01 09:10:00 UTC", "2026-05-01 09:20:00 UTC")),
                new Delivery("Deployment Hook", "8e0f6b7a-0010-4c1e-9a51-2f1d3c4b5a61", deployment()));
    }

    private static String project() {
        return """
                {"id": 42, "name": "checkout", "namespace": "shop", "path_with_namespace": "shop/checkout",
                 "web_url": "https://gitlab.example.com/shop/checkout", "default_branch": "main"}""";
    }

    /** A new feature branch with two commits, listed oldest first as GitLab does. */
    private static String push() {
        return """
                {"object_kind": "push", "event_name": "push", "before": "%s", "after": "%s",
                 "ref": "refs/heads/feature/cart", "checkout_sha": "%s", "project_id": 42, "project": %s,
                 "commits": [
                   {"id": "%s", "title": "Add cart totals", "timestamp": "2026-05-01T08:00:00+02:00",
                    "added": ["src/cart/Totals.java"], "modified": [], "removed": []},
                   {"id": "%s", "title": "Test cart totals", "timestamp": "2026-05-01T09:00:00+02:00",
                    "added": ["src/cart/TotalsTest.java"], "modified": ["src/cart/Totals.java"], "removed": []}
                 ],
                 "total_commits_count": 2}""".formatted(ZEROS, C2, C2, project(), C1, C2);
    }

    /** Merge request 7 by user 31 (the author); user 58 approves it, and the hook's {@code user} is who acted. */
    private static String mergeRequest(String action, String updatedAt, String mergeCommitSha) {
        String state = "merge".equals(action) ? "merged" : "opened";
        return """
                {"object_kind": "merge_request", "event_type": "merge_request", "project": %s,
                 "user": {"id": %d, "username": "%s"},
                 "object_attributes": {"id": 9917, "iid": 7, "target_branch": "main", "source_branch": "feature/cart",
                  "author_id": 31, "title": "Cart totals", "state": "%s", "action": "%s",
                  "created_at": "2026-05-01 07:30:00 UTC", "updated_at": "%s", "merge_commit_sha": %s,
                  "last_commit": {"id": "%s", "title": "Test cart totals", "timestamp": "2026-05-01T09:00:00+02:00"},
                  "url": "https://gitlab.example.com/shop/checkout/-/merge_requests/7"}}"""
                .formatted(project(), "approved".equals(action) ? 58 : 31,
                        "approved".equals(action) ? "reviewer" : "author", state, action, updatedAt,
                        mergeCommitSha == null ? "null" : "\"" + mergeCommitSha + "\"", C2);
    }

    /**
     * Pipeline 501 on main for the merge commit, created 08:31: build (08:33-08:38), test (08:38-08:44), then the
     * manual deploy job 9003 to production. As in GitLab, {@code queuedDuration} is null until the pipeline runs and
     * {@code duration} (seconds spent running) until it first stops: 08:33-08:44 is 660 s, plus 09:10-09:20 is 1260 s.
     */
    private static String pipeline(String status, Integer queuedDuration, Integer duration, String finishedAt,
            String build, String test, String deploy, String deployStartedAt, String deployFinishedAt) {
        return """
                {"object_kind": "pipeline",
                 "object_attributes": {"id": 501, "iid": 88, "ref": "main", "tag": false, "sha": "%s",
                  "source": "push", "status": "%s", "stages": ["build", "test", "deploy"],
                  "created_at": "2026-05-01 08:31:00 UTC", "finished_at": %s, "duration": %s,
                  "queued_duration": %s},
                 "project": %s,
                 "builds": [
                   {"id": 9001, "stage": "build", "name": "compile", "status": "%s", "when": "on_success",
                    "manual": false, "allow_failure": false, "created_at": "2026-05-01 08:31:00 UTC",
                    "started_at": %s, "finished_at": %s, "environment": null},
                   {"id": 9002, "stage": "test", "name": "unit", "status": "%s", "when": "on_success",
                    "manual": false, "allow_failure": false, "created_at": "2026-05-01 08:31:00 UTC",
                    "started_at": %s, "finished_at": %s, "environment": null},
                   {"id": 9003, "stage": "deploy", "name": "deploy-production", "status": "%s", "when": "manual",
                    "manual": true, "allow_failure": false, "created_at": "2026-05-01 08:31:00 UTC",
                    "started_at": %s, "finished_at": %s,
                    "environment": {"name": "production", "action": "start", "deployment_tier": "production"}}
                 ]}""".formatted(MERGE, status, text(finishedAt), duration, queuedDuration, project(),
                build, "created".equals(build) ? "null" : text("2026-05-01 08:33:00 UTC"),
                "success".equals(build) ? text("2026-05-01 08:38:00 UTC") : "null",
                test, "success".equals(test) ? text("2026-05-01 08:38:00 UTC") : "null",
                "success".equals(test) ? text("2026-05-01 08:44:00 UTC") : "null",
                deploy, text(deployStartedAt), text(deployFinishedAt));
    }

    /** GitLab's deployment event: no full sha field, the sha ends commit_url; the time carries an offset. */
    private static String deployment() {
        return """
                {"object_kind": "deployment", "status": "success", "status_changed_at": "2026-05-01 11:20:00 +0200",
                 "deployment_id": 311, "deployable_id": 9003,
                 "deployable_url": "https://gitlab.example.com/shop/checkout/-/jobs/9003",
                 "environment": "production", "environment_tier": "production", "environment_slug": "production",
                 "project": %s, "short_sha": "%s",
                 "commit_url": "https://gitlab.example.com/shop/checkout/-/commit/%s",
                 "commit_title": "Merge branch 'feature/cart' into 'main'"}"""
                .formatted(project(), MERGE.substring(0, 8), MERGE);
    }

    private static String text(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }
}
