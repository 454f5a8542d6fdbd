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
    private static final String DORA = "/api/v1/dora";
    private static final String TREND = "/api/v1/dora/trend";
    private static final String INCIDENTS = "/api/v1/incidents";
    private static final String C1 = "1".repeat(40);
    private static final String C2 = "2".repeat(40);
    private static final String C3 = "3".repeat(40);
    private static final String S1 = "a".repeat(40);
    private static final String S2 = "b".repeat(40);
    private static final String S3 = "c".repeat(40);
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
        HttpResponse<String> delivery = post(EVENTS, """
                [
                  {"id":"c1","type":"commit","time":"2026-04-28T08:00:00Z","service":"shop/checkout","sha":"%s"},
                  {"id":"d1","type":"deployment","time":"2026-04-28T10:00:00Z","service":"shop/checkout",
                   "environment":"production","sha":"%s","status":"success"},
                  {"id":"d2","type":"deployment","time":"2026-04-29T10:00:00Z","service":"shop/checkout",
                   "environment":"production","sha":"%s","status":"failure"},
                  {"id":"d3","type":"deployment","time":"2026-04-29T11:00:00Z","service":"shop/checkout",
                   "environment":"production","sha":"%s","status":"success"},
                  {"id":"i1","type":"incident.opened","time":"2026-04-30T09:00:00Z","service":"shop/checkout",
                   "incident":"PD-1"},
                  {"id":"i2","type":"incident.resolved","time":"2026-04-30T10:00:00Z","service":"shop/checkout",
                   "incident":"PD-1"},
                  {"id":"o42","type":"change.opened","time":"2026-04-28T09:00:00Z","service":"shop/checkout",
                   "change":42,"sha":"%s","commits":["%s"],"target":"main","title":"Pay by card",
                   "url":"https://git.example/shop/pull/42"},
                  {"id":"r42","type":"change.reviewed","time":"2026-04-28T09:30:00Z","service":"shop/checkout",
                   "change":42},
                  {"id":"m42","type":"change.merged","time":"2026-04-28T09:45:00Z","service":"shop/checkout",
                   "change":42,"sha":"%s"},
                  {"id":"o43","type":"change.opened","time":"2026-04-30T08:00:00Z","service":"shop/checkout",
                   "change":43,"sha":"%s","target":"main","title":"Refunds"},
                  {"id":"m43","type":"change.merged","time":"2026-04-30T09:00:00Z","service":"shop/checkout",
                   "change":43,"sha":"%s"}
                ]""".formatted(C1, C1, C2, C1, C1, C1, C1, C3, C3), INGEST);
        assertThat(delivery.statusCode()).isEqualTo(202);
        // shop/search, for the trend: two weeks before NOW a quiet week, then two good deployments, then a failure
        // exactly at the start of the last week, recovered 30 min later.
        HttpResponse<String> search = post(EVENTS, """
                [
                  {"id":"sc1","type":"commit","time":"2026-04-20T08:00:00Z","service":"shop/search","sha":"%s"},
                  {"id":"sc2","type":"commit","time":"2026-04-21T09:00:00Z","service":"shop/search","sha":"%s"},
                  {"id":"sd1","type":"deployment","time":"2026-04-20T12:00:00Z","service":"shop/search",
                   "environment":"production","sha":"%s","status":"success"},
                  {"id":"sd2","type":"deployment","time":"2026-04-21T10:00:00Z","service":"shop/search",
                   "environment":"production","sha":"%s","status":"success"},
                  {"id":"sd3","type":"deployment","time":"2026-04-24T12:00:00Z","service":"shop/search",
                   "environment":"production","sha":"%s","status":"failure"},
                  {"id":"sd4","type":"deployment","time":"2026-04-24T12:30:00Z","service":"shop/search",
                   "environment":"production","sha":"%s","status":"success"}
                ]""".formatted(S1, S2, S1, S2, S3, S2), INGEST);
        assertThat(search.statusCode()).isEqualTo(202);
        contract("POST", EVENTS, search);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(server.get(GATES, READ).body()).contains("\"PR-2\"", "\"17\"");
            assertThat(server.get(INCIDENTS, READ).body()).contains("\"resolvedAt\":\"2026-04-30T10:00:00Z\"");
            assertThat(server.get(DORA + "?service=shop/checkout", READ).body()).contains("\"deployments\":3");
            assertThat(server.get("/api/v1/services/shop/checkout/changes/43", READ).statusCode()).isEqualTo(200);
            assertThat(server.get(DORA + "?service=shop/search", READ).body()).contains("\"recoveryTime\":{"
                    + "\"samples\":1,");
        });
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
                + "\"stalled\":false}],\"truncated\":false,"
                    + "\"partial\":false,\"partitions\":{\"answered\":2,\"total\":2}}");
        contract("GET", GATES, waiting);

        HttpResponse<String> stalled = server.get(GATES + "?status=stalled", READ);
        assertThat(stalled.body()).contains("\"PR-2\"").doesNotContain("\"17\"");
        contract("GET", GATES, stalled);

        HttpResponse<String> filtered = server.get(GATES + "?service=shop/cart&gate=code-review", READ);
        assertThat(filtered.body()).contains("\"17\"").doesNotContain("\"PR-2\"");
        contract("GET", GATES, filtered);

        HttpResponse<String> none = server.get(GATES + "?gate=security", READ);
        assertThat(none.body()).isEqualTo("{\"status\":\"waiting\",\"items\":[],\"truncated\":false,"
                    + "\"partial\":false,\"partitions\":{\"answered\":2,\"total\":2}}");
        contract("GET", GATES, none);
    }

    /**
     * Seven days to 2026-05-01T12:00: d1 (ships c1 after 2 h) and d3 succeed, d2 fails (status) and is recovered by
     * d3 after 1 h; PD-1 opens after d3 and is resolved 1 h later, so d3 fails too (incident).
     */
    @Test
    void shouldMatchTheDocumentWhenTheDoraKeysOfAServiceAreRead() {
        HttpResponse<String> week = server.get(DORA + "?service=shop/checkout&window=7d", READ);
        assertThat(week.statusCode()).isEqualTo(200);
        contract("GET", DORA, week);
        assertThat(week.body()).contains(
                "\"from\":\"2026-04-24T12:00:00Z\"",
                // 2 successful deployments on 2 days of 7: at least weekly, so high.
                "\"deploymentFrequency\":{\"deployments\":2,\"perDay\":" + (2 / 7.0) + ",\"deployDays\":2,"
                        + "\"deployDaysPerWeek\":2.0,\"band\":\"high\"}",
                "\"leadTime\":{\"samples\":1,\"medianSeconds\":7200.0,\"p75Seconds\":7200.0,"
                        + "\"p90Seconds\":7200.0,\"band\":\"elite\"}",
                // d2 and d3 of 3.
                "\"changeFailureRate\":{\"deployments\":3,\"failed\":2,\"byReason\":{\"status\":1,"
                        + "\"rollback\":0,\"incident\":1},\"rate\":" + (2 / 3.0) + ",\"band\":\"low\"}",
                "\"recoveryTime\":{\"samples\":2,\"medianSeconds\":3600.0,\"unrecovered\":[],"
                        + "\"band\":\"high\"}",
                "\"reworkRate\":{\"deployments\":3,\"rework\":1,\"rate\":" + (1 / 3.0) + "}",
                // d1 shipped 1 commit, d3 none: median 0.5.
                "\"batchSize\":{\"samples\":2,\"median\":0.5}");

        HttpResponse<String> organisation = server.get(DORA, READ);
        assertThat(organisation.statusCode()).isEqualTo(200);
        contract("GET", DORA, organisation);

        HttpResponse<String> services = server.get("/api/v1/services", READ);
        assertThat(services.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/services", services);
        assertThat(services.body()).contains("\"lastDeployment\":{\"id\":\"d3\",\"environment\":\"production\","
                + "\"time\":\"2026-04-29T11:00:00Z\",\"status\":\"success\"}",
                // The 30 days to 2026-05-01T12:00 hold the same deployments as the week: 2 successful, 2 * 7 / 30 a
                // week; c1 after 2 h; d2 and d3 of 3 failed; both recovered after 1 h; batches 1 and 0.
                "\"keys\":{\"deployments\":2,\"deploymentsPerWeek\":" + (2 * 7 / 30.0) + ","
                        + "\"leadTimeMedianSeconds\":7200.0,\"changeFailureRate\":" + (2 / 3.0) + ","
                        + "\"recoveryMedianSeconds\":3600.0,\"batchSizeMedian\":0.5}",
                // shop/search: sd1, sd2 and sd4 of 4; s1 after 4 h and s2 after 1 h, median 9000 s; sd3 of 4 failed,
                // recovered after 30 min; batches 1, 1 and 0.
                "\"keys\":{\"deployments\":3,\"deploymentsPerWeek\":" + (3 * 7 / 30.0) + ","
                        + "\"leadTimeMedianSeconds\":9000.0,\"changeFailureRate\":0.25,"
                        + "\"recoveryMedianSeconds\":1800.0,\"batchSizeMedian\":1.0}");

        HttpResponse<String> deployments = server.get("/api/v1/services/shop/checkout/deployments", READ);
        assertThat(deployments.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/services/{service}/deployments", deployments);
        assertThat(deployments.body()).contains("\"id\":\"d3\"", "\"failure\":\"incident\"",
                "\"incidents\":[\"PD-1\"]", "{\"sha\":\"" + C1 + "\",\"committedAt\":\"2026-04-28T08:00:00Z\","
                        + "\"leadTimeSeconds\":7200}");

        HttpResponse<String> histories = server.get(DoraRoutes.HISTORIES, READ);
        assertThat(histories.statusCode()).isEqualTo(200);
        contract("GET", DoraRoutes.HISTORIES, histories);

        HttpResponse<String> incidents = server.get(INCIDENTS + "?status=resolved", READ);
        assertThat(incidents.statusCode()).isEqualTo(200);
        contract("GET", INCIDENTS, incidents);
        assertThat(incidents.body()).contains("\"deployment\":{\"id\":\"d3\",\"environment\":\"production\","
                + "\"time\":\"2026-04-29T11:00:00Z\"}");
    }

    /**
     * Three weeks of shop/search to 2026-05-01T12:00: [04-10T12:00, 04-17T12:00) is empty; [04-17T12:00,
     * 04-24T12:00) has sd1 (ships s1 after 4 h) and sd2 (ships s2 after 1 h), median 9000 s, none failed; the last
     * week has sd3, failed exactly at its start, and sd4, which ships nothing new and recovers sd3 after 30 min.
     */
    @Test
    void shouldMatchTheDocumentWhenTheDoraTrendIsRead() {
        HttpResponse<String> search = server.get(TREND + "?service=shop/search&weeks=3", READ);
        assertThat(search.statusCode()).isEqualTo(200);
        contract("GET", TREND, search);
        assertThat(search.body()).isEqualTo("{\"service\":\"shop/search\",\"team\":null,\"environment\":null,"
                + "\"weeks\":3,\"services\":1,\"partial\":false,\"partitions\":{\"answered\":1,\"total\":1},"
                + "\"points\":["
                + "{\"from\":\"2026-04-10T12:00:00Z\",\"to\":\"2026-04-17T12:00:00Z\",\"deployments\":0,"
                + "\"leadTimeSamples\":0,\"leadTimeMedianSeconds\":null,\"productionDeployments\":0,\"failed\":0,"
                + "\"changeFailureRate\":null,\"recoverySamples\":0,\"recoveryMedianSeconds\":null},"
                + "{\"from\":\"2026-04-17T12:00:00Z\",\"to\":\"2026-04-24T12:00:00Z\",\"deployments\":2,"
                + "\"leadTimeSamples\":2,\"leadTimeMedianSeconds\":9000.0,\"productionDeployments\":2,\"failed\":0,"
                + "\"changeFailureRate\":0.0,\"recoverySamples\":0,\"recoveryMedianSeconds\":null},"
                + "{\"from\":\"2026-04-24T12:00:00Z\",\"to\":\"2026-05-01T12:00:00Z\",\"deployments\":1,"
                + "\"leadTimeSamples\":0,\"leadTimeMedianSeconds\":null,\"productionDeployments\":2,\"failed\":1,"
                + "\"changeFailureRate\":0.5,\"recoverySamples\":1,\"recoveryMedianSeconds\":1800.0}]}");

        // Twelve weeks by default, the first from 84 days before NOW; the last is the week of the 7-day DORA test.
        HttpResponse<String> checkout = server.get(TREND + "?service=shop/checkout", READ);
        assertThat(checkout.statusCode()).isEqualTo(200);
        contract("GET", TREND, checkout);
        assertThat(checkout.body()).contains("\"weeks\":12,",
                "\"points\":[{\"from\":\"2026-02-06T12:00:00Z\",\"to\":\"2026-02-13T12:00:00Z\",",
                "{\"from\":\"2026-04-24T12:00:00Z\",\"to\":\"2026-05-01T12:00:00Z\",\"deployments\":2,"
                        + "\"leadTimeSamples\":1,\"leadTimeMedianSeconds\":7200.0,\"productionDeployments\":3,"
                        + "\"failed\":2,\"changeFailureRate\":" + (2 / 3.0) + ",\"recoverySamples\":2,"
                        + "\"recoveryMedianSeconds\":3600.0}]}");
        assertThat(checkout.body().split("\"from\"", -1)).hasSize(12 + 1);

        // The organisation's last week merges both services: 2 + 1 deployments, c1's 7200 s, 2 + 1 failed of
        // 3 + 2, recoveries 3600, 3600 and 1800 s (median 3600 s).
        HttpResponse<String> organisation = server.get(TREND + "?weeks=1", READ);
        assertThat(organisation.statusCode()).isEqualTo(200);
        contract("GET", TREND, organisation);
        assertThat(organisation.body()).isEqualTo("{\"service\":null,\"team\":null,\"environment\":null,"
                + "\"weeks\":1,\"services\":2,\"partial\":false,\"partitions\":{\"answered\":2,\"total\":2},"
                + "\"points\":[{\"from\":\"2026-04-24T12:00:00Z\",\"to\":\"2026-05-01T12:00:00Z\","
                + "\"deployments\":3,\"leadTimeSamples\":1,\"leadTimeMedianSeconds\":7200.0,"
                + "\"productionDeployments\":5,\"failed\":3,\"changeFailureRate\":" + (3 / 5.0) + ","
                + "\"recoverySamples\":3,\"recoveryMedianSeconds\":3600.0}]}");
    }

    @Test
    void shouldMatchTheDocumentWhenATrendQueryIsRefused() {
        for (String weeks : List.of("0", "abc", "53")) {
            HttpResponse<String> bad = server.get(TREND + "?service=shop/checkout&weeks=" + weeks, READ);
            assertThat(bad.statusCode()).as(weeks).isEqualTo(400);
            assertThat(bad.body()).contains("\"detail\":\"weeks must be a whole number from 1 to 52, got '" + weeks
                    + "'\"", "\"field\":\"weeks\"");
            contract("GET", TREND, bad);
        }

        HttpResponse<String> both = server.get(TREND + "?service=shop/checkout&team=payments", READ);
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.body()).contains("service give service or team, not both", "\"field\":\"service\"");
        contract("GET", TREND, both);

        HttpResponse<String> unknown = server.get(TREND + "?service=shop/nothing", READ);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no deployment or incident of service shop/nothing is known here");
        contract("GET", TREND, unknown);

        HttpResponse<String> team = server.get(TREND + "?team=payments", READ);
        assertThat(team.statusCode()).isEqualTo(404);
        assertThat(team.body()).contains("no service of team payments");
        contract("GET", TREND, team);
    }

    /**
     * Change 42: c1 08:00, opened 09:00, reviewed 09:30, merged 09:45 (landing c1), in production with d1 at 10:00:
     * coding 1 h, pickup 30 min, review 15 min, deploy 15 min, cycle 2 h. Change 43 merged 2026-04-30T09:00 and not
     * deployed: what ships next, 27 h old at 2026-05-01T12:00.
     */
    @Test
    void shouldMatchTheDocumentWhenTheValueStreamIsRead() {
        HttpResponse<String> stream = server.get("/api/v1/value-stream?service=shop/checkout", READ);
        assertThat(stream.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/value-stream", stream);
        assertThat(stream.body()).contains("\"changes\":1",
                "\"coding\":{\"samples\":1,\"median\":3600.0,\"p90\":3600.0}",
                "\"deploy\":{\"samples\":1,\"median\":900.0,\"p90\":900.0}",
                "\"hops\":[{\"from\":\"merged\",\"to\":\"production\",\"samples\":1,\"medianSeconds\":900.0,"
                        + "\"p90Seconds\":900.0}]",
                "\"cycleTime\":{\"samples\":1,\"median\":7200.0,\"p90\":7200.0}");
        HttpResponse<String> organisation = server.get("/api/v1/value-stream", READ);
        assertThat(organisation.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/value-stream", organisation);

        HttpResponse<String> change = server.get("/api/v1/services/shop/checkout/changes/42", READ);
        assertThat(change.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/services/{service}/changes/{change}", change);
        assertThat(change.body()).contains("\"now\":\"in production since 2026-04-28T10:00:00Z\"",
                "\"stages\":{\"coding\":3600,\"pickup\":1800,\"review\":900,\"deploy\":900}",
                "\"cycleTimeSeconds\":7200");

        HttpResponse<String> commit = server.get("/api/v1/services/shop/checkout/commits/" + C1, READ);
        assertThat(commit.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/services/{service}/commits/{sha}", commit);
        assertThat(commit.body()).contains("\"changes\":[\"42\"]", "{\"environment\":\"production\","
                + "\"at\":\"2026-04-28T10:00:00Z\",\"deployment\":\"d1\",\"leadTimeSeconds\":7200}");

        HttpResponse<String> pending = server.get("/api/v1/services/shop/checkout/pending", READ);
        assertThat(pending.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/services/{service}/pending", pending);
        assertThat(pending.body()).contains("\"change\":\"43\",\"title\":\"Refunds\"", "\"ageSeconds\":97200,"
                + "\"where\":\"merged\"");

        HttpResponse<String> deployment = server.get("/api/v1/services/shop/checkout/deployments/d1", READ);
        assertThat(deployment.statusCode()).isEqualTo(200);
        contract("GET", "/api/v1/services/{service}/deployments/{id}", deployment);
        assertThat(deployment.body()).contains("\"changes\":[{\"change\":\"42\",\"title\":\"Pay by card\","
                + "\"url\":\"https://git.example/shop/pull/42\"}]");

        HttpResponse<String> journeys = server.get(ValueStreamRoutes.JOURNEYS, READ);
        assertThat(journeys.statusCode()).isEqualTo(200);
        contract("GET", ValueStreamRoutes.JOURNEYS, journeys);

        HttpResponse<String> unknown = server.get("/api/v1/services/shop/checkout/changes/999", READ);
        assertThat(unknown.statusCode()).isEqualTo(404);
        contract("GET", "/api/v1/services/{service}/changes/{change}", unknown);
    }

    @Test
    void shouldMatchTheDocumentWhenADoraQueryIsRefused() {
        HttpResponse<String> window = server.get(DORA + "?window=fortnight", READ);
        assertThat(window.statusCode()).isEqualTo(400);
        assertThat(window.body()).contains("window must be a duration such as 7d, 30d, 12w or P30D, got 'fortnight'");
        contract("GET", DORA, window);

        HttpResponse<String> unknown = server.get(DORA + "?service=shop/nothing", READ);
        assertThat(unknown.statusCode()).isEqualTo(404);
        contract("GET", DORA, unknown);

        HttpResponse<String> from = server.get("/api/v1/services/shop/checkout/deployments?from=yesterday", READ);
        assertThat(from.statusCode()).isEqualTo(400);
        assertThat(from.body()).contains("\"field\":\"from\"");
        contract("GET", "/api/v1/services/{service}/deployments", from);

        HttpResponse<String> status = server.get(INCIDENTS + "?status=closed", READ);
        assertThat(status.statusCode()).isEqualTo(400);
        contract("GET", INCIDENTS, status);
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
