package dev.flowmeter.api.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.api.FlowmeterConfig;
import dev.flowmeter.api.FlowmeterServer;
import dev.flowmeter.api.broker.EmbeddedKafka;
import dev.flowmeter.api.testing.FreePorts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promise 8 of docs/reliability.md: Flowmeter on an external Kafka (a broker of the test's own, on fixed ports) whose
 * broker is stopped in the middle of a load and started again on the same directory and ports. While it is down,
 * ingest answers 503 with Retry-After within FLOWMETER_KAFKA_TIMEOUT, ingest readiness fails and liveness holds; once
 * it is back, the server recovers by itself and every event answered 202 is counted exactly once. The checks of the
 * outage window are soft, so one run reports every promise it finds broken, and the recovery is measured either way.
 */
class KafkaOutageFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutageFaultIT.class);
    private static final String TOKEN = "outage-ingest-token";
    private static final String APPLICATION_ID = "flowmeter-outage";
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(2);
    /** What an answer may take beyond the timeout on two busy cores: scheduling, the producer's callback, HTTP. */
    private static final Duration SLACK = Duration.ofSeconds(3);
    private static final int SERVICES = 6;
    private static final int ROUNDS = 100;
    private static final int CLIENTS = 4;
    private static final long SEED = 8L;

    @TempDir
    Path kafkaDir;
    @TempDir
    Path dataDir;

    private EmbeddedKafka broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswer503AndRecoverCountingEveryAcknowledgedEventOnceWhenTheBrokerStopsMidLoad() throws Exception {
        int[] ports = FreePorts.pick(2);
        broker = EmbeddedKafka.start(kafkaDir, ports[0], ports[1]);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("FLOWMETER_DATA_DIR", dataDir.toString());
        env.put("FLOWMETER_HTTP_HOST", "127.0.0.1");
        env.put("FLOWMETER_HTTP_PORT", "0");
        env.put("FLOWMETER_APPLICATION_ID", APPLICATION_ID);
        env.put("FLOWMETER_PARTITIONS", "3");
        env.put("FLOWMETER_KAFKA_TIMEOUT", KAFKA_TIMEOUT.toSeconds() + "s");
        env.put("FLOWMETER_INGEST_TOKEN", TOKEN);
        SoftAssertions softly = new SoftAssertions();

        try (FlowmeterServer server = FlowmeterServer.start(FlowmeterConfig.fromEnv(env), Clock.systemUTC())) {
            String baseUrl = "http://127.0.0.1:" + server.httpPort();
            ServerProbe probe = new ServerProbe(baseUrl);
            await("ingest ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> probe.status(ServerProbe.READY) == 200);

            try (DeliveryLoad load = new DeliveryLoad(baseUrl, TOKEN, CLIENTS,
                    DeliveryLoad.plan("outage", SERVICES, ROUNDS, SEED))) {
                load.start();
                int stopAt = load.plannedIds() / 3;
                await("a third of the events acknowledged").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(5)).until(() -> load.acknowledged() >= stopAt);

                long stopNanos = System.nanoTime();
                broker.close();
                int acknowledgedAtStop = load.acknowledged();
                long unavailableBefore = load.unavailable();
                softly.assertThat(load.isFinished()).as("the load was still running when the broker stopped")
                        .isFalse();

                // The outage lasts until every client has been refused twice and readiness had its chance to fail.
                await("every client answered 503 twice").atMost(KAFKA_TIMEOUT.plus(SLACK).multipliedBy(4))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> load.unavailable() - unavailableBefore >= 2L * CLIENTS);
                softly.assertThat(eventually(KAFKA_TIMEOUT.plus(SLACK).multipliedBy(2),
                        () -> probe.status(ServerProbe.READY) == 503))
                        .as("/health/ready answers 503 while Kafka is down").isTrue();
                softly.assertThat(probe.status(ServerProbe.LIVE)).as("/health/live while Kafka is down")
                        .isEqualTo(200);
                long outageAnswers = load.unavailable() - unavailableBefore;

                broker = EmbeddedKafka.start(kafkaDir, ports[0], ports[1]);
                long backNanos = System.nanoTime();
                Duration outage = Duration.ofNanos(backNanos - stopNanos);
                await("ingest ready again").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                        .until(() -> probe.status(ServerProbe.READY) == 200);
                Duration readyAgain = Duration.ofNanos(System.nanoTime() - backNanos);

                assertThat(load.awaitFinished(Duration.ofSeconds(180))).as("every request answered").isTrue();
                OptionalLong firstAccepted = load.firstAcceptedAtOrAfter(backNanos);
                assertThat(load.unexpected()).as("answers other than 202 and 503").isEmpty();
                int acknowledged = load.acknowledged();
                assertThat(acknowledged).as("every planned event acknowledged in the end")
                        .isEqualTo(load.plannedIds());

                long counted;
                long duplicates;
                Duration allCounted;
                EventsTopic.Census census;
                try (EventsTopic topic = new EventsTopic(broker.bootstrapServers(), APPLICATION_ID)) {
                    await("the topology has processed every acknowledged event").atMost(Duration.ofSeconds(180))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> topic.backlog() == 0 && probe.scrape().complete());
                    allCounted = Duration.ofNanos(System.nanoTime() - backNanos);
                    ServerProbe.Scrape scrape = probe.scrape();
                    counted = scrape.eventsTotal();
                    duplicates = scrape.duplicates();
                    census = topic.census();
                }

                LOG.info("Kafka outage figures: acknowledged={} counted={} lost={} duplicated={}; outage {} ms with {}"
                        + " answers 503 (slowest {} ms, {} without Retry-After, slowest answer of the run {} ms);"
                        + " broker back -> ingest ready {} ms, -> first 202 {} ms, -> all acknowledged events counted"
                        + " {} ms (acknowledged at the stop={}, resends={}, connection errors={}, records on the topic"
                        + "={}, redeliveries dropped by the topology={})", acknowledged, counted,
                        Math.max(0, acknowledged - counted), Math.max(0, counted - acknowledged), outage.toMillis(),
                        outageAnswers,
                        load.slowestUnavailable().toMillis(), load.unavailableWithoutRetryAfter(),
                        load.slowestAnswer().toMillis(), readyAgain.toMillis(),
                        firstAccepted.isPresent() ? (firstAccepted.getAsLong() - backNanos) / 1_000_000 : "none",
                        allCounted.toMillis(), acknowledgedAtStop, load.resends(), load.connectionErrors(),
                        census.records(), duplicates);

                softly.assertThat(load.unavailableWithoutRetryAfter()).as("503 answers without Retry-After")
                        .isZero();
                softly.assertThat(load.slowestAnswer()).as("the slowest answer, against FLOWMETER_KAFKA_TIMEOUT")
                        .isLessThanOrEqualTo(KAFKA_TIMEOUT.plus(SLACK));
                softly.assertThat(load.timeouts()).as("requests the server never answered").isZero();
                softly.assertThat(counted).as("flowmeter_events_total summed over types").isEqualTo(acknowledged);
            }
        }
        softly.assertAll();
    }

    /** Whether {@code condition} holds within {@code timeout}; for checks that must not end the test. */
    private static boolean eventually(Duration timeout, Callable<Boolean> condition) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
