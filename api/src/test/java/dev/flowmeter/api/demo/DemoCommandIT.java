package dev.flowmeter.api.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowmeter.api.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two demo commands as a newcomer runs them, on the shaded jar: {@code --demo} fills a fresh server within a
 * minute and then keeps it moving, and {@code demo --server} sending the same seed again adds nothing.
 */
class DemoCommandIT {

    private static final String TOKEN = "demo-command-ingest-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** Kept when a test fails, so the server's log can be read. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void shouldFillAFreshServerWithTheDemoAndAddNothingWhenItIsSentAgain() throws Exception {
        int[] ports = FreePorts.pick(3);
        String base = "http://127.0.0.1:" + ports[0];
        Map<String, String> env = Map.of(
                "FLOWMETER_DATA_DIR", work.resolve("data").toString(),
                "FLOWMETER_HTTP_HOST", "127.0.0.1",
                "FLOWMETER_HTTP_PORT", String.valueOf(ports[0]),
                "FLOWMETER_KAFKA_PORT", String.valueOf(ports[1]),
                "FLOWMETER_KAFKA_CONTROLLER_PORT", String.valueOf(ports[2]),
                "FLOWMETER_INGEST_TOKEN", TOKEN);
        Process server = start(env, work.resolve("server.log"), "--demo");
        Process restarted = null;
        try {
            // The mature team storefront: 3 successful production deployments a working day for each of its 5
            // services, over the 90 days before the last midnight (UTC), where the history ends and the live part
            // begins (DemoOrganisationTest counts a fixed window exactly).
            Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
            Instant begin = end.minus(Duration.ofDays(90));
            long workingDays = begin.atOffset(ZoneOffset.UTC).toLocalDate()
                    .datesUntil(end.atOffset(ZoneOffset.UTC).toLocalDate())
                    .filter(day -> day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY)
                    .count();
            List<String> storefront = DemoOrganisation.TEAMS.stream().filter(t -> t.name().equals("storefront"))
                    .findFirst().orElseThrow().services();
            // The immature team payments, whose figures are compared below: per service, releases 1 to 3, the
            // hotfix, the rollback and the re-release, 6 successful production deployments in the 90 days. Its
            // services sit in other partitions than storefront's, so storefront being complete says nothing of them.
            List<String> payments = DemoOrganisation.TEAMS.stream().filter(t -> t.name().equals("payments"))
                    .findFirst().orElseThrow().services();
            await("the demo's history counted").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                        assertThat(server.isAlive()).as("the server runs; its log:%n%s", log("server.log")).isTrue();
                        for (String service : storefront) {
                            assertThat(successfulDeployments(base, service, begin, end)).as(service)
                                    .isEqualTo(3 * workingDays);
                        }
                        for (String service : payments) {
                            assertThat(successfulDeployments(base, service, begin, end)).as(service).isEqualTo(6);
                        }
                    });
            long afterHistory = eventsTotal(base);
            await("the live trickle").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> eventsTotal(base) >= afterHistory + 10);

            JsonNode before = dora(base, "payments");
            Path tokenFile = Files.writeString(work.resolve("token"), TOKEN + "\n");
            Process again = start(Map.of(), work.resolve("demo.log"), "demo", "--server", base, "--token-file",
                    tokenFile.toString(), "--no-live");
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).as("demo --server finished").isTrue();
            assertThat(again.exitValue()).as("exit status; its output:%n%s", log("demo.log")).isZero();
            assertThat(log("demo.log")).contains("Demo history").doesNotContain(TOKEN);
            // Same seed, same ids: everything is a redelivery. The immature team gets no live deployments.
            assertThat(dora(base, "payments").get("deploymentFrequency")).isEqualTo(before.get("deploymentFrequency"));
            assertThat(dora(base, "payments").get("leadTime")).isEqualTo(before.get("leadTime"));

            // Restarted with --demo, it finds the history sent (demo-history.sent) and only goes on with the live part.
            stop(server);
            restarted = start(env, work.resolve("server.log"), "--demo");
            Process second = restarted;
            await("the restarted server").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                        assertThat(second.isAlive()).as("the server runs; its log:%n%s", log("server.log"))
                                .isTrue();
                        assertThat(log("server.log")).contains("Demo history: sent before");
                        assertThat(dora(base, "payments").get("deploymentFrequency"))
                                .isEqualTo(before.get("deploymentFrequency"));
                    });
        } finally {
            stop(server);
            if (restarted != null) {
                stop(restarted);
            }
        }
        assertThat(log("server.log")).doesNotContain(TOKEN);
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private long successfulDeployments(String base, String service, Instant from, Instant to)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/services/"
                + service + "/deployments?environment=production&from=" + from + "&to=" + to)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        long successful = 0;
        for (JsonNode deployment : JSON.readTree(response.body()).get("deployments")) {
            if (deployment.get("status").asText().equals("success")) {
                successful++;
            }
        }
        return successful;
    }

    private JsonNode dora(String base, String team) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/dora?team=" + team
                + "&window=90d")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private long eventsTotal(String base) throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("flowmeter_events_total{")) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private Process start(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-jar", jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("FLOWMETER_") || name.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    private String log(String name) throws IOException {
        Path file = work.resolve(name);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("flowmeter.jar", "target/flowmeter.jar"));
        assertThat(jar).as("the server jar; build it with ./mvnw -B -pl api -am -DskipTests package").isRegularFile();
        return jar;
    }
}
