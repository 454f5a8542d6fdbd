package dev.flowmeter.api.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.api.testing.Repository;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Docker image as docker-compose.yml runs it: built from the repository's Dockerfile, pointed at a Kafka
 * container on a shared network. Needs a Docker engine; where none runs it reports itself skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class StackContainerIT {

    /** The image docker-compose.yml runs; the broker the tests run in-process is the same Kafka version. */
    private static final String KAFKA_IMAGE = "apache/kafka:4.3.1";
    private static final String TOKEN = "stack-container-it-token";
    private static final Network NETWORK = Network.newNetwork();

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(KAFKA_IMAGE)
            .withNetwork(NETWORK)
            .withNetworkAliases("kafka")
            // A listener the other containers reach by the alias, besides the one mapped to the host.
            .withListener("kafka:19092");

    @Container
    private static final GenericContainer<?> FLOWMETER = new GenericContainer<>(
            new ImageFromDockerfile("flowmeter-stack-it", false)
                    .withDockerfile(Repository.root().resolve("Dockerfile")))
            .withNetwork(NETWORK)
            .dependsOn(KAFKA)
            .withEnv("KAFKA_BOOTSTRAP_SERVERS", "kafka:19092")
            .withEnv("FLOWMETER_INGEST_TOKEN", TOKEN)
            .withEnv("FLOWMETER_REPLICATION_FACTOR", "1")
            .withExposedPorts(7070)
            .waitingFor(Wait.forHttp("/health/ready").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(3)));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeTheEventOnMetricsWhenOneEventIsPostedToTheImage() throws Exception {
        String base = "http://" + FLOWMETER.getHost() + ":" + FLOWMETER.getMappedPort(7070);
        assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);

        // The one wall-clock time in the tests, on purpose: a real server and broker judge it against their own
        // clocks (the server refuses events more than a day ahead of it), so a fixed instant could age into a refusal.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String event = "{\"id\":\"stack-c-1\",\"type\":\"commit\",\"time\":\"" + now
                + "\",\"service\":\"shop/checkout\",\"sha\":\"9fceb02d0ae598e95dc970b74767f19372d61af8\"}";
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(event))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(get(base + "/metrics").body()).contains("flowmeter_events_total{type=\"commit\"} 1.0"));
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
