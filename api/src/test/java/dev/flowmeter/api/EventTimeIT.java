package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender whose clock runs ahead, against the real broker: Kafka refuses record timestamps more than an hour ahead
 * of its own clock, so the record timestamp must be the ingest time, and only an event too far ahead to be believed is
 * refused, with a 400 the sender can act on. The server runs on the real clock, as the broker does.
 */
class EventTimeIT {

    private static final String PATH = "/api/v1/events";

    @TempDir
    Path dataDir;

    @Test
    void shouldAcceptAndCountAnEventThreeHoursAheadAndRefuseOneTwoDaysAheadWithA400() {
        Clock clock = Clock.systemUTC();
        try (TestServer server = TestServer.start(dataDir, clock, Map.of())) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            Instant commit = now.plus(Duration.ofHours(3));
            Instant deployed = commit.plus(Duration.ofMinutes(30));
            String sha = "a".repeat(40);

            HttpResponse<String> ahead = server.post(PATH, "[" + event("c-ahead", "commit", commit, "\"sha\":\"" + sha
                    + "\"") + "," + event("d-ahead", "deployment", deployed, "\"environment\":\"production\","
                    + "\"sha\":\"" + sha + "\",\"status\":\"success\"") + "]");
            assertThat(ahead.statusCode()).as(ahead.body()).isEqualTo(202);

            Instant farAhead = now.plus(Duration.ofDays(2));
            HttpResponse<String> refused = server.post(PATH, event("too-far", "commit", farAhead,
                    "\"sha\":\"" + "b".repeat(40) + "\""));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
            assertThat(refused.body()).contains("\"field\":\"time\"", "more than 1 day (FLOWMETER_MAX_FUTURE) ahead",
                    "check the sender's clock");

            // The event time still drives the metric: 30 minutes from commit to deployment.
            String production = "environment=\"production\",service=\"clock/ahead\"";
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(server.flowmeterSeries())
                            .containsEntry("flowmeter_lead_time_seconds_count{" + production + "}", "1")
                            .containsEntry("flowmeter_lead_time_seconds_sum{" + production + "}", "1800.0"));
        }
    }

    private static String event(String id, String type, Instant time, String fields) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\"clock/ahead\","
                + fields + "}";
    }
}
