package dev.flowmeter.api.gitimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flowmeter.api.TestServer;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a second import does once the server has forgotten the first one's ids ({@code FLOWMETER_DEDUP_RETENTION},
 * 2 s here instead of 7 days), so that docs/sources/git.md states it from a run rather than from a reading of the
 * topology: the events pass the deduplication and are counted as events, but nothing else moves. The commits are
 * known nodes with the parents they had; each deployment is recognised by its record in the DORA ledger (service,
 * environment, time and id) and not counted again, so no counter, histogram, batch size or key changes.
 */
class ImportGitAfterDedupRetentionIT {

    private static final Instant NOW = Instant.parse("2026-05-10T00:00:00Z");
    private static final String SERVICE = "shop/checkout";
    private static final String PRODUCTION = "environment=\"production\",service=\"shop/checkout\"";
    private static final String DUPLICATES = "flowmeter_events_duplicate_total";
    private static final String COMMITS = "flowmeter_events_total{type=\"commit\"}";
    private static final String DEPLOYMENTS = "flowmeter_events_total{type=\"deployment\"}";
    /** Events one import of {@link ReleaseHistory} sends: 8 commits and 3 deployments. */
    private static final int EVENTS = 11;

    @TempDir
    Path temp;

    @Test
    void shouldCountOnlyTheEventsAgainWhenTheRepositoryIsReimportedAfterTheDedupRetention() {
        ReleaseHistory history = new ReleaseHistory(temp.resolve("repo"));
        try (TestServer server = TestServer.start(temp.resolve("data"), NOW, Map.of(
                "FLOWMETER_DEDUP_RETENTION", "2s", "FLOWMETER_PURGE_INTERVAL", "1s"))) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    server.get("/health/query", Map.of()).statusCode() == 200);
            String[] args = {"--repo", history.dir.toString(), "--service", SERVICE, "--server", server.baseUrl()};
            assertThat(ImportGitIT.importGit(args).status()).isZero();
            ArrayNode first = history.deploymentsOfAFullImport(SERVICE);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(ReleaseHistory.project(json(deployments(server)))).isEqualTo(first));
            Map<String, String> original = server.flowmeterSeries();
            String dora = dora(server);

            // Import again until one import gets through the deduplication whole: every id forgotten. An import
            // between, whose ids were partly forgotten, only makes the snapshot before the whole one later.
            AtomicReference<Map<String, String>> before = new AtomicReference<>();
            AtomicReference<Map<String, String>> after = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(4)).until(() -> {
                Map<String, String> prior = server.flowmeterSeries();
                assertThat(ImportGitIT.importGit(args).status()).isZero();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        processed(server.flowmeterSeries()) == processed(prior) + EVENTS);
                Map<String, String> now = server.flowmeterSeries();
                before.set(prior);
                after.set(now);
                return value(now, DUPLICATES) == value(prior, DUPLICATES);
            });

            // The 8 commits and 3 deployments are counted as events processed; nothing else moves: no deployment
            // counted again, no batch of 0 observed, no lead time observed again.
            Map<String, String> expected = new TreeMap<>(before.get());
            plus(expected, COMMITS, 8);
            plus(expected, DEPLOYMENTS, 3);
            assertThat(after.get()).isEqualTo(expected);
            assertThat(after.get()).containsEntry("flowmeter_deployments_total{" + PRODUCTION.replace("service",
                    "outcome=\"success\",service") + "}", "3.0")
                    .containsEntry("flowmeter_deployment_commits_count{" + PRODUCTION + "}", "3")
                    .containsEntry("flowmeter_deployment_commits_sum{" + PRODUCTION + "}", "8.0"); // 2 + 4 + 2
            assertThat(leadTimes(after.get())).isEqualTo(leadTimes(original)).isNotEmpty();

            // The ledger holds the same three deployments, batch sizes and all, and the DORA keys read the same.
            assertThat(ReleaseHistory.project(json(deployments(server)))).isEqualTo(first);
            JsonNode keys = json(dora(server));
            assertThat(keys).isEqualTo(json(dora));
            assertThat(keys.at("/deploymentFrequency/deployments").asInt()).isEqualTo(3);
            assertThat(keys.at("/leadTime/samples").asInt()).isEqualTo(8);
            assertThat(keys.at("/batchSize/median").asDouble()).isEqualTo(2.0); // of 2, 4 and 2
        }
    }

    private static double processed(Map<String, String> series) {
        return value(series, COMMITS) + value(series, DEPLOYMENTS) + value(series, DUPLICATES);
    }

    private static double value(Map<String, String> series, String name) {
        return Double.parseDouble(series.getOrDefault(name, "0"));
    }

    /** Adds {@code n} to a sample, written as the exposition writes it (counters "3.0", histogram counts "3"). */
    private static void plus(Map<String, String> series, String name, long n) {
        String value = series.getOrDefault(name, "0");
        series.put(name, value.contains(".") ? String.valueOf(Double.parseDouble(value) + n)
                : String.valueOf(Long.parseLong(value) + n));
    }

    private static Map<String, String> leadTimes(Map<String, String> series) {
        Map<String, String> leadTimes = new TreeMap<>(series);
        leadTimes.keySet().removeIf(k -> !k.startsWith("flowmeter_lead_time_seconds"));
        return leadTimes;
    }

    private static String deployments(TestServer server) {
        HttpResponse<String> response = server.get("/api/v1/services/" + SERVICE + "/deployments?environment="
                + "production&from=2026-04-01T00:00:00Z&to=2026-05-10T00:00:00Z", Map.of());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 404);
        return response.statusCode() == 404 ? "{\"deployments\":[]}" : response.body();
    }

    private static String dora(TestServer server) {
        HttpResponse<String> response = server.get("/api/v1/dora?service=" + SERVICE + "&window=30d", Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static JsonNode json(String body) {
        try {
            return EventJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
