package dev.flowmeter.bench.run;

import dev.flowmeter.events.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The driver behind {@code bench/run}: every measurement of the performance issue, each beside its reference in the
 * same run, on this machine, then a table and one machine-readable line.
 *
 * <ol>
 *   <li>Single-event ingest against {@code GET /health/live} of the same server (wrk, two threads, 64 connections).
 *   <li>Batched ingest (100 events a request) against Kafka's {@code ProducerPerformance} on the same broker.
 *   <li>Freshness under a steady 1,000 events/s.
 *   <li>Topology throughput: a synthetic organisation pre-loaded into the events topic, processed by Flowmeter and by
 *       a minimal Kafka Streams app over the same records.
 *   <li>Scrape cost and heap across 100 scrapes of the server holding that organisation.
 *   <li>Memory: resident size, and state bytes per tracked commit.
 * </ol>
 * Every process is its own: the server, the load generators (wrk, this driver), the broker, the reference apps.
 */
public final class BenchRun {

    private static final Pattern PRELOADED = Pattern.compile("preloaded events=(\\d+) bytes=(\\d+) seconds=([0-9.]+)");

    private final Options options;
    private final Path work;
    private final Map<String, String> results = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();

    private BenchRun(Options options) throws IOException {
        this.options = options;
        this.work = options.out;
        Files.createDirectories(work);
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        new BenchRun(options).run();
    }

    private void run() throws Exception {
        System.out.println("bench: work directory " + work.toAbsolutePath());
        Ratios ratios = new Ratios();
        if (options.ingest) {
            ingestAndFreshness(ratios);
        }
        if (options.topology) {
            topologyAndScrape(ratios);
        }
        printTable(ratios);
    }

    // ---------------------------------------------------------------- 1, 2, 3: the embedded default under HTTP load

    private void ingestAndFreshness(Ratios ratios) throws Exception {
        int http = options.httpPort;
        Map<String, String> env = serverEnvironment(work.resolve("ingest-data"), http);
        try (ChildProcess server = ChildProcess.start("flowmeter (ingest)", serverCommand("ingest"), env,
                work.resolve("server-ingest.log"))) {
            Http client = new Http(URI.create("http://127.0.0.1:" + http));
            client.awaitOk("/health/query", Duration.ofMinutes(3), server);
            String day = LocalDate.now().minusDays(1).toString();
            Path script = options.root.resolve("bench/post-events.lua");
            String url = client.base().toString();

            say("warming up (single events, 10 s)");
            Wrk.run(2, 64, 10, script, url, List.of("1", "warmup", day), work.resolve("wrk-warmup.log"));
            Wrk.run(2, 64, 5, null, url + "/health/live", List.of(), work.resolve("wrk-warmup-live.log"));
            awaitCaughtUp(client, server);

            say("trivial endpoint: GET /health/live");
            Wrk.Result live = Wrk.run(2, 64, options.seconds, null, url + "/health/live", List.of(),
                    work.resolve("wrk-live.log"));
            double eventsBefore = Http.sum(client.get("/metrics"), "flowmeter_events_total", "");
            say("single-event ingest: POST /api/v1/events");
            Wrk.Result single = Wrk.run(2, 64, options.seconds, script, url, List.of("1", "single", day),
                    work.resolve("wrk-single.log"));
            double counted = awaitCaughtUp(client, server) - eventsBefore;
            ratios.ingest = single.requestsPerSecond() / live.requestsPerSecond();
            row("single-event ingest", fmt(single.requestsPerSecond()) + " requests/s, p99 "
                    + fmt1(single.p99Millis()) + " ms, non-2xx " + single.non2xx() + ", socket errors "
                    + single.socketErrors(), "GET /health/live: " + fmt(live.requestsPerSecond())
                    + " requests/s, p99 " + fmt1(live.p99Millis()) + " ms", "ratio " + fmt2(ratios.ingest)
                    + " (target >= 0.6); p99 target < 50 ms");
            row("acknowledged = counted", single.acknowledged() + " acknowledged by wrk, " + fmt(counted)
                    + " counted", "", counted >= single.acknowledged() && counted <= single.requests() + 64
                    ? "ok (a request in flight when wrk stops is counted but not seen by wrk)" : "MISMATCH");
            ratios.ingestP99 = single.p99Millis();
            ratios.ingestNon2xx = single.non2xx() + single.socketErrors();

            say("batched ingest: 100 events per request");
            eventsBefore = Http.sum(client.get("/metrics"), "flowmeter_events_total", "");
            Wrk.Result batched = Wrk.run(2, 16, options.seconds, script, url, List.of("100", "batch", day),
                    work.resolve("wrk-batch.log"));
            double batchedCounted = awaitCaughtUp(client, server) - eventsBefore;
            double batchedEvents = batched.requestsPerSecond() * 100;
            say("reference: Kafka's ProducerPerformance on the same broker");
            long records = Math.max(500_000, Math.round(batchedEvents * options.seconds));
            ProducerReference.Result reference = ProducerReference.run("127.0.0.1:" + options.kafkaPort, 6, records,
                    ProducerSettings.FLOWMETER, options.benchJar, work);
            ratios.batched = batchedEvents / reference.recordsPerSecond();
            row("batched ingest (100/request)", fmt(batchedEvents) + " events/s, p99 " + fmt1(batched.p99Millis())
                    + " ms, non-2xx " + batched.non2xx() + "; " + (long) batchedCounted + " counted of "
                    + batched.acknowledged() * 100 + " acknowledged",
                    "ProducerPerformance: " + fmt(reference.recordsPerSecond()) + " records/s of "
                            + fmt(reference.averageRecordBytes()) + " bytes (" + reference.producerSettings() + ")",
                    "ratio " + fmt2(ratios.batched) + " (target >= 0.5)");

            say("freshness: " + options.freshnessRate + " events/s steady, " + options.probes + " probes");
            Freshness.Result fresh = Freshness.run(client, options.freshnessRate, options.probes, "fresh");
            ratios.freshnessP99 = Math.max(fresh.metricsP99(), fresh.apiP99());
            row("freshness (202 -> visible)", "/metrics p50 " + fmt1(Freshness.percentile(fresh.metricsMillis(), 0.5))
                    + " ms, p99 " + fmt1(fresh.metricsP99()) + " ms; JSON API p50 "
                    + fmt1(Freshness.percentile(fresh.apiMillis(), 0.5)) + " ms, p99 " + fmt1(fresh.apiP99()) + " ms",
                    fmt(fresh.backgroundRate()) + " events/s background, " + fresh.backgroundFailed() + " not 202",
                    "target p99 < 300 ms");
            row("memory, embedded default (ingest)", "resident now " + mib(server.residentBytes()) + ", peak "
                    + mib(server.peakResidentBytes()) + ", heap after full GC "
                    + mib(Jvm.heapAfterFullGc(server.pid())), "-Xmx1g", "");
        }
    }

    /** Polls until the topology's event count stops moving for a second and returns it. */
    private static double awaitCaughtUp(Http client, ChildProcess server) throws IOException, InterruptedException {
        double last = -1;
        int still = 0;
        while (true) {
            server.requireAlive();
            double now = Http.sum(client.get("/metrics"), "flowmeter_events_total", "");
            still = now == last ? still + 1 : 0;
            if (still >= 5) {
                return now;
            }
            last = now;
            Thread.sleep(200);
        }
    }

    // ------------------------------------------------------------ 4, 5, 6: the topology on a pre-loaded organisation

    private void topologyAndScrape(Ratios ratios) throws Exception {
        Path data = work.resolve("org-data");
        long events;
        Timing minimal;
        try (ChildProcess broker = ChildProcess.start("broker", List.of(ChildProcess.java(), "-Xmx1g", "-cp",
                options.benchJar.toString(), Broker.class.getName(), data.resolve("kafka").toString(),
                String.valueOf(options.kafkaPort), String.valueOf(options.controllerPort)), Map.of(),
                work.resolve("broker.log"))) {
            String bootstrap = "127.0.0.1:" + options.kafkaPort;
            awaitOutput(broker, "broker ready", Duration.ofMinutes(2));
            createEventsTopic(bootstrap);
            say("pre-loading " + options.services + " services x " + options.eventsPerService + " events");
            try (ChildProcess preload = ChildProcess.start("preload", List.of(ChildProcess.java(), "-Xmx1g", "-cp",
                    options.benchJar.toString(), "dev.flowmeter.bench.org.Preload", "--bootstrap", bootstrap,
                    "--topic", Topics.EVENTS.name(), "--services",
                    String.valueOf(options.services), "--events-per-service", String.valueOf(options.eventsPerService),
                    "--seed", "1", "--end", ZonedDateTime.now().withSecond(0).withNano(0).toInstant().toString()),
                    Map.of(), work.resolve("preload.log"))) {
                if (preload.await(Duration.ofMinutes(30)) != 0) {
                    throw new IllegalStateException("preload failed; see " + preload.log());
                }
                Matcher line = PRELOADED.matcher(preload.output());
                if (!line.find()) {
                    throw new IllegalStateException("preload printed no summary; see " + preload.log());
                }
                row("pre-load (synthetic organisation)", line.group(1) + " events, " + fmt(Double.parseDouble(
                        line.group(2)) / Long.parseLong(line.group(1))) + " bytes per value", "",
                        fmt(Long.parseLong(line.group(1)) / Double.parseDouble(line.group(3))) + " events/s written");
            }
            try (Offsets offsets = new Offsets(bootstrap)) {
                events = offsets.endOfEvents();
            }
            say("reference: minimal Kafka Streams app over the same " + events + " events");
            try (ChildProcess minimalApp = ChildProcess.start("minimal app", List.of(ChildProcess.java(), "-Xmx1g",
                    "-cp", options.benchJar.toString(), MinimalApp.class.getName(), bootstrap, "bench-minimal",
                    work.resolve("minimal-state").toString(), String.valueOf(options.streamThreads)), Map.of(),
                    work.resolve("minimal.log"))) {
                minimal = timeToProcess(bootstrap, "bench-minimal", events, minimalApp, minimalApp.startNanos());
            }
        }
        double minimalRate = events / minimal.seconds();

        say("Flowmeter over the same events (embedded broker on the pre-loaded log)");
        int http = options.httpPort + 1;
        Map<String, String> env = serverEnvironment(data, http);
        try (ChildProcess server = ChildProcess.start("flowmeter (topology)", serverCommand("topology"), env,
                work.resolve("server-topology.log"))) {
            String bootstrap = "127.0.0.1:" + options.kafkaPort;
            long brokerUp = awaitBroker(bootstrap, server);
            Timing flowmeter = timeToProcess(bootstrap, "flowmeter", events, server, brokerUp);
            double rate = events / flowmeter.seconds();
            ratios.topology = rate / minimalRate;
            row("topology throughput", fmt(rate) + " events/s (" + fmt1(flowmeter.seconds()) + " s for " + events
                    + "); steady " + fmt(flowmeter.steadyRate()) + " events/s",
                    "minimal app: " + fmt(minimalRate) + " events/s (" + fmt1(minimal.seconds()) + " s); steady "
                            + fmt(minimal.steadyRate()) + " events/s",
                    "ratio " + fmt2(ratios.topology) + " (target >= 0.8); steady "
                            + fmt2(flowmeter.steadyRate() / minimal.steadyRate()));
            long peakDuringTopology = server.peakResidentBytes();

            Http client = new Http(URI.create("http://127.0.0.1:" + http));
            client.awaitOk("/health/query", Duration.ofMinutes(3), server);
            scrape(client, server, ratios);
            String metrics = client.get("/metrics");
            double commits = Http.sum(metrics, "flowmeter_state_store_entries",
                    "store=\"lead-time-commit-nodes-store\"");
            long stateBytes = directorySize(data.resolve("streams"));
            row("memory, embedded default (topology)", "peak resident " + mib(peakDuringTopology) + ", now "
                    + mib(server.residentBytes()) + ", heap after full GC " + mib(Jvm.heapAfterFullGc(server.pid())),
                    "state on disk " + mib(stateBytes) + " for " + fmt(commits) + " tracked commits",
                    commits > 0 ? fmt(stateBytes / commits) + " state bytes per tracked commit (all stores)" : "");
        }
    }

    private void scrape(Http client, ChildProcess server, Ratios ratios) throws IOException, InterruptedException {
        say("scrape cost: 100 scrapes of /metrics, once the series stop changing");
        // Gate events wait out the reorder window after they are committed: scrape until the series settle.
        String first = client.get("/metrics");
        long settled = 0;
        for (int same = 0; same < 3; ) {
            Thread.sleep(1000);
            first = client.get("/metrics");
            long count = first.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).count();
            same = count == settled ? same + 1 : 0;
            settled = count;
        }
        long series = first.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).count();
        long gateSeries = first.lines().filter(line -> line.startsWith("flowmeter_gate_waiting_items{")).count();
        long heapBefore = Jvm.heapAfterFullGc(server.pid());
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long start = System.nanoTime();
            client.get("/metrics");
            millis.add((System.nanoTime() - start) / 1e6);
        }
        long heapAfter = Jvm.heapAfterFullGc(server.pid());
        millis.sort(Double::compare);
        double mean = millis.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        ratios.scrapeMillis = Freshness.percentile(millis, 0.5);
        row("scrape cost", "p50 " + fmt1(ratios.scrapeMillis) + " ms, mean " + fmt1(mean) + " ms, max "
                + fmt1(millis.get(millis.size() - 1)) + " ms, " + series + " samples (" + gateSeries
                + " service x gate)", "heap after full GC: " + mib(heapBefore) + " before, " + mib(heapAfter)
                + " after 100 scrapes", "target < 200 ms, no heap growth");
    }

    /**
     * How long the group took to commit every event, polled every 250 ms: from {@code startNanos} (launch, or the
     * broker answering), and from its first commit, which leaves out starting up (opening stores, creating changelog
     * topics, joining the group) and so gives the steady processing rate.
     */
    private static Timing timeToProcess(String bootstrap, String group, long events, ChildProcess process,
            long startNanos) throws IOException, InterruptedException, ExecutionException, TimeoutException {
        try (Offsets offsets = new Offsets(bootstrap)) {
            long lastReport = System.nanoTime();
            long firstCommitNanos = 0;
            long firstCommitted = 0;
            while (true) {
                process.requireAlive();
                long committed;
                try {
                    committed = offsets.committed(group);
                } catch (ExecutionException | TimeoutException e) {
                    committed = 0;
                }
                long now = System.nanoTime();
                if (committed > 0 && firstCommitNanos == 0) {
                    firstCommitNanos = now;
                    firstCommitted = committed;
                }
                if (committed >= events) {
                    return new Timing((now - startNanos) / 1e9,
                            (events - firstCommitted) / ((now - firstCommitNanos) / 1e9));
                }
                if (System.nanoTime() - lastReport > Duration.ofSeconds(15).toNanos()) {
                    say("  " + process.name() + ": " + committed + " of " + events + " committed");
                    lastReport = System.nanoTime();
                }
                Thread.sleep(250);
            }
        }
    }

    /** Seconds from the start to the last commit, and events per second from the first commit to the last. */
    private record Timing(double seconds, double steadyRate) {
    }

    /** When the server's embedded broker first answered: the Streams app cannot start before it. */
    private static long awaitBroker(String bootstrap, ChildProcess server) throws IOException, InterruptedException {
        try (Offsets offsets = new Offsets(bootstrap)) {
            while (true) {
                server.requireAlive();
                try {
                    offsets.partitionCount();
                    return System.nanoTime();
                } catch (ExecutionException | TimeoutException e) {
                    Thread.sleep(100);
                }
            }
        }
    }

    private static void createEventsTopic(String bootstrap) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            NewTopic topic = new NewTopic(Topics.EVENTS.name(), 6, (short) 1);
            topic.configs(Map.of("retention.ms", "-1", "min.insync.replicas", "1"));
            admin.createTopics(List.of(topic)).all().get();
        }
    }

    private static void awaitOutput(ChildProcess process, String text, Duration timeout) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!process.output().contains(text)) {
            process.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(process.name() + " did not print '" + text + "' within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static long directorySize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    // --------------------------------------------------------------------------------------------- processes, output

    private List<String> serverCommand(String name) {
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx" + options.heap));
        if (options.jfr) {
            command.add("-XX:StartFlightRecording=filename=" + work.resolve(name + ".jfr") + ",settings=profile");
        }
        command.addAll(List.of("-jar", options.root.resolve("api/target/flowmeter.jar").toString()));
        return command;
    }

    private Map<String, String> serverEnvironment(Path data, int http) {
        Map<String, String> env = new HashMap<>();
        env.put("FLOWMETER_DATA_DIR", data.toString());
        env.put("FLOWMETER_HTTP_PORT", String.valueOf(http));
        env.put("FLOWMETER_KAFKA_PORT", String.valueOf(options.kafkaPort));
        env.put("FLOWMETER_KAFKA_CONTROLLER_PORT", String.valueOf(options.controllerPort));
        env.put("FLOWMETER_STREAM_THREADS", String.valueOf(options.streamThreads));
        if (options.stateMemory != null) {
            env.put("FLOWMETER_STATE_MEMORY_BYTES", options.stateMemory);
        }
        return env;
    }

    private void row(String what, String measured, String reference, String verdict) {
        rows.add(new String[] {what, measured, reference, verdict});
        System.out.println("  " + what + ": " + measured + (reference.isEmpty() ? "" : " | " + reference)
                + (verdict.isEmpty() ? "" : " | " + verdict));
    }

    private void printTable(Ratios ratios) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| what | Flowmeter | reference, same run | verdict |\n|---|---|---|---|\n");
        for (String[] row : rows) {
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        String line = ratios.line();
        Files.writeString(work.resolve("results.md"), table + "\n" + line + "\n", StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.println(line);
    }

    private static void say(String message) {
        System.out.println("bench: " + message);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String fmt1(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String fmt2(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes / (1024 * 1024));
    }

    /** The numbers of the last line. */
    private static final class Ratios {
        double ingest = Double.NaN;
        double ingestP99 = Double.NaN;
        long ingestNon2xx;
        double batched = Double.NaN;
        double topology = Double.NaN;
        double freshnessP99 = Double.NaN;
        double scrapeMillis = Double.NaN;

        String line() {
            return String.format(Locale.ROOT, "ratios: ingest=%.2f batched=%.2f topology=%.2f freshness_p99_ms=%.0f "
                    + "scrape_ms=%.0f", ingest, batched, topology, freshnessP99, scrapeMillis);
        }
    }

    /** The command line of {@code bench/run}. */
    private record Options(Path root, Path benchJar, Path out, int seconds, int probes, int freshnessRate,
            int services, int eventsPerService, boolean ingest, boolean topology, boolean jfr, String heap,
            int streamThreads, String stateMemory, int httpPort, int kafkaPort, int controllerPort) {

        static Options parse(String[] args) throws IOException {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
                if (arg.equals("--no-topology") || arg.equals("--no-ingest") || arg.equals("--jfr")) {
                    given.put(arg.substring(2), "true");
                } else if (i + 1 < args.length) {
                    given.put(arg.substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
            }
            Path root = Path.of(given.getOrDefault("root", ".")).toAbsolutePath().normalize();
            Path out = given.containsKey("out") ? Path.of(given.get("out"))
                    : root.resolve("bench/target/run-" + System.currentTimeMillis());
            int http = Integer.parseInt(given.getOrDefault("http-port", "27070"));
            int kafka = Integer.parseInt(given.getOrDefault("kafka-port", "27092"));
            int controller = Integer.parseInt(given.getOrDefault("controller-port", "27093"));
            for (int port : new int[] {http, http + 1, kafka, controller}) {
                requireFree(port);
            }
            return new Options(root, root.resolve("bench/target/flowmeter-bench.jar"), out,
                    Integer.parseInt(given.getOrDefault("seconds", "20")),
                    Integer.parseInt(given.getOrDefault("probes", "300")),
                    Integer.parseInt(given.getOrDefault("freshness-rate", "1000")),
                    Integer.parseInt(given.getOrDefault("services", "1000")),
                    Integer.parseInt(given.getOrDefault("events-per-service", "5000")),
                    !given.containsKey("no-ingest"), !given.containsKey("no-topology"), given.containsKey("jfr"),
                    given.getOrDefault("heap", "1g"),
                    Integer.parseInt(given.getOrDefault("stream-threads", "1")), given.get("state-memory-bytes"),
                    http, kafka, controller);
        }

        private static void requireFree(int port) throws IOException {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                throw new IOException("port " + port + " is taken; pass --http-port, --kafka-port or "
                        + "--controller-port", e);
            }
        }
    }
}
