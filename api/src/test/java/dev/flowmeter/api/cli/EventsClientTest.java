package dev.flowmeter.api.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's side of the events API contract, against a stub server that answers as told. */
class EventsClientTest {

    private final List<String> bodies = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private HttpServer stub;

    @AfterEach
    void stop() {
        if (stub != null) {
            stub.stop(0);
        }
    }

    @Test
    void shouldResendTheSameBatchAfterA503AndItsRetryAfter() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        URI server = serve(() -> calls.incrementAndGet() == 1 ? 503 : 202);
        EventsClient client = new EventsClient(server, Optional.of("s3cret"));
        client.add(Map.of("id", "a"));
        client.add(Map.of("id", "b"));
        client.flush();
        assertThat(client.sent()).isEqualTo(2);
        assertThat(bodies).containsExactly("[{\"id\":\"a\"},{\"id\":\"b\"}]", "[{\"id\":\"a\"},{\"id\":\"b\"}]");
        assertThat(authorizations).containsOnly("Bearer s3cret");
    }

    @Test
    void shouldSendABatchOnceItHoldsBatchSizeEvents() throws IOException {
        URI server = serve(() -> 202);
        EventsClient client = new EventsClient(server, Optional.empty());
        for (int i = 0; i < EventsClient.BATCH_SIZE + 1; i++) {
            client.add(Map.of("id", "e" + i));
        }
        assertThat(bodies).hasSize(1);
        assertThat(client.sent()).isEqualTo(EventsClient.BATCH_SIZE);
        client.flush();
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(1)).isEqualTo("[{\"id\":\"e" + EventsClient.BATCH_SIZE + "\"}]");
        assertThat(authorizations).containsOnly("");
    }

    @Test
    void shouldStopWithTheServersExplanationOnARefusal() throws IOException {
        URI server = serve(() -> 400);
        EventsClient client = new EventsClient(server, Optional.empty());
        client.add(Map.of("id", "bad"));
        assertThatThrownBy(client::flush).isInstanceOf(EventsClient.SendException.class)
                .hasMessageContaining("answered 400: {\"detail\":\"as told\"}");
        assertThat(bodies).hasSize(1);
    }

    @Test
    void shouldSayWhichTokenIsMissingOnA401() throws IOException {
        URI server = serve(() -> 401);
        EventsClient client = new EventsClient(server, Optional.empty());
        client.add(Map.of("id", "x"));
        assertThatThrownBy(client::flush).hasMessageContaining("FLOWMETER_INGEST_TOKEN or --token-file");
    }

    private URI serve(IntSupplier status) throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/api/v1/events", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse(""));
            int code = status.getAsInt();
            if (code == 503) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            byte[] answer = "{\"detail\":\"as told\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        stub.start();
        return URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/");
    }
}
