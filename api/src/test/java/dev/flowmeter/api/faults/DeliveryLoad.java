package dev.flowmeter.api.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A client load for the fault tests: the delivery events of several services (chains of commits, a deployment of
 * every third commit, and the change-approval gate events of each deployment) in small batches, sent to
 * {@code POST /api/v1/events} by several threads. Each request is resent until it is answered 202, as the README
 * tells a client to: a 503 or a broken connection means "resend the whole request", and whatever of it was written
 * already is deduplicated by id. Every id answered 202 is recorded, with what the server answered on the way.
 */
final class DeliveryLoad implements AutoCloseable {

    static final String PATH = "/api/v1/events";
    /** Event times start here; each round of a service is an hour later. Fixed, so runs are comparable. */
    static final Instant START = Instant.parse("2026-05-01T00:00:00Z");
    private static final int MAX_BATCH = 8;
    /** How long a client waits before resending; the README's Retry-After (5 s) would only make the test slower. */
    private static final long BACKOFF_MS = 100;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** One request of the load: the ids of its events, in order, and its body. */
    record Request(int number, List<String> ids, String body) {
    }

    private final URI uri;
    private final String token;
    private final int threads;
    private final Queue<Request> queue;
    private final int planned;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService senders;
    private final CountDownLatch finished;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Queue<Long> acceptedAtNanos = new ConcurrentLinkedQueue<>();
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder resends = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder withoutRetryAfter = new LongAdder();
    private final LongAdder connectionErrors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAccumulator slowestUnavailableNanos = new LongAccumulator(Math::max, 0);
    private final LongAccumulator slowestAnswerNanos = new LongAccumulator(Math::max, 0);

    /**
     * @param baseUrl  the server, {@code http://127.0.0.1:<port>}
     * @param token    sent as {@code Authorization: Bearer <token>}
     * @param threads  concurrent clients
     * @param requests the requests to send, each until it is answered 202
     */
    DeliveryLoad(String baseUrl, String token, int threads, List<Request> requests) {
        this.uri = URI.create(baseUrl + PATH);
        this.token = token;
        this.threads = threads;
        this.queue = new ConcurrentLinkedQueue<>(requests);
        this.planned = requests.stream().mapToInt(r -> r.ids().size()).sum();
        this.finished = new CountDownLatch(requests.size());
        this.senders = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "fault-load");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The events of {@code services} services, {@code rounds} rounds each, interleaved across services and cut into
     * batches of 1 to 8 events. A round of a service is three commits (each the child of the one before), the
     * deployment of the last one to production, and that deployment's change approval queued, started and finished.
     */
    static List<Request> plan(String prefix, int services, int rounds, long seed) {
        List<List<String>> perService = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            perService.add(serviceEvents(prefix, s, rounds));
        }
        List<String> interleaved = new ArrayList<>();
        for (int i = 0; i < perService.get(0).size(); i++) {
            for (List<String> events : perService) {
                interleaved.add(events.get(i));
            }
        }
        Random random = new Random(seed);
        List<Request> requests = new ArrayList<>();
        int from = 0;
        while (from < interleaved.size()) {
            int to = Math.min(interleaved.size(), from + 1 + random.nextInt(MAX_BATCH));
            List<String> batch = interleaved.subList(from, to);
            List<String> ids = batch.stream().map(DeliveryLoad::idOf).toList();
            requests.add(new Request(requests.size(), ids, "[" + String.join(",", batch) + "]"));
            from = to;
        }
        return requests;
    }

    private static List<String> serviceEvents(String prefix, int service, int rounds) {
        String name = "team/" + prefix + "-svc-" + service;
        List<String> events = new ArrayList<>();
        String parent = null;
        for (int r = 0; r < rounds; r++) {
            Instant round = START.plus(Duration.ofHours(r)).plus(Duration.ofMinutes(service));
            String sha = null;
            for (int c = 0; c < 3; c++) {
                sha = String.format("%08x%032x", service, r * 3 + c);
                events.add(event(prefix + "-" + service + "-c" + (r * 3 + c), "commit", round.plusSeconds(c * 300L),
                        name, "\"sha\":\"" + sha + "\""
                                + (parent == null ? "" : ",\"parents\":[\"" + parent + "\"]")));
                parent = sha;
            }
            String item = "\"gate\":\"change-approval\",\"item\":\"CHG-" + r + "\"";
            String id = prefix + "-" + service + "-r" + r;
            events.add(event(id + "-queued", "gate.queued", round.plusSeconds(900), name, item));
            events.add(event(id + "-started", "gate.started", round.plusSeconds(1500), name, item));
            events.add(event(id + "-finished", "gate.finished", round.plusSeconds(2100), name,
                    item + ",\"outcome\":\"passed\""));
            events.add(event(id + "-deployed", "deployment", round.plusSeconds(2400), name,
                    "\"environment\":\"production\",\"sha\":\"" + sha + "\",\"status\":\"success\""));
        }
        return events;
    }

    private static String event(String id, String type, Instant time, String service, String fields) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"service\":\""
                + service + "\"," + fields + "}";
    }

    private static String idOf(String event) {
        int start = event.indexOf("\"id\":\"") + 6;
        return event.substring(start, event.indexOf('"', start));
    }

    void start() {
        for (int i = 0; i < threads; i++) {
            senders.execute(this::sendAll);
        }
    }

    private void sendAll() {
        Request request;
        while (!Thread.currentThread().isInterrupted() && (request = queue.poll()) != null) {
            try {
                sendUntilAccepted(request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            finished.countDown();
        }
    }

    private void sendUntilAccepted(Request request) throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest http = builder.build();
        for (int attempt = 0; ; attempt++) {
            attempts.increment();
            if (attempt > 0) {
                resends.increment();
                Thread.sleep(BACKOFF_MS);
            }
            long sent = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = client.send(http, HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                timeouts.increment();
                continue;
            } catch (IOException e) {
                connectionErrors.increment();
                continue;
            }
            long took = System.nanoTime() - sent;
            slowestAnswerNanos.accumulate(took);
            int status = response.statusCode();
            if (status == 503) {
                unavailable.increment();
                slowestUnavailableNanos.accumulate(took);
                if (response.headers().firstValue("Retry-After").isEmpty()) {
                    withoutRetryAfter.increment();
                }
                continue;
            }
            if (status == 202 && acceptedIds(response.body()).equals(request.ids())) {
                acknowledged.addAll(request.ids());
                acceptedAtNanos.add(System.nanoTime());
            } else {
                unexpected.add("request " + request.number() + " answered " + status + ": "
                        + abbreviate(response.body()));
            }
            return;
        }
    }

    private static List<String> acceptedIds(String body) {
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode id : EventJson.MAPPER.readTree(body).path("accepted")) {
                ids.add(id.asText());
            }
            return ids;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** Whether every request was answered (202, or something unexpected), waiting up to {@code timeout}. */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    int plannedIds() {
        return planned;
    }

    int acknowledged() {
        return acknowledged.size();
    }

    /** The first 202 answered at or after {@code nanoTime}, as a {@link System#nanoTime()} value. */
    OptionalLong firstAcceptedAtOrAfter(long nanoTime) {
        return acceptedAtNanos.stream().mapToLong(Long::longValue).filter(t -> t >= nanoTime).min();
    }

    long attempts() {
        return attempts.sum();
    }

    long resends() {
        return resends.sum();
    }

    long unavailable() {
        return unavailable.sum();
    }

    long unavailableWithoutRetryAfter() {
        return withoutRetryAfter.sum();
    }

    long connectionErrors() {
        return connectionErrors.sum();
    }

    long timeouts() {
        return timeouts.sum();
    }

    Duration slowestUnavailable() {
        return Duration.ofNanos(slowestUnavailableNanos.get());
    }

    /** The longest any request waited for its answer, whatever the answer. */
    Duration slowestAnswer() {
        return Duration.ofNanos(slowestAnswerNanos.get());
    }

    /** Answers other than 202 and 503, and 202s that did not list exactly the request's ids. */
    List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    @Override
    public void close() throws InterruptedException {
        senders.shutdownNow();
        senders.awaitTermination(10, TimeUnit.SECONDS);
    }
}
