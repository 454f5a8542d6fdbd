package dev.flowmeter.bench.run;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Freshness: how long after its {@code 202} an event shows on {@code /metrics} and in the JSON API, while the server
 * takes a steady background load. Probes are deployments of one service, {@code bench-probe}, sent one at a time:
 * the n-th probe is visible on {@code /metrics} once that service's deployments counter reaches n, and in the JSON
 * API once its deployments list holds the probe's id. Both are polled every 2 ms, so a sample is at most that late.
 */
final class Freshness {

    static final String PROBE_SERVICE = "bench-probe";
    private static final String PROBE_SHA = "feedfacefeedfacefeedfacefeedfacefeedface";
    private static final Duration POLL = Duration.ofMillis(2);
    private static final Duration GAP = Duration.ofMillis(100);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private Freshness() {
    }

    /** Milliseconds from 202 to visible, per probe, sorted; and what the background load did. */
    record Result(List<Double> metricsMillis, List<Double> apiMillis, long backgroundSent, long backgroundFailed,
            double backgroundRate) {

        double metricsP99() {
            return percentile(metricsMillis, 0.99);
        }

        double apiP99() {
            return percentile(apiMillis, 0.99);
        }
    }

    /** The nearest-rank percentile of sorted samples. */
    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static Result run(Http http, int eventsPerSecond, int probes, String tag) throws IOException,
            InterruptedException {
        String day = LocalDate.now().minusDays(1).toString();
        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        ScriptEvents background = new ScriptEvents("fresh-" + tag, "bench/fresh-", day, 7);
        int perTick = Math.max(1, eventsPerSecond / 100);
        long loadStart = System.nanoTime();
        load.scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick; i++) {
                String json = background.next();
                sent.incrementAndGet();
                http.client().sendAsync(HttpRequest.newBuilder(http.base().resolve("/api/v1/events"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                            if (error != null || response.statusCode() != 202) {
                                failed.incrementAndGet();
                            }
                        });
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        List<Double> metrics = new ArrayList<>();
        List<Double> api = new ArrayList<>();
        try {
            // Let the load settle before the first sample.
            Thread.sleep(Duration.ofSeconds(5).toMillis());
            double before = Http.sum(http.get("/metrics"), "flowmeter_deployments_total",
                    "service=\"" + PROBE_SERVICE + "\"");
            for (int n = 1; n <= probes; n++) {
                String id = "probe-" + tag + "-" + n;
                String json = "{\"id\":\"" + id + "\",\"type\":\"deployment\",\"time\":\"" + day + "T12:00:00Z\","
                        + "\"service\":\"" + PROBE_SERVICE + "\",\"environment\":\"production\",\"sha\":\""
                        + PROBE_SHA + "\",\"status\":\"success\"}";
                int status = http.post("/api/v1/events", json);
                long accepted = System.nanoTime();
                if (status != 202) {
                    throw new IllegalStateException("probe " + id + " answered " + status);
                }
                long onMetrics = 0;
                long onApi = 0;
                long deadline = accepted + PROBE_TIMEOUT.toNanos();
                while (onMetrics == 0 || onApi == 0) {
                    if (onMetrics == 0 && Http.sum(http.get("/metrics"), "flowmeter_deployments_total",
                            "service=\"" + PROBE_SERVICE + "\"") >= before + n) {
                        onMetrics = System.nanoTime();
                    }
                    if (onApi == 0 && http.get("/api/v1/services/" + PROBE_SERVICE + "/deployments"
                            + "?environment=production").contains("\"" + id + "\"")) {
                        onApi = System.nanoTime();
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("probe " + id + " not visible within " + PROBE_TIMEOUT);
                    }
                    Thread.sleep(POLL.toMillis());
                }
                metrics.add((onMetrics - accepted) / 1e6);
                api.add((onApi - accepted) / 1e6);
                Thread.sleep(GAP.toMillis());
            }
        } finally {
            load.shutdownNow();
            load.awaitTermination(10, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - loadStart) / 1e9;
        Collections.sort(metrics);
        Collections.sort(api);
        return new Result(metrics, api, sent.get(), failed.get(), sent.get() / seconds);
    }
}
