package dev.flowmeter.api.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a fault test reads from a running server over HTTP: health status codes and the event counters of
 * {@code /metrics}. A server that cannot be reached answers status -1 rather than throwing, so tests can poll through
 * a restart.
 */
final class ServerProbe {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    static final String QUERY = "/health/query";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    ServerProbe(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The status of {@code GET path}, or -1 when the server does not answer. */
    int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** One scrape of {@code /metrics}; {@link Scrape#ok()} is false when it did not answer 200. */
    Scrape scrape() {
        try {
            HttpResponse<String> response = get("/metrics");
            if (response.statusCode() != 200) {
                return new Scrape(response.statusCode(), Map.of());
            }
            Map<String, Double> samples = new TreeMap<>();
            for (String line : response.body().split("\n")) {
                if (line.startsWith("flowmeter_")) {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
            return new Scrape(200, samples);
        } catch (IOException e) {
            return new Scrape(-1, Map.of());
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The {@code flowmeter_} samples of one scrape, series as written to value. */
    record Scrape(int status, Map<String, Double> samples) {

        boolean ok() {
            return status == 200;
        }

        /** True when every state store could be read for this scrape, so no counter is missing. */
        boolean complete() {
            return ok() && samples.getOrDefault("flowmeter_state_ready", 0.0) == 1.0;
        }

        /** {@code flowmeter_events_total} summed over its {@code type} label: events counted once each. */
        long eventsTotal() {
            return Math.round(samples.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("flowmeter_events_total{"))
                    .mapToDouble(Map.Entry::getValue).sum());
        }

        /** {@code flowmeter_events_duplicate_total}: redeliveries the topology dropped. */
        long duplicates() {
            return Math.round(samples.getOrDefault("flowmeter_events_duplicate_total", 0.0));
        }
    }
}
