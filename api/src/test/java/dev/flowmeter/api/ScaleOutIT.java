package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.api.broker.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How users grow past one machine: two server processes (here two servers in one JVM) join one external Kafka with
 * {@code KAFKA_BOOTSTRAP_SERVERS}, split the partitions between them, and together serve every series exactly once.
 */
class ScaleOutIT {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final int SERVICES = 8;
    private static final String PATH = "/api/v1/events";

    @TempDir
    Path kafkaDir;
    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    @Test
    void shouldServeEverySeriesFromExactlyOneInstanceWhenTwoInstancesShareTheWork() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, 0, 0)) {
            Map<String, String> external = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "FLOWMETER_PARTITIONS", "4");
            try (TestServer first = TestServer.start(dataA, NOW, external);
                    TestServer second = TestServer.start(dataB, NOW, external)) {
                List<String> events = commitsAndDeployments();
                String commits = "[" + String.join(",", events.subList(0, SERVICES)) + "]";
                String deployments = "[" + String.join(",", events.subList(SERVICES, 2 * SERVICES)) + "]";
                // The commits arrive through one instance, the deployments through the other: any takes any event.
                int commitsStatus = first.post(PATH, commits).statusCode();
                int deploymentsStatus = second.post(PATH, deployments).statusCode();
                assertThat(commitsStatus).isEqualTo(202);
                assertThat(deploymentsStatus).isEqualTo(202);

                // Each service: one commit at 08:00 deployed at 10:00, a lead time of 7200 s, served by one instance.
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    Map<String, String> seriesA = first.flowmeterSeries();
                    Map<String, String> seriesB = second.flowmeterSeries();
                    for (int i = 0; i < SERVICES; i++) {
                        String count = "flowmeter_lead_time_seconds_count{environment=\"production\","
                                + "service=\"team/svc-" + i + "\"}";
                        String sum = count.replace("_count", "_sum");
                        assertThat(seriesA.containsKey(count) ^ seriesB.containsKey(count))
                                .as("service %d is served by exactly one instance", i).isTrue();
                        Map<String, String> owner = seriesA.containsKey(count) ? seriesA : seriesB;
                        assertThat(owner).containsEntry(count, "1").containsEntry(sum, "7200.0");
                    }
                    // And the work is really shared: each instance owns some of the services.
                    assertThat(seriesA.keySet()).anyMatch(k -> k.startsWith("flowmeter_lead_time_seconds_count"));
                    assertThat(seriesB.keySet()).anyMatch(k -> k.startsWith("flowmeter_lead_time_seconds_count"));
                    String commitEventsKey = "flowmeter_events_total{type=\"commit\"}";
                    double commitEvents = Double.parseDouble(seriesA.getOrDefault(commitEventsKey, "0"))
                            + Double.parseDouble(seriesB.getOrDefault(commitEventsKey, "0"));
                    assertThat(commitEvents).isEqualTo(SERVICES);
                });
            }
        }
    }

    /** For each service, a commit at 08:00 and its deployment to production at 10:00. */
    private static List<String> commitsAndDeployments() {
        List<String> commits = new ArrayList<>();
        List<String> deployments = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            String service = "team/svc-" + i;
            String sha = String.format("%040x", i + 1);
            commits.add("{\"id\":\"c" + i + "\",\"type\":\"commit\",\"time\":\"2026-05-01T08:00:00Z\","
                    + "\"service\":\"" + service + "\",\"sha\":\"" + sha + "\"}");
            deployments.add("{\"id\":\"d" + i + "\",\"type\":\"deployment\",\"time\":\"2026-05-01T10:00:00Z\","
                    + "\"service\":\"" + service + "\",\"environment\":\"production\",\"sha\":\"" + sha + "\","
                    + "\"status\":\"success\"}");
        }
        List<String> all = new ArrayList<>(commits);
        all.addAll(deployments);
        return all;
    }
}
