package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HTTP server does for itself: HTTPS from a keystore, and cutting off clients that stall. */
class HttpServerIT {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String PASSWORD = "keystore-pw";

    @TempDir
    Path dir;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("FLOWMETER_DATA_DIR", dir.resolve("data").toString());
        env.put("FLOWMETER_HTTP_PORT", "0");
        env.put("FLOWMETER_KAFKA_PORT", "0");
        env.put("FLOWMETER_KAFKA_CONTROLLER_PORT", "0");
        env.put("FLOWMETER_PARTITIONS", "1");
        return env;
    }

    @Test
    void shouldServeHttpsWithTheConfiguredKeystoreWhenOneIsSet() throws Exception {
        Path keystore = selfSignedKeystore();
        Map<String, String> env = env();
        env.put("FLOWMETER_TLS_KEYSTORE", keystore.toString());
        env.put("FLOWMETER_TLS_KEYSTORE_PASSWORD", PASSWORD);
        try (FlowmeterServer server = FlowmeterServer.start(FlowmeterConfig.fromEnv(env),
                Clock.fixed(NOW, ZoneOffset.UTC))) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
            HttpResponse<String> live = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.httpPort() + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("ok");
        }
    }

    @Test
    void shouldCloseTheConnectionWhenAClientStallsInTheMiddleOfABody() throws Exception {
        Map<String, String> env = env();
        env.put("FLOWMETER_HTTP_IDLE_TIMEOUT", "1s");
        try (FlowmeterServer server = FlowmeterServer.start(FlowmeterConfig.fromEnv(env),
                Clock.fixed(NOW, ZoneOffset.UTC));
             Socket socket = new Socket("127.0.0.1", server.httpPort())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
            OutputStream out = socket.getOutputStream();
            // Promises 1,000 bytes, sends 10, then nothing: the server must not wait for the rest for ever.
            out.write(("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"id\":\"x\",").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readAllBytes(); // returns when the server closes the connection
            Duration held = Duration.ofNanos(System.nanoTime() - start);

            assertThat(held).isLessThan(Duration.ofSeconds(20));
            String text = new String(answer, StandardCharsets.US_ASCII);
            assertThat(text.isEmpty() || !text.startsWith("HTTP/1.1 5")).as(text).isTrue();
        }
    }

    /**
     * A client that never goes idle but sends its body at 50 bytes a second, far below the minimum rate of 1 KiB/s,
     * is cut off long before the idle timeout (30 s) or the end of its body (2,000 s) would end the request.
     */
    @Test
    void shouldCutOffAClientThatSendsItsBodyBelowTheMinimumRate() throws Exception {
        Map<String, String> env = env();
        env.put("FLOWMETER_HTTP_MIN_DATA_RATE", "1024");
        try (FlowmeterServer server = FlowmeterServer.start(FlowmeterConfig.fromEnv(env),
                Clock.fixed(NOW, ZoneOffset.UTC));
             Socket socket = new Socket("127.0.0.1", server.httpPort())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(60));
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            // The slow sender: 10 bytes every 200 ms, until the server stops taking them.
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            sender.scheduleAtFixedRate(() -> {
                try {
                    out.write(" ".repeat(10).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            try {
                byte[] answer = socket.getInputStream().readAllBytes(); // returns when the server closes
                Duration held = Duration.ofNanos(System.nanoTime() - start);

                assertThat(held).isLessThan(Duration.ofSeconds(25));
                String text = new String(answer, StandardCharsets.US_ASCII);
                assertThat(text.isEmpty() || !text.startsWith("HTTP/1.1 5")).as(text).isTrue();
            } catch (SocketException e) {
                // A reset is also the server cutting the client off; it must just come in time.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
            } finally {
                sender.shutdownNow();
            }
        }
    }

    private Path selfSignedKeystore() throws IOException, InterruptedException {
        Path keystore = dir.resolve("tls.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "flowmeter",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(Files.exists(keystore)).isTrue();
        return keystore;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
