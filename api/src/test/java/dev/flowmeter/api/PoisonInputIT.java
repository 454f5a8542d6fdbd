package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that used to stop every metric for good, and other oversized or contradictory ones, sent through HTTP to the
 * real server on its real broker: each is answered, the topology keeps running, and events sent afterwards are
 * counted exactly.
 */
class PoisonInputIT {

    private static final String PATH = "/api/v1/events";
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String DIGEST = "d".repeat(64);

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepCountingEventsSentAfterPoisonousAndContradictoryInputs() throws Exception {
        try (TestServer server = TestServer.start(dataDir, NOW, Map.of())) {
            // 1. The review's case: two artifacts with one digest, each built from 10,000 distinct commits, then a
            //    deployment of that digest. Its walk ships at most FLOWMETER_WALK_LIMIT (10,000) commits.
            assertThat(server.post(PATH, artifact("art-1", 0)).statusCode()).isEqualTo(202);
            assertThat(server.post(PATH, artifact("art-2", 10_000)).statusCode()).isEqualTo(202);
            assertThat(server.post(PATH, event("dep-art", "deployment", "poison/artifacts",
                    "\"environment\":\"production\",\"sha\":\"" + DIGEST + "\",\"status\":\"success\"")).statusCode())
                    .isEqualTo(202);

            // 2. Contradictory history: a commit that is its own parent, a two-commit cycle, a deployment of a sha
            //    nobody reported, a verdict for an item never queued, an id reused for a different event.
            String a = sha(1);
            String b = sha(2);
            assertThat(server.post(PATH, "[" + String.join(",",
                    event("self", "commit", "poison/history", "\"sha\":\"" + a + "\",\"parents\":[\"" + a + "\"]"),
                    event("cycle-1", "commit", "poison/history", "\"sha\":\"" + b + "\",\"parents\":[\"" + a + "\"]"),
                    event("cycle-2", "commit", "poison/history", "\"sha\":\"" + a + "\",\"parents\":[\"" + b + "\"]"),
                    event("unknown", "deployment", "poison/history", "\"environment\":\"production\",\"sha\":\""
                            + sha(3) + "\",\"status\":\"success\""),
                    event("verdict", "gate.finished", "poison/history",
                            "\"gate\":\"qa\",\"item\":\"" + "x".repeat(200) + "\",\"outcome\":\"passed\""),
                    event("cycle-1", "deployment", "poison/history", "\"environment\":\"staging\",\"sha\":\""
                            + a + "\",\"status\":\"success\"")) + "]").statusCode()).isEqualTo(202);

            // 3. A deployment listing 10,000 commits explicitly, and a batch of 1,000 commits with 100 parents each.
            assertThat(server.post(PATH, event("dep-list", "deployment", "poison/lists",
                    "\"environment\":\"production\",\"sha\":\"" + sha(4) + "\",\"status\":\"success\",\"commits\":"
                            + shas(20_000, 10_000))).statusCode()).isEqualTo(202);
            StringJoiner batch = new StringJoiner(",", "[", "]");
            for (int i = 0; i < 1000; i++) {
                batch.add(event("wide-" + i, "commit", "poison/lists",
                        "\"sha\":\"" + sha(40_000 + i) + "\",\"parents\":" + shas(50_000 + i * 100, 100)));
            }
            assertThat(server.post(PATH, batch.toString()).statusCode()).isEqualTo(202);

            // 4. Bytes that are no delivery event at all, written to the topic behind the API's back.
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    server.server().embeddedKafka().orElseThrow().bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(Topics.EVENTS.name(), "poison/raw".getBytes(StandardCharsets.UTF_8),
                        new byte[] {0, (byte) 0xff, '{'})).get();
            }

            // Afterwards: a commit at 10:00 deployed at 11:30 in a fresh service has a lead time of 5400 s.
            String c = sha(9);
            assertThat(server.post(PATH, "[" + event("after-c", "commit", "poison/after", "\"sha\":\"" + c + "\"",
                    "2026-05-01T10:00:00Z") + "," + event("after-d", "deployment", "poison/after",
                    "\"environment\":\"production\",\"sha\":\"" + c + "\",\"status\":\"success\"",
                    "2026-05-01T11:30:00Z") + "]").statusCode()).isEqualTo(202);

            String after = "environment=\"production\",service=\"poison/after\"";
            String artifacts = "environment=\"production\",service=\"poison/artifacts\"";
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(server.flowmeterSeries())
                            .containsEntry("flowmeter_lead_time_seconds_count{" + after + "}", "1")
                            .containsEntry("flowmeter_lead_time_seconds_sum{" + after + "}", "5400.0")
                            .containsEntry("flowmeter_deployment_commits_sum{" + artifacts + "}", "10000.0")
                            .containsEntry("flowmeter_processing_errors_total{reason=\"unreadable_record\"}", "1.0"));
            Map<String, String> series = server.flowmeterSeries();
            assertThat(series.keySet()).filteredOn(name -> name.startsWith("flowmeter_processing_errors_total"))
                    .containsExactly("flowmeter_processing_errors_total{reason=\"unreadable_record\"}");
            // 2 artifacts; 1 + 1 + 2 deployments; 3 + 1,000 + 1 commits; the reused id counted once as a duplicate.
            assertThat(series).containsEntry("flowmeter_events_total{type=\"artifact\"}", "2.0")
                    .containsEntry("flowmeter_events_total{type=\"deployment\"}", "4.0")
                    .containsEntry("flowmeter_events_total{type=\"commit\"}", "1004.0")
                    .containsEntry("flowmeter_events_duplicate_total", "1.0");
            assertThat(server.get("/health/live", Map.of()).statusCode()).isEqualTo(200);
        }
    }

    /** An artifact with the digest, built from 10,000 commits numbered from {@code first}. */
    private static String artifact(String id, int first) {
        return event(id, "artifact", "poison/artifacts", "\"sha\":\"" + DIGEST + "\",\"commits\":"
                + shas(first, 10_000));
    }

    private static String event(String id, String type, String service, String fields) {
        return event(id, type, service, fields, "2026-05-01T09:00:00Z");
    }

    private static String event(String id, String type, String service, String fields, String time) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\"" + service
                + "\"," + fields + "}";
    }

    private static String shas(int first, int count) {
        StringJoiner list = new StringJoiner(",", "[", "]");
        for (int i = first; i < first + count; i++) {
            list.add("\"" + sha(i) + "\"");
        }
        return list.toString();
    }

    /** A distinct, valid 40-character sha for each number. */
    private static String sha(int n) {
        return "f".repeat(32) + HexFormat.of().toHexDigits(n);
    }
}
