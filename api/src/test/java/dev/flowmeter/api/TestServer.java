package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real server on its embedded broker, for end-to-end tests: free ports, a data directory of the test's, a fixed
 * clock (so the age of waiting gate items is known), and plain HTTP helpers. {@link #restart()} stops it and starts
 * it again on the same data directory and broker ports.
 */
public final class TestServer implements AutoCloseable {

    private final Map<String, String> env;
    private final Clock clock;
    private final HttpClient client = HttpClient.newHttpClient();
    private FlowmeterServer server;

    private TestServer(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
        this.server = FlowmeterServer.start(FlowmeterConfig.fromEnv(env), clock);
    }

    /** Starts a server whose scrapes happen "at" {@code now}, with {@code extraEnv} added (secrets, say). */
    public static TestServer start(Path dataDir, Instant now, Map<String, String> extraEnv) {
        return start(dataDir, Clock.fixed(now, ZoneOffset.UTC), extraEnv);
    }

    /** Starts a server on the given clock (the real one, for tests that need time to pass). */
    public static TestServer start(Path dataDir, Clock clock, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLOWMETER_DATA_DIR", dataDir.toString());
        env.put("FLOWMETER_HTTP_PORT", "0");
        env.put("FLOWMETER_HTTP_HOST", "127.0.0.1");
        env.put("FLOWMETER_KAFKA_PORT", "0");
        env.put("FLOWMETER_KAFKA_CONTROLLER_PORT", "0");
        env.put("FLOWMETER_PARTITIONS", "2");
        // Test events carry fixed dates that the wall clock has long passed (some fixtures are years old), while
        // retention and abandonment measure age on the wall clock: keep everything unless a test says otherwise.
        env.put("FLOWMETER_RETENTION", "36500d");
        env.put("FLOWMETER_GATE_ITEM_RETENTION", "36500d");
        env.putAll(extraEnv);
        return new TestServer(env, clock);
    }

    public void restart() {
        env.put("FLOWMETER_KAFKA_PORT", String.valueOf(server.embeddedKafka().orElseThrow().brokerPort()));
        env.put("FLOWMETER_KAFKA_CONTROLLER_PORT",
                String.valueOf(server.embeddedKafka().orElseThrow().controllerPort()));
        server.close();
        server = FlowmeterServer.start(FlowmeterConfig.fromEnv(env), clock);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    /** POSTs {@code body} to {@code path} with the given headers (Content-Type defaults to application/json). */
    public HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    /** GETs {@code path} with the given headers. */
    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    /** The running server, for tests that look at it directly. */
    public FlowmeterServer server() {
        return server;
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /**
     * Every {@code flowmeter_} sample of a scrape, series to value as written, but the {@code flowmeter_state_} and
     * {@code flowmeter_ingest_} gauges, which describe this process (store readiness and size estimates, request
     * bytes in flight) rather than the data.
     */
    public Map<String, String> flowmeterSeries() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics")).build());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> series = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("flowmeter_") && !line.startsWith("flowmeter_state_")
                    && !line.startsWith("flowmeter_ingest_")) {
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return series;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
