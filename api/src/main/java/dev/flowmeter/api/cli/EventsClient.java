package dev.flowmeter.api.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends events to a running Flowmeter's {@code POST /api/v1/events} in batches, as any client should: a {@code 503}
 * or a lost connection is retried with the same batch (the server deduplicates by id), after the server's
 * {@code Retry-After} or a growing pause; any other refusal stops the run with the server's explanation.
 */
public final class EventsClient {

    /** Events per request: well under the server's default limit of 1,000, and a body of a few hundred KB. */
    public static final int BATCH_SIZE = 500;
    /** About a minute of retries (pauses of 0.25 s doubling to 10 s) before giving up on a server. */
    private static final int MAX_ATTEMPTS = 12;
    private static final ObjectMapper JSON = EventJson.MAPPER;

    private final URI events;
    private final Optional<String> token;
    private final HttpClient http;
    private final List<Map<String, Object>> pending = new ArrayList<>();
    private long sent;

    /**
     * @param server the server's base URL, such as {@code http://localhost:7070}
     * @param token the ingest token, when the server requires one
     */
    public EventsClient(URI server, Optional<String> token) {
        String base = server.toString().replaceAll("/+$", "");
        this.events = URI.create(base + "/api/v1/events");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Queues one event (a JSON object as a map) and sends a batch once {@link #BATCH_SIZE} are queued. */
    public void add(Map<String, Object> event) {
        pending.add(event);
        if (pending.size() >= BATCH_SIZE) {
            flush();
        }
    }

    /** Sends whatever is queued. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        send(List.copyOf(pending));
        sent += pending.size();
        pending.clear();
    }

    /** Events the server has acknowledged so far. */
    public long sent() {
        return sent;
    }

    private void send(List<Map<String, Object>> batch) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(batch);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write events as JSON: " + e.getMessage(), e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        String lastProblem = "";
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long pauseMillis = Math.min(10_000, 250L << Math.min(attempt - 1, 6));
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 202) {
                    return;
                }
                if (status != 503) {
                    throw new SendException(events + " answered " + status + ": " + response.body()
                            + (status == 401 ? " (set the ingest token: FLOWMETER_INGEST_TOKEN or --token-file)" : ""));
                }
                lastProblem = "503 " + response.body();
                pauseMillis = response.headers().firstValue("Retry-After").map(EventsClient::seconds)
                        .map(TimeUnit.SECONDS::toMillis).orElse(pauseMillis);
            } catch (IOException e) {
                lastProblem = String.valueOf(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SendException("interrupted while sending events to " + events);
            }
            sleep(pauseMillis);
        }
        throw new SendException("gave up sending events to " + events + " after " + MAX_ATTEMPTS + " attempts (last: "
                + lastProblem + ")");
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(1, Math.min(60, Long.parseLong(retryAfter.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendException("interrupted while waiting to resend events");
        }
    }

    /** The server refused events, or could not be reached for long. */
    public static final class SendException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SendException(String message) {
            super(message);
        }
    }
}
