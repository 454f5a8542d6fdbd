package dev.flowmeter.api.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import dev.flowmeter.api.TestServer;
import dev.flowmeter.api.testing.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Flowmeter against a broker whose client listener requires SASL/PLAIN: the producer (202), the admin clients (topic
 * creation, readiness) and Kafka Streams (exact metrics) all log in with what KAFKA_SECURITY_PROTOCOL,
 * KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG_FILE say, and a wrong password stops the start with a message that
 * names the problem, the password itself never shown.
 */
class SecuredKafkaIT {

    private static final String HOST = "127.0.0.1";
    private static final String LISTENER = "SASL_PLAINTEXT";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required";
    private static final String BROKER_PASSWORD = "broker-pw-5d1e";
    private static final String FLOWMETER_PASSWORD = "flowmeter-pw-8c2b7a";
    private static final String WRONG_PASSWORD = "wrong-pw-3f9e40";
    private static final String PATH = "/api/v1/events";
    private static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    private static final String PROD = "environment=\"production\",service=\"shop/checkout\"";

    @TempDir
    static Path brokerDir;

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    private CapturedLog log;

    @BeforeAll
    static void startSecuredBroker() throws IOException {
        // The listeners below need both ports before start.
        int[] ports = FreePorts.pick(2);
        int brokerPort = ports[0];
        int controllerPort = ports[1];
        String listener = LISTENER + "://" + HOST + ":" + brokerPort;
        Map<String, String> overrides = Map.of(
                "listeners", listener + ",CONTROLLER://" + HOST + ":" + controllerPort,
                "advertised.listeners", listener,
                "listener.security.protocol.map", LISTENER + ":SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name", LISTENER,
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                PLAIN_LOGIN + " username=\"broker\" password=\"" + BROKER_PASSWORD + "\" user_broker=\""
                        + BROKER_PASSWORD + "\" user_flowmeter=\"" + FLOWMETER_PASSWORD + "\";");
        kafka = EmbeddedKafka.start(brokerDir, brokerPort, controllerPort, overrides, Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", jaas("broker", BROKER_PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @BeforeEach
    void captureLog() {
        log = CapturedLog.capture();
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    @Test
    void shouldIngestAndServeExactMetricsWhenKafkaRequiresSaslPlain() throws IOException {
        try (TestServer server = TestServer.start(dir.resolve("data"), Clock.systemUTC(),
                env(FLOWMETER_PASSWORD))) {
            assertThat(server.post(PATH, """
                    {"id":"c-1","type":"commit","time":"2026-11-30T08:00:00Z","service":"shop/checkout",
                     "sha":"%s"}""".formatted(SHA)).statusCode()).isEqualTo(202);
            assertThat(server.post(PATH, """
                    {"id":"d-1","type":"deployment","time":"2026-11-30T10:00:00Z","service":"shop/checkout",
                     "environment":"production","sha":"%s","status":"success"}""".formatted(SHA)).statusCode())
                    .isEqualTo(202);

            // Commit at 08:00, deployed to production at 10:00: one lead time of 2 h.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(server.flowmeterSeries()).containsAllEntriesOf(Map.of(
                            "flowmeter_lead_time_seconds_sum{" + PROD + "}", "7200.0",
                            "flowmeter_lead_time_seconds_count{" + PROD + "}", "1")));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(server.get("/health/ready", Map.of()).statusCode()).isEqualTo(200);
                        assertThat(server.get("/health/query", Map.of()).statusCode()).isEqualTo(200);
                    });
        }

        // The clients' configuration dumps were seen, with the JAAS config masked.
        assertThat(log.text()).contains("sasl.jaas.config = [hidden]").doesNotContain(FLOWMETER_PASSWORD);
    }

    @Test
    void shouldNameRefusedCredentialsWhenThePasswordIsWrong() throws IOException {
        Map<String, String> env = env(WRONG_PASSWORD);
        long startNanos = System.nanoTime();

        Throwable failure = catchThrowable(() -> TestServer.start(dir.resolve("data"), Clock.systemUTC(), env));

        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        assertThat(failure)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Kafka refused Flowmeter's credentials: ")
                .hasMessageEndingWith("; check KAFKA_SASL_JAAS_CONFIG");
        // Refused at once, not after the admin client's 60 s timeout.
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(WRONG_PASSWORD);
        assertThat(log.text()).contains("sasl.jaas.config = [hidden]").doesNotContain(WRONG_PASSWORD);
    }

    /** Flowmeter's Kafka settings, the JAAS config with {@code password} read from a file. */
    private Map<String, String> env(String password) throws IOException {
        Path jaasFile = Files.writeString(dir.resolve("kafka-client.jaas"), jaas("flowmeter", password) + "\n",
                StandardCharsets.UTF_8);
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG_FILE", jaasFile.toString(),
                "FLOWMETER_HTTP_HOST", HOST,
                "FLOWMETER_HTTP_PORT", "0",
                "FLOWMETER_PARTITIONS", "1",
                "FLOWMETER_REPLICATION_FACTOR", "1");
    }

    private static String jaas(String user, String password) {
        return PLAIN_LOGIN + " username=\"" + user + "\" password=\"" + password + "\";";
    }

    /**
     * Every line logged while a test runs, Kafka's client and Streams configuration dumps included (where a secret
     * would leak first): those loggers are raised to INFO into this appender alone, so the console stays as quiet as
     * usual and still gets their warnings.
     */
    private static final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

        private static final List<String> RAISED = List.of("org.apache.kafka.clients", "org.apache.kafka.common",
                "org.apache.kafka.streams");

        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final List<Appender<ILoggingEvent>> console = new ArrayList<>();
        private final Map<Logger, Level> levelsBefore = new HashMap<>();

        static CapturedLog capture() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            CapturedLog capture = new CapturedLog();
            capture.setContext(context);
            capture.start();
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                capture.console.add(it.next());
            }
            root.addAppender(capture);
            for (String name : RAISED) {
                Logger logger = context.getLogger(name);
                capture.levelsBefore.put(logger, logger.getLevel());
                logger.setLevel(Level.INFO);
                logger.setAdditive(false);
                logger.addAppender(capture);
            }
            return capture;
        }

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                lines.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            if (event.getLevel().isGreaterOrEqual(Level.WARN)
                    && RAISED.stream().anyMatch(name -> event.getLoggerName().startsWith(name))) {
                console.forEach(appender -> appender.doAppend(event));
            }
        }

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
            levelsBefore.forEach((logger, level) -> {
                logger.detachAppender(this);
                logger.setAdditive(true);
                logger.setLevel(level);
            });
            stop();
        }
    }
}
