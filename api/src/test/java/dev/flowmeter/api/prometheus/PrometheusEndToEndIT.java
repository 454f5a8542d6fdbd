package dev.flowmeter.api.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.api.TestServer;
import dev.flowmeter.api.testing.FreePorts;
import dev.flowmeter.api.testing.Repository;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.GateStall;
import dev.flowmeter.events.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scraping a real Flowmeter fed with a scenario, loading the shipped rule files: every PromQL
 * expression of every dashboard panel and rule file is evaluated through Prometheus' HTTP API, and a gate item left
 * waiting past a short limit drives FlowmeterGateStalled and the stalled-gates topic, then resolves when it starts.
 * The scenario fails production deployments in every way the DORA series know (status, rollback, incident), recovers
 * some and leaves one open, so that every DORA panel has data; and it takes changes through review, staging and
 * production, leaves others waiting in staging and provisions test environments, so that every value-stream panel
 * has data.
 * Fails, never skips, without the prometheus binary, so CI cannot pass without having run it.
 */
class PrometheusEndToEndIT {

    private static final Path ROOT = Repository.root();
    private static final String EVENTS = "/api/v1/events";
    private static final String SERVICE = "shop/checkout";
    private static final String OTHER_SERVICE = "shop/payments";
    private static final String FORECAST_SERVICE = "calibration/fc";
    private static final String STUCK_ITEM = "build-stuck";
    private static final String TEAM = "payments";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(500);

    /**
     * Panels that cannot have data in any scenario this test can build, each with its reason. Keep it short: prefer
     * making the scenario produce the data.
     */
    private static final Map<String, String> NO_DATA_ALLOWED = Map.of();

    /** Grafana's variables, replaced the way Grafana would with "All" selected (multi-value, {@code =~}). */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of(
            "service", ".*",
            "team", ".*",
            "environment", ".*",
            "__rate_interval", "1m",
            "__interval", "15s",
            "__range", "1h");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\$(\\w+)");

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @TempDir
    Path prometheusDir;

    @TempDir
    Path configDir;

    @Test
    void shouldEvaluateEveryDashboardAndRuleExpressionAndAlertOnTheStalledGateWhenScrapedByPrometheus()
            throws Exception {
        Path binary = Repository.executable("prometheus").orElse(null);
        if (binary == null) {
            fail("prometheus is not on the PATH. It comes with Debian's package prometheus, which .ci/run installs "
                    + "when missing; install it (apt-get install prometheus) or run .ci/run.");
        }
        // Both services belong to one team, so that the team variable has a value and the per-team panels a row.
        Path teams = Files.writeString(configDir.resolve("teams"), "shop/* = " + TEAM + "\n", StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(
                "FLOWMETER_GATE_LIMITS", "qa=5s, default=72h",
                "FLOWMETER_GATE_REORDER_WINDOW", "500ms",
                "FLOWMETER_TEAMS", teams.toString());
        long started = System.nanoTime();
        try (TestServer server = TestServer.start(dataDir, Clock.systemUTC(), env)) {
            int port = FreePorts.pick(1)[0];
            Path config = writeConfig(Integer.parseInt(server.baseUrl().replaceAll(".*:", "")));
            Path log = prometheusDir.resolve("prometheus.log");
            Process prometheus = new ProcessBuilder(binary.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + prometheusDir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            String prometheusUrl = "http://127.0.0.1:" + port;
            try (KafkaConsumer<String, GateStall> stalls = stallConsumer(server)) {
                run(server, prometheusUrl, stalls);
            } catch (Throwable e) {
                System.out.println("Prometheus' output:\n" + Files.readString(log, StandardCharsets.UTF_8));
                throw e;
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
        System.out.printf("PrometheusEndToEndIT took %d s%n", Duration.ofNanos(System.nanoTime() - started)
                .toSeconds());
    }

    private void run(TestServer server, String prometheus, KafkaConsumer<String, GateStall> stallTopic)
            throws IOException {
        long start = System.nanoTime();
        await("Prometheus ready and the Flowmeter target up").atMost(TIMEOUT).pollInterval(POLL)
                .untilAsserted(() -> assertThat(targetHealth(prometheus)).isEqualTo("up"));

        phase(start, "target up");
        // Round 1 creates every series; round 2, once Prometheus has scraped them, makes the counters and histograms
        // move, so rates, increases and quantiles have real values rather than a first sample only.
        Instant now = Clock.systemUTC().instant();
        postRound(server, 1, now);
        postForecastHistory(server, now);
        await("round 1 scraped by Prometheus").atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() ->
                assertThat(query(prometheus, "count(flowmeter_gate_duration_seconds_count) >= 4 "
                        + "and count(flowmeter_lead_time_seconds_count) >= 2"
                        + " and count(flowmeter_stage_duration_seconds_count) >= 8"
                        + " and count(flowmeter_environment_hop_seconds_count) >= 4"
                        + " and count(flowmeter_cycle_time_seconds_count) >= 2"
                        + " and count(flowmeter_flow_efficiency_count) >= 2"
                        + " and count(flowmeter_environment_provisioning_seconds_count) >= 2")).isNotEmpty());
        postRound(server, 2, Clock.systemUTC().instant());
        Instant queued = Clock.systemUTC().instant().truncatedTo(ChronoUnit.MILLIS);
        post(server, gate("stuck-q", "gate.queued", queued, SERVICE, "qa", STUCK_ITEM, null));

        await("flowmeter_gate_stalled_items > 0 and FlowmeterGateStalled pending or firing")
                .atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() -> {
                    assertThat(query(prometheus,
                            "flowmeter_gate_stalled_items{service=\"" + SERVICE + "\",gate=\"qa\"} > 0")).isNotEmpty();
                    // `for: 2m` in the shipped rule: the test asserts pending (or firing, should it get that far).
                    assertThat(stalledAlertStates(prometheus)).isNotEmpty().isSubsetOf("pending", "firing");
                });
        phase(start, "stalled, alert pending");
        await("the DORA series of the scenario").atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() -> {
            // Production deployments of SERVICE (see postRound; round 2 posted a few seconds after round 1, so its
            // times interleave with round 1's): dpf-1, dpf-2 fail by status and both recover at dps-1 (rework);
            // dps-2 is protected from the rollback by dpx, which fails by rollback and recovers at the rollback rb
            // (rework); INC-1 opens after rb and fails it (resolved, recovered); INC-2 opens after dpy and fails it,
            // still open. So status 2, rollback 1, incident 2; rework dps-1 and rb, 2; unrecovered dpy, 1;
            // recovered dpf-1, dpf-2, dpx and rb, 4; two incidents, one open.
            String of = "{service=\"" + SERVICE + "\", environment=\"production\"}";
            assertThat(byLabel(prometheus, "sum by (reason) (flowmeter_failed_deployments_total" + of + ")", "reason"))
                    .isEqualTo(Map.of("status", 2.0, "rollback", 1.0, "incident", 2.0));
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_rework_deployments_total" + of + ")",
                    "service")).isEqualTo(Map.of(SERVICE, 2.0));
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_failures_unrecovered" + of + ")", "service"))
                    .isEqualTo(Map.of(SERVICE, 1.0));
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_recovery_time_seconds_count" + of + ")",
                    "service")).isEqualTo(Map.of(SERVICE, 4.0));
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_incidents_total)", "service"))
                    .isEqualTo(Map.of(SERVICE, 2.0));
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_incidents_open)", "service"))
                    .isEqualTo(Map.of(SERVICE, 1.0));
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_service_info{team=\"" + TEAM + "\"})",
                    "service")).isEqualTo(Map.of(SERVICE, 1.0, OTHER_SERVICE, 1.0));
        });
        phase(start, "DORA series as computed by hand");
        await("the value-stream series of the scenario").atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() -> {
            // Per service and round (see valueStream): change A reaches production with coding 1600 s, pickup 1000,
            // review 700, deploy 1500 (hops merged -> staging 300, staging -> production 1200), cycle time 4800 and
            // flow efficiency 0.146; change B waits in staging. Two rounds: two of each per service, so counts of 2
            // and twice those sums (efficiency 2 x 0.146 = 0.292). Waiting for production: B of both rounds, 2
            // changes, and their commits c4 of both rounds, 2 commits; the oldest is round 1's B, merged 1200 s
            // before round 1's now. Environments, both services together: 4 ephemeral ones alive (200 s each to
            // provision, 800 s), the 4 qa ones deleted (600 s each, 2400 s).
            String of = "{service=\"" + SERVICE + "\"}";
            assertThat(byLabel(prometheus, "sum by (stage) (flowmeter_stage_duration_seconds_count" + of + ")",
                    "stage")).isEqualTo(Map.of("coding", 2.0, "pickup", 2.0, "review", 2.0, "deploy", 2.0));
            assertThat(byLabel(prometheus, "sum by (stage) (flowmeter_stage_duration_seconds_sum" + of + ")",
                    "stage")).isEqualTo(Map.of("coding", 3200.0, "pickup", 2000.0, "review", 1400.0,
                    "deploy", 3000.0));
            assertThat(byLabel(prometheus, "sum by (from) (flowmeter_environment_hop_seconds_sum" + of + ")",
                    "from")).isEqualTo(Map.of("merged", 600.0, "staging", 2400.0));
            assertThat(byLabel(prometheus, "sum by (to) (flowmeter_environment_hop_seconds_count" + of + ")", "to"))
                    .isEqualTo(Map.of("staging", 2.0, "production", 2.0));
            String shop = "{service=~\"shop/.*\"}";
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_cycle_time_seconds_sum" + shop + ")",
                    "service")).isEqualTo(Map.of(SERVICE, 9600.0, OTHER_SERVICE, 9600.0));
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_flow_efficiency_sum" + shop + ")", "service"))
                    .isEqualTo(Map.of(SERVICE, 0.292, OTHER_SERVICE, 0.292));
            assertThat(byLabel(prometheus, "sum by (environment) (flowmeter_undeployed_changes" + of + ")",
                    "environment")).isEqualTo(Map.of("production", 2.0));
            assertThat(byLabel(prometheus, "sum by (environment) (flowmeter_undeployed_commits" + of + ")",
                    "environment")).isEqualTo(Map.of("production", 2.0));
            assertThat(byLabel(prometheus, "flowmeter_undeployed_oldest_age_seconds" + of + " >= 1200",
                    "environment")).containsOnlyKeys("production");
            assertThat(byLabel(prometheus, "sum by (kind) (flowmeter_environments_alive)", "kind"))
                    .isEqualTo(Map.of("ephemeral", 4.0, "qa", 0.0));
            assertThat(byLabel(prometheus, "sum by (kind) (flowmeter_environment_provisioning_seconds_sum)", "kind"))
                    .isEqualTo(Map.of("ephemeral", 800.0, "qa", 2400.0));
        });
        phase(start, "value-stream series as computed by hand");
        await("the work-item series of the scenario").atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() -> {
            // Per service and round (see workItems): feature #10r's flow time is 5000 s (-7000 to -2000) and its lead
            // time 5400 s (-7200 to the deployment at -1800); defect #20r is in progress. Two rounds: two of each.
            String of = "{service=\"" + SERVICE + "\"}";
            assertThat(byLabel(prometheus, "sum by (kind) (flowmeter_work_flow_time_seconds_sum" + of + ")", "kind"))
                    .isEqualTo(Map.of("feature", 10000.0));
            assertThat(byLabel(prometheus, "sum by (kind) (flowmeter_work_lead_time_seconds_sum" + of + ")", "kind"))
                    .isEqualTo(Map.of("feature", 10800.0));
            assertThat(byLabel(prometheus, "sum by (kind) (flowmeter_work_done_total" + of + ")", "kind"))
                    .isEqualTo(Map.of("feature", 2.0));
            assertThat(byLabel(prometheus, "sum by (kind) (flowmeter_work_in_progress" + of + ")", "kind"))
                    .isEqualTo(Map.of("feature", 0.0, "defect", 2.0));
        });
        phase(start, "work-item series as computed by hand");
        await("the calibration series of the forecast history").atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() -> {
            // See postForecastHistory: changes 11 and 12 scored when opened and when merged, all four exact.
            String of = "{service=\"" + FORECAST_SERVICE + "\"}";
            assertThat(byLabel(prometheus, "sum by (service) (flowmeter_forecasts_scored_total" + of + ")", "service"))
                    .isEqualTo(Map.of(FORECAST_SERVICE, 4.0));
            assertThat(byLabel(prometheus, "sum by (percentile) (flowmeter_forecast_hits_total" + of + ")",
                    "percentile")).isEqualTo(Map.of("p50", 4.0, "p85", 4.0, "p95", 4.0));
        });
        List<GateStall> records = new ArrayList<>();
        await("a gate.stalled record for " + STUCK_ITEM).atMost(TIMEOUT).untilAsserted(() -> {
            poll(stallTopic, records);
            assertThat(records).anySatisfy(r -> {
                assertThat(r.type()).isEqualTo(GateStall.STALLED);
                assertThat(r.service()).isEqualTo(SERVICE);
                assertThat(r.gate()).isEqualTo("qa");
                assertThat(r.item()).isEqualTo(STUCK_ITEM);
                assertThat(r.waitingSince()).isEqualTo(queued);
                assertThat(r.limitSeconds()).isEqualTo(5);
            });
        });

        // While the item is stalled and the alert pending, every panel (ALERTS included) has data to show.
        List<String> errors = new ArrayList<>();
        Map<String, String> panels = panelExpressions(errors);
        Map<String, String> rules = ruleExpressions();
        Map<String, String> all = new TreeMap<>(panels);
        all.putAll(rules);
        all.forEach((name, expr) -> {
            String error = queryError(prometheus, expr);
            if (error != null) {
                errors.add(name + ": " + expr + "\n    -> " + error);
            }
        });
        System.out.printf("Evaluating %d dashboard panel expressions and %d rule expressions%n", panels.size(),
                rules.size());
        assertThat(errors).as("expressions that Prometheus refuses:%n%s", String.join("\n", errors)).isEmpty();
        // Most expressions have data at once; the per-partition Kafka consumer series (the lag panel) appear only
        // when Micrometer's Kafka binder looks for new client metrics, once a minute after the server started.
        await("data for every dashboard panel and recording rule").atMost(TIMEOUT.multipliedBy(2)).pollInterval(POLL)
                .untilAsserted(() -> {
                    List<String> empty = new ArrayList<>();
                    Map<String, String> needData = new TreeMap<>(panels);
                    rules.forEach((name, expr) -> {
                        if (name.startsWith("record ")) {
                            needData.put(name, expr);
                        }
                    });
                    needData.forEach((name, expr) -> {
                        JsonNode result = query(prometheus, expr);
                        if (!NO_DATA_ALLOWED.containsKey(name) && !hasData(result)) {
                            empty.add(name + ": " + expr + "\n    -> " + abbreviate(result.toString()));
                        }
                    });
                    assertThat(empty).as("expressions with no data (no series, or only NaN) for the scenario:%n%s",
                            String.join("\n", empty)).isEmpty();
                });

        phase(start, "every expression has data");
        post(server, gate("stuck-s", "gate.started", Clock.systemUTC().instant(), SERVICE, "qa", STUCK_ITEM, null));
        await("FlowmeterGateStalled resolved and a gate.unstalled record for " + STUCK_ITEM)
                .atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() -> {
                    assertThat(stalledAlertStates(prometheus)).isEmpty();
                    poll(stallTopic, records);
                    assertThat(records).anySatisfy(r -> {
                        assertThat(r.type()).isEqualTo(GateStall.UNSTALLED);
                        assertThat(r.item()).isEqualTo(STUCK_ITEM);
                        assertThat(r.reason()).isEqualTo("started");
                    });
                });
        assertThat(query(prometheus, "sum(flowmeter_gate_stalled_items) > 0")).isEmpty();
        phase(start, "alert resolved, gate.unstalled read");
    }

    private static void phase(long start, String what) {
        System.out.printf("PrometheusEndToEndIT: %s after %d ms%n", what,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    /**
     * One round of the scenario for two services, times relative to {@code now}: a chain of three commits (continuing
     * the previous round's), a successful deployment to staging, a failed then a successful one to production, a
     * redelivery, a rejected request, items through code-review (passed), qa (failed) and change-approval (passed,
     * never started), and the changes and environments of {@link #valueStream}. In round 2 {@link #SERVICE} also
     * fails in the other two ways: a deployment rolled back, an incident opened and resolved, and one still open.
     */
    /**
     * Twelve changes of {@value #FORECAST_SERVICE}, change i opened i days after a day 30 days before now at 09:00,
     * reviewed at 10:00, merged at 11:00 and deployed to production at 13:00. With the default minimum of 10 past
     * changes, changes 11 and 12 are scored for calibration when opened and when merged: 4 forecasts, each exact
     * (every past change took the same time), so each hits at every percentile.
     */
    private static void postForecastHistory(TestServer server, Instant now) {
        Instant base = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(30));
        List<String> events = new ArrayList<>();
        String landed = null;
        for (int i = 1; i <= 12; i++) {
            Instant day = base.plus(Duration.ofDays(i));
            String head = sha(FORECAST_SERVICE, 50, 2 * i);
            String merge = sha(FORECAST_SERVICE, 50, 2 * i + 1);
            events.add(commit("fc-c" + i, day.plus(Duration.ofHours(8)), FORECAST_SERVICE, head, landed));
            String of = "\"service\":\"" + FORECAST_SERVICE + "\",\"change\":\"" + i + "\"";
            events.add(event("fc-o" + i, "change.opened", day.plus(Duration.ofHours(9)), of + ",\"sha\":\"" + head
                    + "\",\"commits\":[\"" + head + "\"],\"target\":\"main\""));
            events.add(event("fc-r" + i, "change.reviewed", day.plus(Duration.ofHours(10)), of));
            events.add(commit("fc-l" + i, day.plus(Duration.ofHours(11)), FORECAST_SERVICE, merge, head));
            events.add(event("fc-m" + i, "change.merged", day.plus(Duration.ofHours(11)), of + ",\"sha\":\"" + merge
                    + "\""));
            events.add(deployment("fc-d" + i, day.plus(Duration.ofHours(13)), FORECAST_SERVICE, "production", merge,
                    "success"));
            landed = merge;
        }
        post(server, "[" + String.join(",", events) + "]");
    }

    private static String event(String id, String type, Instant time, String fields) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\"," + fields + "}";
    }

    private static void postRound(TestServer server, int round, Instant now) {
        for (String service : List.of(SERVICE, OTHER_SERVICE)) {
            String tag = round + "-" + service.substring(5);
            String parent = round == 1 ? null : sha(service, round - 1, 3);
            List<String> events = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                events.add(commit("c" + tag + "-" + i, now.minusSeconds(7200 - 600L * i), service,
                        sha(service, round, i), i == 1 ? parent : sha(service, round, i - 1)));
            }
            events.add(deployment("ds" + tag, now.minusSeconds(3000), service, "staging", sha(service, round, 2),
                    "success"));
            events.add(deployment("dpf" + tag, now.minusSeconds(2400), service, "production", sha(service, round, 3),
                    "failure"));
            events.add(deployment("dps" + tag, now.minusSeconds(1800), service, "production", sha(service, round, 3),
                    "success"));
            String item = "PR-" + round;
            events.add(gate("rq" + tag, "gate.queued", now.minusSeconds(3600), service, "code-review", item, null));
            events.add(gate("rs" + tag, "gate.started", now.minusSeconds(3000), service, "code-review", item, null));
            events.add(gate("rf" + tag, "gate.finished", now.minusSeconds(2400), service, "code-review", item,
                    "passed"));
            events.add(gate("qq" + tag, "gate.queued", now.minusSeconds(2000), service, "qa", item, null));
            events.add(gate("qs" + tag, "gate.started", now.minusSeconds(1500), service, "qa", item, null));
            events.add(gate("qf" + tag, "gate.finished", now.minusSeconds(1000), service, "qa", item, "failed"));
            events.add(gate("aq" + tag, "gate.queued", now.minusSeconds(1200), service, "change-approval", item, null));
            events.add(gate("af" + tag, "gate.finished", now.minusSeconds(600), service, "change-approval", item,
                    "passed"));
            events.addAll(valueStream(service, round, now));
            events.addAll(workItems(service, round, now));
            if (round == 2 && service.equals(SERVICE)) {
                events.addAll(failures(service, now, sha(service, round, 3), sha(service, round - 1, 3)));
            }
            HttpResponse<String> accepted = server.post(EVENTS, "[" + String.join(",", events) + "]");
            assertThat(accepted.statusCode()).as("POST %s: %s", EVENTS, accepted.body()).isEqualTo(202);
            post(server, events.get(5)); // a redelivery of the successful production deployment
        }
        HttpResponse<String> rejected = server.post(EVENTS, "{\"id\":\"bad-" + round + "\",\"type\":\"deployment\","
                + "\"time\":\"" + now + "\",\"service\":\"" + SERVICE + "\",\"environment\":\"production\","
                + "\"status\":\"success\"}");
        assertThat(rejected.statusCode()).as("a deployment without sha: %s", rejected.body()).isEqualTo(400);
    }

    /**
     * After the round's production deployments: dpx (a redeploy of {@code head}) at -1500 s, rolled back to
     * {@code previous} by rb at -1200 s; INC-1 opened at -900 s and resolved at -600 s, so attributed to rb; dpy (a
     * redeploy) at -450 s and INC-2 opened at -300 s, attributed to dpy and left open.
     */
    private static List<String> failures(String service, Instant now, String head, String previous) {
        return List.of(
                deployment("dpx", now.minusSeconds(1500), service, "production", head, "success"),
                deployment("rb", now.minusSeconds(1200), service, "production", previous, "success")
                        .replaceFirst("}$", ",\"rollback\":true}"),
                incident("io1", "incident.opened", now.minusSeconds(900), service, "INC-1", "production"),
                incident("ir1", "incident.resolved", now.minusSeconds(600), service, "INC-1", "production"),
                deployment("dpy", now.minusSeconds(450), service, "production", head, "success"),
                incident("io2", "incident.opened", now.minusSeconds(300), service, "INC-2", null));
    }

    /**
     * The round's changes and environments, in seconds before {@code now}; c1, c2 and c3 are the round's commits (at
     * -6600, -6000 and -5400), ds the staging deployment of c2 at -3000 and dps the production one of c3 at -1800.
     * Change A ({@code <round>1}) lists c1..c3: opened at -5000, first reviewed at -4000, merged at -3300 as c3. It
     * reaches staging with ds (c2 is one of its commits) and production with dps: coding 1600 s (c1 to the opening),
     * pickup 1000, review 700, deploy 1500 as the hops merged -> staging 300 and staging -> production 1200; cycle
     * time 4800. No gate item names A, its commits or those deployments, so its active time is its review: flow
     * efficiency 700 / 4800 = 0.1458, kept in thousandths as 0.146. Change B ({@code <round>2}) holds c4, a commit
     * on top of c3 that the next round does not build on: opened at -1400, merged unreviewed at -1200, deployed to
     * staging (dd) at -900 and never to production, so B and c4 wait for production. An ephemeral environment for A
     * is requested at -5000 and ready at -4800 (200 s) and stays; a qa one is requested at -4000, ready at -3400
     * (600 s) and deleted at -1000.
     */
    private static List<String> valueStream(String service, int round, Instant now) {
        String tag = round + "-" + service.substring(5);
        String a = round + "1";
        String b = round + "2";
        List<String> commitsOfA = List.of(sha(service, round, 1), sha(service, round, 2), sha(service, round, 3));
        String c4 = sha(service, round, 4);
        String preview = "pr-" + a;
        String qa = "qa-" + round;
        return List.of(
                commit("c" + tag + "-4", now.minusSeconds(1500), service, c4, sha(service, round, 3)),
                change("coa" + tag, "change.opened", now.minusSeconds(5000), service, a,
                        ",\"sha\":\"" + sha(service, round, 3) + "\",\"target\":\"main\",\"commits\":[\""
                                + String.join("\",\"", commitsOfA) + "\"],\"title\":\"Pay by card\""),
                change("cra" + tag, "change.reviewed", now.minusSeconds(4000), service, a, ""),
                change("cma" + tag, "change.merged", now.minusSeconds(3300), service, a,
                        ",\"sha\":\"" + sha(service, round, 3) + "\""),
                change("cob" + tag, "change.opened", now.minusSeconds(1400), service, b,
                        ",\"sha\":\"" + c4 + "\",\"target\":\"main\",\"commits\":[\"" + c4 + "\"]"),
                change("cmb" + tag, "change.merged", now.minusSeconds(1200), service, b, ",\"sha\":\"" + c4 + "\""),
                deployment("dd" + tag, now.minusSeconds(900), service, "staging", c4, "success"),
                environment("era" + tag, "environment.requested", now.minusSeconds(5000), service, preview,
                        "ephemeral", a),
                environment("eya" + tag, "environment.ready", now.minusSeconds(4800), service, preview, "ephemeral",
                        a),
                environment("erq" + tag, "environment.requested", now.minusSeconds(4000), service, qa, "qa", null),
                environment("eyq" + tag, "environment.ready", now.minusSeconds(3400), service, qa, "qa", null),
                environment("edq" + tag, "environment.deleted", now.minusSeconds(1000), service, qa, "qa", null));
    }

    /** A change event; {@code fields} is the rest of the object, each field with its leading comma. */
    private static String change(String id, String type, Instant time, String service, String change,
            String fields) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\""
                + service + "\",\"change\":\"" + change + "\"" + fields + "}";
    }

    private static String environment(String id, String type, Instant time, String service, String environment,
            String kind, String change) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\""
                + service + "\",\"environment\":\"" + environment + "\",\"kind\":\"" + kind + "\""
                + (change == null ? "" : ",\"change\":\"" + change + "\"") + "}";
    }

    private static String incident(String id, String type, Instant time, String service, String incident,
            String environment) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\""
                + service + "\",\"incident\":\"" + incident + "\""
                + (environment == null ? "" : ",\"environment\":\"" + environment + "\"") + "}";
    }

    /**
     * Per service and round, two issues of the service's repository: feature #10r, created at -7200 s, started at
     * -7000 s and done at -2000 s, named by the round's second commit (reported again with its items, after the
     * production deployment at -1800 s that shipped it); and defect #20r, created at -7200 s and started at -6000 s,
     * still in progress.
     */
    private static List<String> workItems(String service, int round, Instant now) {
        String tag = round + "-" + service.substring(5);
        String feature = "#10" + round;
        String defect = "#20" + round;
        return List.of(
                work("wfc" + tag, "work.created", now.minusSeconds(7200), service, feature, "feature"),
                work("wfs" + tag, "work.started", now.minusSeconds(7000), service, feature, "feature"),
                "{\"id\":\"wl" + tag + "\",\"type\":\"commit\",\"time\":\"" + now.minusSeconds(6000)
                        + "\",\"service\":\"" + service + "\",\"sha\":\"" + sha(service, round, 2)
                        + "\",\"parents\":[\"" + sha(service, round, 1) + "\"],\"items\":[\"" + feature + "\"]}",
                work("wfd" + tag, "work.done", now.minusSeconds(2000), service, feature, "feature"),
                work("wdc" + tag, "work.created", now.minusSeconds(7200), service, defect, "defect"),
                work("wds" + tag, "work.started", now.minusSeconds(6000), service, defect, "defect"));
    }

    private static String work(String id, String type, Instant time, String service, String item, String kind) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\""
                + service + "\",\"item\":\"" + item + "\",\"kind\":\"" + kind + "\"}";
    }

    private static void post(TestServer server, String event) {
        HttpResponse<String> response = server.post(EVENTS, event);
        assertThat(response.statusCode()).as("POST %s: %s", event, response.body()).isEqualTo(202);
    }

    private static String sha(String service, int round, int i) {
        return String.format("%08x%032x", service.hashCode(), round * 10 + i);
    }

    private static String commit(String id, Instant time, String service, String sha, String parent) {
        return "{\"id\":\"" + id + "\",\"type\":\"commit\",\"time\":\"" + time + "\",\"service\":\"" + service
                + "\",\"sha\":\"" + sha + "\"" + (parent == null ? "" : ",\"parents\":[\"" + parent + "\"]") + "}";
    }

    private static String deployment(String id, Instant time, String service, String environment, String sha,
            String status) {
        return "{\"id\":\"" + id + "\",\"type\":\"deployment\",\"time\":\"" + time + "\",\"service\":\"" + service
                + "\",\"environment\":\"" + environment + "\",\"sha\":\"" + sha + "\",\"status\":\"" + status + "\"}";
    }

    private static String gate(String id, String type, Instant time, String service, String gate, String item,
            String outcome) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\"" + service
                + "\",\"gate\":\"" + gate + "\",\"item\":\"" + item + "\""
                + (outcome == null ? "" : ",\"outcome\":\"" + outcome + "\"") + "}";
    }

    /**
     * The shipped prometheus.yml cut down to what runs here: its rule files (copies of the repository's prometheus/
     * ones), the flowmeter job scraping the test server every second, and no Alertmanager or DNS discovery. The
     * copies differ in one thing: every group's {@code interval} is 1s. Prometheus runs a group first up to an interval
     * after it starts, up to 5 minutes for the shipped ones, and the DORA panels read recorded series.
     */
    private Path writeConfig(int flowmeterPort) throws IOException {
        Path shipped = ROOT.resolve("prometheus/prometheus.yml");
        List<String> ruleFiles = new ArrayList<>();
        boolean inRuleFiles = false;
        for (String line : Files.readAllLines(shipped, StandardCharsets.UTF_8)) {
            if (line.startsWith("rule_files:")) {
                inRuleFiles = true;
            } else if (inRuleFiles && line.matches("\\s+-\\s+\\S+")) {
                ruleFiles.add(ROOT.resolve("prometheus").resolve(line.replaceFirst("\\s+-\\s+", "")).toString());
            } else if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("#")) {
                inRuleFiles = false;
            }
        }
        String text = Files.readString(shipped, StandardCharsets.UTF_8);
        assertThat(text).as("shipped prometheus.yml").contains("job_name: flowmeter", "metrics_path: /metrics");
        assertThat(ruleFiles).as("rule_files of %s", shipped).isNotEmpty().allSatisfy(file ->
                assertThat(Path.of(file)).isRegularFile());
        StringBuilder config = new StringBuilder()
                .append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
                .append("rule_files:\n");
        for (String file : ruleFiles) {
            Path copy = prometheusDir.resolve(Path.of(file).getFileName());
            String rules = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            String fast = rules.replaceAll("(?m)^(\\s+interval:) \\S+$", "$1 1s");
            Files.writeString(copy, fast, StandardCharsets.UTF_8);
            config.append("  - \"").append(copy).append("\"\n");
        }
        config.append("scrape_configs:\n  - job_name: flowmeter\n    metrics_path: /metrics\n")
                .append("    static_configs:\n      - targets: [\"127.0.0.1:").append(flowmeterPort).append("\"]\n");
        Path file = prometheusDir.resolve("prometheus.yml");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        return file;
    }

    /** Every panel's target expressions with Grafana's variables substituted, named "dashboard / panel / refId". */
    private static Map<String, String> panelExpressions(List<String> errors) throws IOException {
        Map<String, String> expressions = new TreeMap<>();
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(ROOT.resolve("grafana/dashboards"))) {
            dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
        assertThat(dashboards).as("dashboards").isNotEmpty();
        for (Path dashboard : dashboards) {
            JsonNode root = EventJson.MAPPER.readTree(dashboard.toFile());
            collectPanels(dashboard.getFileName().toString(), root.path("panels"), expressions, errors);
        }
        return expressions;
    }

    private static void collectPanels(String dashboard, JsonNode panels, Map<String, String> into,
            List<String> errors) {
        for (JsonNode panel : panels) {
            collectPanels(dashboard, panel.path("panels"), into, errors); // rows nest their panels
            for (JsonNode target : panel.path("targets")) {
                if (!target.hasNonNull("expr")) {
                    continue;
                }
                String name = dashboard + " / " + panel.path("title").asText() + " / " + target.path("refId").asText();
                String expr = substitute(target.get("expr").asText());
                if (expr.contains("$")) {
                    errors.add(name + ": a Grafana variable this test does not know: " + expr);
                } else {
                    into.put(name, expr);
                }
            }
        }
    }

    private static String substitute(String expr) {
        Matcher matcher = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = GRAFANA_VARIABLES.get(variable);
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /**
     * Every rule's expression, named "record NAME" or "alert NAME". Read line by line: {@code expr:} is either on one
     * line or a folded block ({@code >-}) of the lines indented below it.
     */
    private static Map<String, String> ruleExpressions() throws IOException {
        Map<String, String> expressions = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(ROOT.resolve("prometheus/rules"))) {
            files = list.filter(f -> f.toString().endsWith(".yml")).sorted().collect(Collectors.toList());
        }
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String name = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.startsWith("- record:") || line.startsWith("- alert:")) {
                    name = line.substring(2).replaceFirst(":", "").trim();
                } else if (line.startsWith("expr:") && name != null) {
                    String value = line.substring("expr:".length()).trim();
                    if (value.equals(">-") || value.equals(">")) {
                        int indent = indentOf(lines.get(i + 1));
                        List<String> block = new ArrayList<>();
                        while (i + 1 < lines.size() && indentOf(lines.get(i + 1)) >= indent
                                && !lines.get(i + 1).isBlank()) {
                            block.add(lines.get(++i).trim());
                        }
                        value = String.join(" ", block);
                    }
                    expressions.put(name, value);
                    name = null;
                }
            }
        }
        assertThat(expressions).as("rules in prometheus/rules").isNotEmpty();
        return expressions;
    }

    private static String abbreviate(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "...";
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static boolean hasData(JsonNode data) {
        for (JsonNode sample : data) {
            String value = sample.path("value").path(1).asText();
            if (!value.equals("NaN")) {
                return true;
            }
        }
        return false;
    }

    /** An instant query's samples, by the value of one label. */
    private Map<String, Double> byLabel(String prometheus, String expr, String label) {
        Map<String, Double> values = new TreeMap<>();
        for (JsonNode sample : query(prometheus, expr)) {
            values.put(sample.path("metric").path(label).asText(), sample.path("value").path(1).asDouble());
        }
        return values;
    }

    /** The result of an instant query as a list of samples (a scalar becomes one sample). */
    private JsonNode query(String prometheus, String expr) {
        JsonNode answer = get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        assertThat(answer.path("status").asText()).as("query %s: %s", expr, answer).isEqualTo("success");
        JsonNode data = answer.path("data");
        if (data.path("resultType").asText().equals("scalar")) {
            return EventJson.MAPPER.createArrayNode().add(EventJson.MAPPER.createObjectNode()
                    .set("value", data.path("result")));
        }
        return data.path("result");
    }

    private String queryError(String prometheus, String expr) {
        JsonNode answer = get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        return answer.path("status").asText().equals("success") ? null
                : answer.path("errorType").asText() + ": " + answer.path("error").asText();
    }

    private String targetHealth(String prometheus) {
        JsonNode targets = get(prometheus + "/api/v1/targets").path("data").path("activeTargets");
        for (JsonNode target : targets) {
            if (target.path("labels").path("job").asText().equals("flowmeter")) {
                return target.path("health").asText();
            }
        }
        return "no flowmeter target";
    }

    private List<String> stalledAlertStates(String prometheus) {
        List<String> states = new ArrayList<>();
        for (JsonNode alert : get(prometheus + "/api/v1/alerts").path("data").path("alerts")) {
            JsonNode labels = alert.path("labels");
            if (labels.path("alertname").asText().equals("FlowmeterGateStalled")
                    && labels.path("service").asText().equals(SERVICE) && labels.path("gate").asText().equals("qa")) {
                states.add(alert.path("state").asText());
            }
        }
        return states;
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return EventJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static KafkaConsumer<String, GateStall> stallConsumer(TestServer server) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                server.server().embeddedKafka().orElseThrow().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the topology writes exactly-once
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, GateStall> consumer = new KafkaConsumer<>(props,
                Topics.GATES_STALLED.keySerde().deserializer(), Topics.GATES_STALLED.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.GATES_STALLED.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void poll(KafkaConsumer<String, GateStall> consumer, List<GateStall> into) {
        for (ConsumerRecord<String, GateStall> record : consumer.poll(Duration.ofMillis(200))) {
            into.add(record.value());
        }
    }
}
