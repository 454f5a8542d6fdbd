package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forecasts from a real server on its embedded broker, its clock at 2026-05-20T12:00Z. Service shop/fc has twelve
 * past changes, change i opened on day i of May at 09:00, reviewed at 10:00, merged at 11:00 and in production at
 * 13:00: every pickup 1 h, every review 1 h, every deploy 2 h, so every forecast is exact. Now: change 13 (branch
 * feature/FC-1-export) was opened at 11:30; change 14 ("FC-2: rounding") was merged at 11:00; change 15 has been in
 * review since 09:00, longer than any past review. FC-1, FC-2 and FC-3 are work items of release fc-1.0; no code
 * names FC-3 yet.
 */
class ForecastIT {

    private static final Instant NOW = Instant.parse("2026-05-20T12:00:00Z");
    private static final String SERVICE = "shop/fc";

    @TempDir
    Path work;

    private static String sha(int n) {
        return String.format("%040x", n);
    }

    private static String event(String id, String type, String time, String fields) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\"" + SERVICE
                + "\"" + fields + "}";
    }

    private static String change(List<String> events, int n, String day, String opened, String reviewed,
            String merged, String deployed, String title, String branch, String parent) {
        String head = sha(2 * n);
        String landed = sha(2 * n + 1);
        String at = "2026-05-" + day + "T";
        events.add(event("c" + n, "commit", at + "08:00:00Z", ",\"sha\":\"" + head + "\""
                + (parent == null ? "" : ",\"parents\":[\"" + parent + "\"]")));
        events.add(event("o" + n, "change.opened", at + opened + ":00Z", ",\"change\":\"" + n + "\",\"sha\":\"" + head
                + "\",\"commits\":[\"" + head + "\"],\"target\":\"main\",\"title\":\"" + title + "\""
                + (branch == null ? "" : ",\"branch\":\"" + branch + "\"")));
        if (reviewed != null) {
            events.add(event("r" + n, "change.reviewed", at + reviewed + ":00Z", ",\"change\":\"" + n + "\""));
        }
        if (merged != null) {
            events.add(event("l" + n, "commit", at + merged + ":00Z", ",\"sha\":\"" + landed + "\",\"parents\":[\""
                    + (parent == null ? head : parent + "\",\"" + head) + "\"]"));
            events.add(event("m" + n, "change.merged", at + merged + ":00Z", ",\"change\":\"" + n + "\",\"sha\":\""
                    + landed + "\""));
        }
        if (deployed != null) {
            events.add(event("d" + n, "deployment", at + deployed + ":00Z", ",\"environment\":\"production\","
                    + "\"sha\":\"" + landed + "\",\"status\":\"success\""));
        }
        return landed;
    }

    @Test
    void shouldForecastChangesTheNextReleaseAWorkItemAndATrackerRelease() throws Exception {
        List<String> events = new ArrayList<>();
        String landed = null;
        for (int i = 1; i <= 12; i++) {
            landed = change(events, i, String.format("%02d", i), "09:00", "10:00", "11:00", "13:00", "Change " + i,
                    null, landed);
        }
        change(events, 13, "20", "11:30", null, null, null, "Export", "feature/FC-1-export", landed);
        change(events, 14, "20", "09:00", "10:00", "11:00", null, "FC-2: rounding", null, landed);
        change(events, 15, "20", "08:30", "09:00", null, null, "Slow one", null, landed);
        for (String item : List.of("FC-1", "FC-2", "FC-3")) {
            events.add(event("w" + item, "work.created", "2026-05-19T09:00:00Z", ",\"item\":\"" + item
                    + "\",\"kind\":\"feature\",\"release\":\"fc-1.0\""));
        }
        try (TestServer server = TestServer.start(work.resolve("data"), NOW, Map.of())) {
            HttpResponse<String> accepted = server.post("/api/v1/events", "[" + String.join(",", events) + "]");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

            // Change 13, 30 min into pickup: 30 min + 1 h + 2 h = 3 h 30 min, at 15:30, at every percentile.
            String path = "/api/v1/forecast?service=" + SERVICE + "&change=13";
            JsonNode change = await("change 13's forecast").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).until(() -> json(server, path),
                            node -> node != null && node.path("status").asText().equals("forecast")
                                    && node.at("/members/0/path/0/samples").asInt() == 12);
            OpenApiContract.DOCUMENT.validate("GET", ForecastRoutes.FORECAST, server.get(path, Map.of()));
            for (String p : List.of("p50", "p85", "p95")) {
                assertThat(change.at("/percentiles/" + p + "/at").asText()).as(p).isEqualTo("2026-05-20T15:30:00Z");
                assertThat(change.at("/percentiles/" + p + "/inSeconds").asLong()).isEqualTo(12_600);
            }
            assertThat(change.get("trials").asInt()).isEqualTo(10_000);
            assertThat(change.get("window").asText()).isEqualTo("PT2160H");
            List<String> stages = new ArrayList<>();
            change.at("/members/0/path").forEach(leg -> stages.add(leg.get("stage").asText() + " "
                    + leg.get("elapsedSeconds").asLong() + " " + leg.get("medianSeconds").asLong()));
            assertThat(stages).containsExactly("pickup 1800 3600", "review 0 3600", "deploy 0 7200");
            // Its commit is on its way with it.
            JsonNode commit = json(server, "/api/v1/forecast?service=" + SERVICE + "&commit=" + sha(26));
            assertThat(commit.at("/percentiles/p50/at").asText()).isEqualTo("2026-05-20T15:30:00Z");
            assertThat(server.get("/api/v1/forecast?service=" + SERVICE + "&commit=" + sha(999), Map.of())
                    .statusCode()).isEqualTo(404);
            // The same question, the same answer.
            assertThat(json(server, path)).isEqualTo(change);

            // The next release: change 14 alone, merged an hour ago: 1 h left, 13:00.
            String next = "/api/v1/forecast?service=" + SERVICE + "&environment=production";
            JsonNode release = json(server, next);
            OpenApiContract.DOCUMENT.validate("GET", ForecastRoutes.FORECAST, server.get(next, Map.of()));
            assertThat(release.at("/percentiles/p85/at").asText()).isEqualTo("2026-05-20T13:00:00Z");
            assertThat(release.get("members")).hasSize(1);
            JsonNode pending = json(server, "/api/v1/services/" + SERVICE + "/pending?environment=production");
            assertThat(pending.at("/forecast/p50").asText()).isEqualTo("2026-05-20T13:00:00Z");
            JsonNode view = json(server, "/api/v1/services/" + SERVICE + "/changes/13");
            assertThat(view.at("/forecast/p85").asText()).isEqualTo("2026-05-20T15:30:00Z");

            // FC-2 is change 14's: 13:00. Release fc-1.0 lands with its last item, FC-1: 15:30.
            JsonNode item = await("FC-2's forecast").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> json(server, "/api/v1/forecast?item=FC-2"),
                            node -> node != null && node.path("status").asText().equals("forecast"));
            OpenApiContract.DOCUMENT.validate("GET", ForecastRoutes.FORECAST,
                    server.get("/api/v1/forecast?item=FC-2", Map.of()));
            assertThat(item.at("/percentiles/p50/at").asText()).isEqualTo("2026-05-20T13:00:00Z");
            assertThat(json(server, "/api/v1/work/FC-2").at("/forecast/p85").asText())
                    .isEqualTo("2026-05-20T13:00:00Z");
            JsonNode fc = json(server, "/api/v1/forecast?release=fc-1.0");
            OpenApiContract.DOCUMENT.validate("GET", ForecastRoutes.FORECAST,
                    server.get("/api/v1/forecast?release=fc-1.0", Map.of()));
            assertThat(fc.at("/percentiles/p95/at").asText()).isEqualTo("2026-05-20T15:30:00Z");
            assertThat(fc.get("members")).hasSize(2);
            assertThat(fc.at("/items/0/item").asText()).isEqualTo("FC-1");
            assertThat(fc.at("/items/0/forecast/p50").asText()).isEqualTo("2026-05-20T15:30:00Z");
            assertThat(fc.at("/items/1/forecast/p50").asText()).isEqualTo("2026-05-20T13:00:00Z");
            // FC-3 has no code yet: it has no forecast, and the release's says it is not counted.
            assertThat(fc.at("/items/2/forecast/status").asText()).isEqualTo("not-on-its-way");
            assertThat(fc.get("reason").asText()).isEqualTo("not counted: FC-3, which no commit or change names yet");

            // Change 15 has been in review for 3 h; no past review took longer: no guess.
            JsonNode slow = json(server, "/api/v1/forecast?service=" + SERVICE + "&change=15");
            assertThat(slow.get("status").asText()).isEqualTo("too-little-history");
            assertThat(slow.get("percentiles").isNull()).isTrue();
            assertThat(slow.get("reason").asText()).isEqualTo("change 15 of shop/fc: only 0 of the 12 reviews in the"
                    + " last 90 d took longer than the 3 h 0 min it has spent there; 10 are needed");

            // Bad questions name the field.
            for (String[] bad : new String[][] {{"/api/v1/forecast", "change"},
                {"/api/v1/forecast?change=13", "service"},
                {"/api/v1/forecast?service=" + SERVICE + "&environment=staging", "environment"},
                {"/api/v1/forecast?item=FC-1&release=fc-1.0", "item,release"},
                {"/api/v1/forecast?item=no%20such", "item"}}) {
                HttpResponse<String> refused = server.get(bad[0], Map.of());
                assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
                OpenApiContract.DOCUMENT.validate("GET", ForecastRoutes.FORECAST, refused);
                assertThat(refused.body()).as(bad[0]).contains("\"field\":\"" + bad[1] + "\"");
            }
            HttpResponse<String> unknown = server.get("/api/v1/forecast?service=" + SERVICE + "&change=99", Map.of());
            assertThat(unknown.statusCode()).isEqualTo(404);
            OpenApiContract.DOCUMENT.validate("GET", ForecastRoutes.FORECAST, unknown);
            HttpResponse<String> members = server.get(ForecastRoutes.MEMBERS + "?service=" + SERVICE + "&items=FC-1",
                    Map.of());
            OpenApiContract.DOCUMENT.validate("GET", ForecastRoutes.MEMBERS, members);

            // Calibration: changes 11 and 12 are scored when opened and when merged (ten earlier ones in production
            // each time), and land exactly on their forecasts: 4 scored, 4 hits at each percentile.
            Map<String, String> series = server.flowmeterSeries();
            String labels = "{service=\"" + SERVICE + "\"}";
            assertThat(series).containsEntry("flowmeter_forecasts_scored_total" + labels, "4.0");
            for (String p : List.of("p50", "p85", "p95")) {
                assertThat(series).containsEntry("flowmeter_forecast_hits_total{percentile=\"" + p + "\",service=\""
                        + SERVICE + "\"}", "4.0");
            }
        }
    }

    private static JsonNode json(TestServer server, String path) throws Exception {
        HttpResponse<String> response = server.get(path, Map.of());
        if (response.statusCode() != 200) {
            return null;
        }
        return EventJson.MAPPER.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
