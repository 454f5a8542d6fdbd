package dev.flowmeter.api.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.api.testing.FreePorts;
import dev.flowmeter.events.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promise 1 of docs/reliability.md, on the real thing: the shaded jar as its own process with its embedded broker,
 * killed with SIGKILL in the middle of a load and started again on the same data directory and ports. Every event
 * answered 202 must be counted exactly once: none lost by the kill, none counted twice although the requests the kill
 * left unanswered are resent.
 */
class KillNineFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(KillNineFaultIT.class);
    private static final String TOKEN = "kill-nine-ingest-token";
    private static final String APPLICATION_ID = "flowmeter-kill-nine";
    private static final int SERVICES = 6;
    private static final int ROUNDS = 120;
    private static final int CLIENTS = 4;
    private static final long SEED = 9L;
    /**
     * Usually 16-30 s. Before the embedded broker finished the transactions Kafka leaves open after an unclean stop
     * (docs/reliability.md, HangingTransactionsIT), about one run in ten never got ready at all; the log shows
     * Streams' state changes and restores when a start fails.
     */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /** Kept when a test fails, so its server.log can be read. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void shouldCountEveryAcknowledgedEventExactlyOnceWhenTheServerIsKilledMidLoad() throws Exception {
        int[] ports = FreePorts.pick(3);
        Path dataDir = Files.createDirectories(work.resolve("data"));
        Map<String, String> env = Map.of(
                "FLOWMETER_DATA_DIR", dataDir.toString(),
                "FLOWMETER_HTTP_HOST", "127.0.0.1",
                "FLOWMETER_HTTP_PORT", String.valueOf(ports[0]),
                "FLOWMETER_KAFKA_PORT", String.valueOf(ports[1]),
                "FLOWMETER_KAFKA_CONTROLLER_PORT", String.valueOf(ports[2]),
                "FLOWMETER_APPLICATION_ID", APPLICATION_ID,
                "FLOWMETER_PARTITIONS", "3",
                "FLOWMETER_KAFKA_TIMEOUT", "2s",
                "FLOWMETER_INGEST_TOKEN", TOKEN,
                // Streams' state changes and restores in server.log, which a failure prints the end of.
                "FLOWMETER_STREAMS_LOG_LEVEL", "INFO");
        String baseUrl = "http://127.0.0.1:" + ports[0];
        ServerProbe probe = new ServerProbe(baseUrl);
        List<DeliveryLoad.Request> requests = DeliveryLoad.plan("k9", SERVICES, ROUNDS, SEED);

        try (ChildServer server = new ChildServer(jar(), env, work.resolve("server.log"));
                DeliveryLoad load = new DeliveryLoad(baseUrl, TOKEN, CLIENTS, requests)) {
            server.start();
            awaitServing(server, probe);

            load.start();
            int killAt = load.plannedIds() / 3;
            await("a third of the events acknowledged").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(5)).until(() -> load.acknowledged() >= killAt);
            server.kill();
            int acknowledgedAtKill = load.acknowledged();
            assertThat(load.isFinished()).as("the load was still running when the server was killed").isFalse();

            long restartNanos = System.nanoTime();
            server.start();
            awaitServing(server, probe);
            Duration restart = Duration.ofNanos(System.nanoTime() - restartNanos);

            assertThat(load.awaitFinished(Duration.ofSeconds(180))).as("every request answered").isTrue();
            assertThat(load.unexpected()).as("answers other than 202 and 503").isEmpty();
            int acknowledged = load.acknowledged();
            assertThat(acknowledged).as("every planned event acknowledged in the end").isEqualTo(load.plannedIds());

            // Compare only once the topology has committed every event on the topic: then the count is final.
            EventsTopic.Census census;
            try (EventsTopic topic = new EventsTopic("127.0.0.1:" + ports[1], APPLICATION_ID)) {
                await("the topology has processed every acknowledged event").atMost(Duration.ofSeconds(180))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> topic.backlog() == 0 && probe.scrape().complete());
                census = topic.census();
            }
            ServerProbe.Scrape scrape = probe.scrape();
            long counted = scrape.eventsTotal();
            LOG.info("kill -9 figures: acknowledged={} counted={} lost={} duplicated={} (acknowledged at the kill={},"
                    + " requests={}, resends={}, 503s={}, connection errors={}, records on the topic={}, redeliveries"
                    + " dropped by the topology={}, restart to ingest and query ready={} ms)", acknowledged, counted,
                    Math.max(0, acknowledged - counted), Math.max(0, counted - acknowledged), acknowledgedAtKill,
                    requests.size(), load.resends(), load.unavailable(), load.connectionErrors(), census.records(),
                    scrape.duplicates(), restart.toMillis());
            assertThat(counted).as("flowmeter_events_total summed over types").isEqualTo(acknowledged);
        }
    }

    /**
     * Promise 3: once Kafka Streams has stopped for good (here its input topic is deleted under it), the process exits
     * with status 70, so a supervisor restarts it, instead of answering 202 while no metric moves.
     */
    @Test
    void shouldExitWithStatus70WhenKafkaStreamsStopsForGood() throws Exception {
        int[] ports = FreePorts.pick(3);
        Map<String, String> env = Map.of(
                "FLOWMETER_DATA_DIR", Files.createDirectories(work.resolve("fatal")).toString(),
                "FLOWMETER_HTTP_PORT", String.valueOf(ports[0]),
                "FLOWMETER_KAFKA_PORT", String.valueOf(ports[1]),
                "FLOWMETER_KAFKA_CONTROLLER_PORT", String.valueOf(ports[2]),
                "FLOWMETER_PARTITIONS", "1");
        ServerProbe probe = new ServerProbe("http://127.0.0.1:" + ports[0]);
        try (ChildServer server = new ChildServer(jar(), env, work.resolve("fatal.log"))) {
            server.start();
            awaitServing(server, probe);

            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    "127.0.0.1:" + ports[1]))) {
                admin.deleteTopics(List.of(Topics.EVENTS.name())).all().get(60, TimeUnit.SECONDS);
            }

            assertThat(server.awaitExit(Duration.ofSeconds(120))).as("exit status; the log ends:%n%s",
                    server.logTail()).isEqualTo(70);
            // The whole log: the stack traces Kafka logs as it shuts down can push the line out of the tail.
            assertThat(server.log()).contains("Kafka Streams stopped for good");
        }
    }

    /** Waits for ingest readiness and query readiness, failing at once with the log if the process exits. */
    private static void awaitServing(ChildServer server, ServerProbe probe) {
        try {
            await("the server ready for ingest and queries").atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        assertThat(server.isAlive()).as("the server process is running; its log ends:%n%s",
                                server.logTail()).isTrue();
                        int query = probe.status(ServerProbe.QUERY);
                        assertThat(query).as("GET %s (query readiness) exists", ServerProbe.QUERY).isNotEqualTo(404);
                        return probe.status(ServerProbe.READY) == 200 && query == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not ready within " + START_TIMEOUT + " (ingest " + probe.status(ServerProbe.READY)
                    + ", queries " + probe.status(ServerProbe.QUERY) + "); the log ends:\n" + server.logTail(), e);
        }
    }

    /** The shaded jar {@code package} built; failsafe passes its path, an IDE run finds it from the module dir. */
    private static Path jar() {
        Path jar = Path.of(System.getProperty("flowmeter.jar", "target/flowmeter.jar"));
        assertThat(jar).as("the server jar; build it with ./mvnw -B -pl api -am -DskipTests package").isRegularFile();
        return jar;
    }

    /** The server as a child process, its output appended to one log file across restarts. */
    private static final class ChildServer implements AutoCloseable {

        private final Path jar;
        private final Map<String, String> env;
        private final Path log;
        private Process process;

        ChildServer(Path jar, Map<String, String> env, Path log) {
            this.jar = jar;
            this.env = env;
            this.log = log;
        }

        void start() throws IOException {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g", "-jar", jar.toAbsolutePath().toString());
            // Nothing of the test JVM's environment may point the server elsewhere (a cluster, another secret).
            builder.environment().keySet().removeIf(name -> name.startsWith("FLOWMETER_")
                    || name.startsWith("KAFKA_") || name.endsWith("_TOKEN") || name.endsWith("_SECRET"));
            builder.environment().putAll(env);
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        }

        /** SIGKILL: no shutdown hook runs, nothing is flushed or closed by the server. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed process has exited").isTrue();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** The exit status, once the process has exited by itself within {@code timeout}; -1 if it has not. */
        int awaitExit(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        }

        String log() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process == null) {
                return;
            }
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
