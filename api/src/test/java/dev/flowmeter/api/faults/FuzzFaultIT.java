package dev.flowmeter.api.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.api.FlowmeterConfig;
import dev.flowmeter.api.FlowmeterServer;
import dev.flowmeter.events.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promise 10 of docs/reliability.md: one real server with every source enabled gets at least 10,000 generated
 * inputs per endpoint, from valid calls mutated every way {@link Mutations} knows, about half of them signed validly.
 * It must never answer a 5xx other than 503, must still be alive afterwards, and its metrics must still move: one
 * known event sent afterwards raises {@code flowmeter_events_total} by exactly one. Two more checks come for free and
 * are reported beside them: every call gets an answer (a refusal the sender cannot read helps no one configuring a
 * webhook), and every distinct event ingest wrote to Kafka is counted (acknowledged means counted, promise 1).
 * The inputs come from a printed seed ({@code -Dflowmeter.fuzz.seed=...} replays a run, {@code
 * -Dflowmeter.fuzz.inputs=...} changes the count). The body limit is lowered to 1 MiB so that oversized bodies
 * cost little. Every check is soft, so one run reports every broken promise with examples to replay.
 */
class FuzzFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(FuzzFaultIT.class);
    private static final long DEFAULT_SEED = 20_260_501L;
    private static final int DEFAULT_INPUTS = 10_000;
    private static final int CLIENTS = 6;
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final String APPLICATION_ID = "flowmeter-fuzz";
    private static final int MAX_SAMPLES = 25;
    private static final String[] CONTENT_TYPES = {null, "", "text/plain", "application/xml",
        "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=fuzz", "application/cloudevents+json", "application/cloudevents-batch+json",
        "APPLICATION/JSON", "application/json;;;", "application/json; charset=\"", "*/*", "application/problem+json",
        "application/vnd.api+json", "application/json; charset=utf-8; x=" + "y".repeat(2_000)};

    @TempDir
    Path dataDir;

    /** What one endpoint answered: status (or "io-error", "timeout") to count, and samples of broken promises. */
    private static final class Tally {
        private final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        private final LongAdder validlySigned = new LongAdder();
        private final Queue<String> serverErrors = new ConcurrentLinkedQueue<>();
        private final Queue<String> unanswered = new ConcurrentLinkedQueue<>();

        void count(String status) {
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        }

        long total() {
            return statuses.values().stream().mapToLong(LongAdder::sum).sum();
        }

        long serverErrorsOtherThan503() {
            return statuses.entrySet().stream().filter(e -> e.getKey().startsWith("5") && !e.getKey().startsWith("503"))
                    .mapToLong(e -> e.getValue().sum()).sum();
        }

        long of(String status) {
            LongAdder count = statuses.get(status);
            return count == null ? 0 : count.sum();
        }

        long unanswered() {
            return of("io-error") + of("timeout");
        }

        /** Up to {@link #MAX_SAMPLES} inputs that got a 5xx other than 503, or that got no answer. */
        List<String> samples(boolean serverError) {
            return List.copyOf(serverError ? serverErrors : unanswered);
        }

        void sample(boolean serverError, String description) {
            Queue<String> samples = serverError ? serverErrors : unanswered;
            if (samples.size() < MAX_SAMPLES) {
                samples.add(description);
            }
        }

        Map<String, Long> sorted() {
            Map<String, Long> sorted = new TreeMap<>();
            statuses.forEach((status, count) -> sorted.put(status, count.sum()));
            return sorted;
        }
    }

    /** One generated call, described well enough to find it again from the seed. */
    private record Call(String path, String contentType, Map<String, String> headers, byte[] body, boolean signed,
            String description) {
    }

    @Test
    void shouldNeverAnswer5xxButUnavailableAndKeepCountingWhenFedHostileInputs() throws Exception {
        long seed = Long.getLong("flowmeter.fuzz.seed", DEFAULT_SEED);
        int inputs = Integer.getInteger("flowmeter.fuzz.inputs", DEFAULT_INPUTS);
        LOG.info("fuzzing with seed {} and {} inputs per endpoint (replay with -Dflowmeter.fuzz.seed={})", seed,
                inputs, seed);
        List<FuzzEndpoints.Endpoint> endpoints = FuzzEndpoints.all(Path.of(System.getProperty("flowmeter.fixtures",
                "../ingest/src/test/resources/fixtures")));
        Map<String, String> env = new LinkedHashMap<>(FuzzEndpoints.secretsEnv());
        env.put("FLOWMETER_DATA_DIR", dataDir.toString());
        env.put("FLOWMETER_HTTP_HOST", "127.0.0.1");
        env.put("FLOWMETER_HTTP_PORT", "0");
        env.put("FLOWMETER_KAFKA_PORT", "0");
        env.put("FLOWMETER_KAFKA_CONTROLLER_PORT", "0");
        env.put("FLOWMETER_APPLICATION_ID", APPLICATION_ID);
        env.put("FLOWMETER_PARTITIONS", "2");
        env.put("FLOWMETER_KAFKA_TIMEOUT", "2s");
        env.put("FLOWMETER_MAX_BODY_BYTES", String.valueOf(MAX_BODY_BYTES));
        SoftAssertions softly = new SoftAssertions();

        try (FlowmeterServer server = FlowmeterServer.start(FlowmeterConfig.fromEnv(env), Clock.systemUTC())) {
            String baseUrl = "http://127.0.0.1:" + server.httpPort();
            ServerProbe probe = new ServerProbe(baseUrl);
            await("ingest ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> probe.status(ServerProbe.READY) == 200);

            long started = System.nanoTime();
            Map<String, Tally> tallies = fuzz(baseUrl, endpoints, seed, inputs);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            long tried = 0;
            long serverErrors = 0;
            long unanswered = 0;
            for (FuzzEndpoints.Endpoint endpoint : endpoints) {
                Tally tally = tallies.get(endpoint.name());
                tried += tally.total();
                serverErrors += tally.serverErrorsOtherThan503();
                unanswered += tally.unanswered();
                LOG.info("fuzz {}: {} inputs ({} signed validly), answers {}", endpoint.path(), tally.total(),
                        tally.validlySigned.sum(), tally.sorted());
                softly.assertThat(tally.total()).as("inputs sent to %s", endpoint.path()).isEqualTo(inputs);
                softly.assertThat(tally.serverErrorsOtherThan503())
                        .as("%s: 5xx other than 503; for example:%n%s", endpoint.path(),
                                String.join("\n", tally.samples(true))).isZero();
                softly.assertThat(tally.unanswered())
                        .as("%s: calls closed or timed out without an answer; for example:%n%s", endpoint.path(),
                                String.join("\n", tally.samples(false))).isZero();
            }
            LOG.info("fuzz figures: hostile inputs tried={} in {} s, 5xx other than 503 seen={}, calls without an"
                    + " answer={}, seed={}", tried, took.toSeconds(), serverErrors, unanswered, seed);

            softly.assertThat(probe.status(ServerProbe.LIVE)).as("/health/live after fuzzing").isEqualTo(200);
            assertMetricsStillMove(server, probe, baseUrl, softly);
        } finally {
            ingestLogs(null);
        }
        softly.assertAll();
    }

    /** Sends every input from {@link #CLIENTS} threads, interleaving the endpoints. */
    private static Map<String, Tally> fuzz(String baseUrl, List<FuzzEndpoints.Endpoint> endpoints, long seed,
            int inputs) throws Exception {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        endpoints.forEach(e -> tallies.put(e.name(), new Tally()));
        Mutations mutations = new Mutations(MAX_BODY_BYTES);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger next = new AtomicInteger();
        int total = inputs * endpoints.size();
        // Every rejected call is a WARN line in ingest; 70,000 of them would drown the report.
        ingestLogs(Level.ERROR);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int task = next.getAndIncrement(); task < total; task = next.getAndIncrement()) {
                        FuzzEndpoints.Endpoint endpoint = endpoints.get(task % endpoints.size());
                        Call call = generate(endpoint, mutations, seed, task / endpoints.size(),
                                endpoints.indexOf(endpoint));
                        send(client, baseUrl, call, tallies.get(endpoint.name()));
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        return tallies;
    }

    /**
     * Input {@code index} of {@code endpoint}: a valid call (15 in 100 are left so, all validly signed), otherwise
     * mutated in its JSON, its bytes and/or its headers, then signed validly 45 times in 100.
     */
    private static Call generate(FuzzEndpoints.Endpoint endpoint, Mutations mutations, long seed, int index,
            int endpointNumber) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + endpointNumber * 1_000_003L
                + index);
        FuzzEndpoints.Seed valid = endpoint.seed(random);
        Map<String, String> headers = new HashMap<>(valid.headers());
        String contentType = valid.contentType();
        List<String> applied = new ArrayList<>();
        byte[] body;
        boolean pristine = random.nextInt(100) < 15;
        if (pristine) {
            body = Mutations.write(valid.tree(), Map.of());
            applied.add("none");
        } else {
            boolean tree = random.nextInt(100) < 70;
            boolean bytes = random.nextInt(100) < 35;
            boolean header = random.nextInt(100) < 25;
            if (!tree && !bytes && !header) {
                tree = true;
            }
            Map<String, String> raw = new HashMap<>();
            JsonNode mutated = tree ? mutations.mutateTree(valid.tree(), random, raw, applied) : valid.tree();
            body = Mutations.write(mutated, raw);
            if (bytes) {
                body = mutations.mutateBytes(body, random, applied);
            }
            if (header) {
                if (random.nextBoolean()) {
                    contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
                    applied.add("content-type " + (contentType == null ? "none" : abbreviate(contentType, 40)));
                } else {
                    applied.add(endpoint.spoilHeader(headers, random));
                }
            }
        }
        boolean signed = pristine || random.nextInt(100) < 45;
        String credential;
        if (signed) {
            endpoint.sign(headers, body);
            credential = "valid";
        } else {
            credential = endpoint.forge(headers, body, random);
        }
        return new Call(endpoint.path(), contentType, headers, body, signed,
                "seed=" + seed + " endpoint=" + endpoint.name() + " index=" + index + " mutations=" + applied
                        + " credential=" + credential + " bytes=" + body.length);
    }

    private static void send(HttpClient client, String baseUrl, Call call, Tally tally) throws InterruptedException {
        if (call.signed()) {
            tally.validlySigned.increment();
        }
        try {
            answered(client.send(request(baseUrl, call), HttpResponse.BodyHandlers.ofString()), call, tally, "");
        } catch (HttpTimeoutException e) {
            tally.count("timeout");
            tally.sample(false, call.description() + " -> no answer within 30 s");
        } catch (IOException e) {
            if (call.body().length > 2L * MAX_BODY_BYTES) {
                // By design: past twice the body limit the server stops reading and closes, rather than read an
                // unbounded amount of garbage; a client that writes everything before reading then sees a reset.
                tally.count("closed-over-twice-the-limit");
                return;
            }
            // A reset can still beat an answer on the wire (Jetty closing on a 431 for oversized headers while the
            // body is being written, say). A sender resends then, as it does after a 503: the server must answer.
            try {
                answered(client.send(request(baseUrl, call), HttpResponse.BodyHandlers.ofString()), call, tally,
                        "-on-resend");
            } catch (IOException again) {
                tally.count("io-error");
                tally.sample(false, call.description() + " -> " + e + ", and again when resent: " + again);
            }
        }
    }

    private static HttpRequest request(String baseUrl, Call call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
        if (call.contentType() != null) {
            request.header("Content-Type", call.contentType());
        }
        call.headers().forEach(request::header);
        return request.build();
    }

    private static void answered(HttpResponse<String> response, Call call, Tally tally, String suffix) {
        String status = String.valueOf(response.statusCode());
        tally.count(status + suffix);
        if (status.startsWith("5") && !status.equals("503")) {
            tally.sample(true, call.description() + " -> " + status + " " + abbreviate(response.body(), 200));
        }
    }

    /**
     * Waits until the topology has processed everything the fuzzing got accepted (or reports that it never does, as
     * when Kafka Streams has stopped), then sends one known event and expects exactly one more event counted.
     */
    private static void assertMetricsStillMove(FlowmeterServer server, ServerProbe probe, String baseUrl,
            SoftAssertions softly) throws Exception {
        String bootstrap = server.embeddedKafka().orElseThrow().bootstrapServers();
        try (EventsTopic topic = new EventsTopic(bootstrap, APPLICATION_ID)) {
            boolean caughtUp = eventually(Duration.ofSeconds(120),
                    () -> topic.backlog() == 0 && probe.scrape().complete());
            softly.assertThat(caughtUp).as("the topology processed every accepted input (backlog %d, /health/query"
                    + " %d, /metrics %d)", topic.backlog(), probe.status(ServerProbe.QUERY), probe.scrape().status())
                    .isTrue();
            if (!caughtUp) {
                return;
            }
            long before = probe.scrape().eventsTotal();
            // Acknowledged means counted: every distinct event ingest wrote (answered 202 or not) is counted once.
            EventsTopic.Census census = topic.census();
            LOG.info("fuzz: {} records on {} ({} distinct by service and id, {} unreadable), {} counted",
                    census.records(), Topics.EVENTS.name(), census.distinct(), census.unreadable(), before);
            softly.assertThat(before).as("flowmeter_events_total against the distinct events ingest wrote")
                    .isEqualTo(census.distinct());
            String marker = "{\"id\":\"fuzz-marker-after-the-storm\",\"type\":\"deployment\","
                    + "\"time\":\"2026-05-02T10:00:00Z\",\"service\":\"fuzz/marker\",\"environment\":\"production\","
                    + "\"sha\":\"" + "f".repeat(40) + "\",\"status\":\"success\"}";
            HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(baseUrl + DeliveryLoad.PATH)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + FuzzEndpoints.INGEST_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(marker, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as("the event sent after fuzzing: %s", accepted.body()).isEqualTo(202);
            boolean counted = eventually(Duration.ofSeconds(60),
                    () -> topic.backlog() == 0 && probe.scrape().complete());
            long after = probe.scrape().eventsTotal();
            LOG.info("fuzz: flowmeter_events_total {} before and {} after the one event sent after fuzzing", before,
                    after);
            softly.assertThat(counted).as("the event sent after fuzzing was processed").isTrue();
            softly.assertThat(after).as("flowmeter_events_total after one more event").isEqualTo(before + 1);
        }
    }

    private static boolean eventually(Duration timeout, Callable<Boolean> condition) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Sets the level of ingest's loggers; null gives them back the configured one. */
    private static void ingestLogs(Level level) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.flowmeter.ingest")).setLevel(level);
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length) + "...";
    }
}
