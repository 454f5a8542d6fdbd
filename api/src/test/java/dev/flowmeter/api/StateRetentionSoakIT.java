package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steady load with short retentions on the real server: once the retentions have passed, every state store stops
 * growing, because what ages out is purged as fast as new state comes in. Events carry the real current time, since
 * retention measures an event's age against the server's clock.
 */
class StateRetentionSoakIT {

    private static final String PATH = "/api/v1/events";
    private static final int SERVICES = 3;
    /** Rounds of load, one a second. Retention is 15 s, so the last 20 rounds run at steady state. */
    private static final int ROUNDS = 45;

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepEveryStoreFlatUnderSteadyLoadWhenRetentionsAreShort() {
        Clock clock = Clock.systemUTC();
        try (TestServer server = TestServer.start(dataDir, clock, Map.of(
                "FLOWMETER_RETENTION", "15s",
                "FLOWMETER_GATE_ITEM_RETENTION", "5s",
                "FLOWMETER_DEDUP_RETENTION", "15s",
                "FLOWMETER_PURGE_INTERVAL", "1s",
                "FLOWMETER_GATE_REORDER_WINDOW", "500ms",
                "FLOWMETER_PARTITIONS", "1"))) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    server.get("/health/query", Map.of()).statusCode() == 200);
            List<Map<String, Long>> samples = new CopyOnWriteArrayList<>();
            List<Integer> statuses = new CopyOnWriteArrayList<>();
            AtomicInteger rounds = new AtomicInteger();
            // The load generator: one round a second, at a fixed rate, each round followed by a count of every store.
            ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
            load.scheduleAtFixedRate(() -> {
                int round = rounds.getAndIncrement();
                if (round < ROUNDS) {
                    statuses.add(server.post(PATH, round(round, clock.instant())).statusCode());
                    samples.add(new TreeMap<>(server.server().countStateEntries()));
                }
            }, 0, 1, TimeUnit.SECONDS);
            try {
                await().atMost(Duration.ofSeconds(ROUNDS * 3L)).until(() -> samples.size() == ROUNDS);
            } finally {
                load.shutdownNow();
            }
            assertThat(statuses).containsOnly(202);

            // Rounds 25-34 and 35-44 are both past every retention, so each store's peak must be the same in both, give
            // or take two rounds of state (purges and load both run once a second and drift against each other). A
            // store that is not purged grows by ten rounds between the windows. Before anything expires (rounds 2 to
            // 12), the growth per round shows what one round adds to each store.
            Map<String, Long> middle = peak(samples.subList(25, 35));
            Map<String, Long> last = peak(samples.subList(35, ROUNDS));
            System.out.printf("state entries at peak, rounds 25-34: %s%nrounds 35-44: %s%n", middle, last);
            for (Map.Entry<String, Long> store : last.entrySet()) {
                long perRound = (samples.get(12).getOrDefault(store.getKey(), 0L)
                        - samples.get(2).getOrDefault(store.getKey(), 0L)) / 10;
                assertThat(store.getValue()).as(store.getKey() + " grows by " + perRound + " a round")
                        .isLessThanOrEqualTo(middle.getOrDefault(store.getKey(), 0L) + 2 * perRound + 2);
            }
            // Without purging, the stores would hold every round: 45 rounds of 30 commits is 1,350 commits.
            assertThat(last.get("lead-time-commit-nodes-store")).isLessThan(30L * 25);
            assertThat(last.get("dedup-ids-store")).isLessThan(48L * 25);
        }
    }

    /**
     * One round: for each service, 10 new commits chained onto the last round's, a deployment of the newest, and three
     * gate items (one passes, one waits and is abandoned later, one only starts): 16 events a service, 48 a
     * round.
     */
    private static String round(int round, Instant now) {
        StringJoiner events = new StringJoiner(",", "[", "]");
        String time = now.toString();
        for (int s = 0; s < SERVICES; s++) {
            String service = "soak/service-" + s;
            for (int c = 0; c < 10; c++) {
                int n = round * 10 + c;
                String parents = n == 0 ? "" : ",\"parents\":[\"" + sha(s, n - 1) + "\"]";
                events.add(event("c-" + s + "-" + n, "commit", service, time,
                        "\"sha\":\"" + sha(s, n) + "\"" + parents));
            }
            events.add(event("d-" + s + "-" + round, "deployment", service, time,
                    "\"environment\":\"production\",\"sha\":\"" + sha(s, round * 10 + 9)
                            + "\",\"status\":\"success\""));
            String item = "\"gate\":\"qa\",\"item\":\"item-" + round + "\"";
            events.add(event("q-" + s + "-" + round, "gate.queued", service, time, item));
            events.add(event("s-" + s + "-" + round, "gate.started", service, time, item));
            events.add(event("f-" + s + "-" + round, "gate.finished", service, time, item + ",\"outcome\":\"passed\""));
            events.add(event("w-" + s + "-" + round, "gate.queued", service, time,
                    "\"gate\":\"qa\",\"item\":\"waits-" + round + "\""));
            events.add(event("o-" + s + "-" + round, "gate.started", service, time,
                    "\"gate\":\"review\",\"item\":\"open-" + round + "\""));
        }
        return events.toString();
    }

    private static Map<String, Long> peak(List<Map<String, Long>> window) {
        Map<String, Long> peak = new TreeMap<>();
        window.forEach(sample -> sample.forEach((store, entries) -> peak.merge(store, entries, Math::max)));
        return peak;
    }

    private static String event(String id, String type, String service, String time, String fields) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\"" + service
                + "\"," + fields + "}";
    }

    private static String sha(int service, int n) {
        return HexFormat.of().toHexDigits(service) + "e".repeat(24) + HexFormat.of().toHexDigits(n);
    }
}
