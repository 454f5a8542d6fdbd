package dev.flowmeter.api.gitimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flowmeter.api.Main;
import dev.flowmeter.api.TestServer;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * import-git end to end: a repository built with JGit (a branch, a merge, an annotated tag dated after its commit, a
 * lightweight tag and a tag the glob does not match) imported in process through the command line into the real
 * server on its embedded broker; the deployments it answers, their shipped commits and lead times are worked out by
 * hand from the repository's dates. A second import changes nothing.
 */
class ImportGitIT {

    /** Scrapes and the default query window are "at" this instant, nine days after the history. */
    private static final Instant NOW = Instant.parse("2026-05-10T00:00:00Z");
    private static final String WINDOW = "&from=2026-04-01T00:00:00Z&to=2026-05-10T00:00:00Z";
    private static final String DUPLICATES = "flowmeter_events_duplicate_total";

    @TempDir
    static Path temp;

    private static TestServer server;
    private static ReleaseHistory history;

    @BeforeAll
    static void start() {
        history = new ReleaseHistory(temp.resolve("repo"));
        server = TestServer.start(temp.resolve("data"), NOW, Map.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> server.get("/health/query", Map.of()).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldShipTheHandComputedCommitsWithTheirLeadTimesAndAddNothingWhenImportedAgain() {
        String service = "shop/checkout";
        ReleaseHistory h = history;
        ArrayNode expected = h.deploymentsOfAFullImport(service);

        Run first = importGit("--repo", h.dir.toString(), "--service", service, "--server", server.baseUrl());

        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("import-git: shop/checkout: sent 8 commits and 3 deployments (production)"
                + " in ").contains("; tags skipped: 1 (1 not matching v*, 0 not on a commit)");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(ReleaseHistory.project(deployments(service))).isEqualTo(expected));
        String answer = deploymentsBody(service);
        Map<String, String> series = server.flowmeterSeries();
        // The same eight lead times in the histogram: 3600 + 0 + 10800 + 9000 + 7200 + 3600 + 14400 + 7200 = 55800.
        String production = "{environment=\"production\",service=\"shop/checkout\"}";
        assertThat(series).containsEntry("flowmeter_lead_time_seconds_count" + production, "8")
                .containsEntry("flowmeter_lead_time_seconds_sum" + production, "55800.0");

        Run second = importGit("--repo", h.dir.toString(), "--service", service, "--server", server.baseUrl());

        assertThat(second.status()).as(second.err()).isZero();
        // The second run's 11 events (8 commits, 3 deployments) reached the topology and were all dropped as
        // redeliveries: the duplicate counter is the one series that moves, by exactly 11.
        double duplicatesBefore = Double.parseDouble(series.getOrDefault(DUPLICATES, "0"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(Double.parseDouble(server.flowmeterSeries().getOrDefault(DUPLICATES, "0")))
                        .isEqualTo(duplicatesBefore + 11));
        Map<String, String> after = new HashMap<>(server.flowmeterSeries());
        Map<String, String> unchanged = new HashMap<>(series);
        unchanged.put(DUPLICATES, String.valueOf(duplicatesBefore + 11));
        assertThat(after).isEqualTo(unchanged);
        assertThat(deploymentsBody(service)).isEqualTo(answer);
    }

    @Test
    void shouldSendOnlyCommitsAndTagsAtOrAfterSince() {
        String service = "shop/since";
        ReleaseHistory h = history;
        // From 10:00Z: f1 (exactly at since), c3, f2, m, c4, c5; v1.0 (07:00Z) is left out. v1.1 walks from m to
        // f1, c3, f2, m and reaches c2, which was not sent: the server counts it in the batch (5) as a commit it
        // has not seen, without a lead time, and stops there. v2.0 ships c4 and c5 as before.
        ArrayNode expected = EventJson.MAPPER.createArrayNode();
        expected.add(ReleaseHistory.shipped(ReleaseHistory.shipped(
                ReleaseHistory.deployment("git-tag:shop/since:production:v2.0", "2026-05-01T18:00:00Z", h.c5, 2),
                h.c4, "2026-05-01T14:00:00Z", 14_400), h.c5, "2026-05-01T16:00:00Z", 7_200));
        expected.add(ReleaseHistory.shipped(ReleaseHistory.shipped(ReleaseHistory.shipped(ReleaseHistory.shipped(
                ReleaseHistory.deployment("git-tag:shop/since:production:v1.1", "2026-05-01T13:00:00Z", h.m, 5),
                h.f1, "2026-05-01T10:00:00Z", 10_800), h.c3, "2026-05-01T10:30:00Z", 9_000),
                h.f2, "2026-05-01T11:00:00Z", 7_200), h.m, "2026-05-01T12:00:00Z", 3_600));

        Run run = importGit("--repo", h.dir.toString(), "--service", service, "--server", server.baseUrl(),
                "--since", "2026-05-01T12:00:00+02:00");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("import-git: shop/since: sent 6 commits and 2 deployments (production) in ")
                .contains("; tags skipped: 2 (1 not matching v*, 0 not on a commit, 1 before --since); commits"
                        + " before --since: 2");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(ReleaseHistory.project(deployments(service))).isEqualTo(expected));
    }

    record Run(int status, String out, String err) {
    }

    /** The command line exactly as {@code java -jar flowmeter.jar import-git ...} parses it, in this JVM. */
    static Run importGit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new Main());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "import-git";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = command.execute(all);
        return new Run(status, out.toString(), err.toString());
    }

    private static JsonNode deployments(String service) {
        try {
            return EventJson.MAPPER.readTree(deploymentsBody(service));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String deploymentsBody(String service) {
        HttpResponse<String> response = server.get("/api/v1/services/" + service
                + "/deployments?environment=production" + WINDOW, Map.of());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 404);
        return response.statusCode() == 404 ? "{\"deployments\":[]}" : response.body();
    }
}
