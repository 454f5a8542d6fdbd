package dev.flowmeter.bench.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few HTTP calls the benchmark makes to a server, and reading one value out of its {@code /metrics}. */
final class Http {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    Http(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    HttpClient client() {
        return client;
    }

    int status(String path) throws InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Posts events and returns the status; the benchmark's own writes must all be accepted. */
    int post(String path, String json) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Waits until {@code path} answers 200, failing when {@code process} dies first. */
    void awaitOk(String path, Duration timeout, ChildProcess process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status(path) != 200) {
            process.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(path + " of " + process.name() + " not 200 within " + timeout
                        + "; see " + process.log());
            }
            Thread.sleep(100);
        }
    }

    /**
     * The sum of every sample of {@code name} in a Prometheus text exposition whose labels contain {@code labels}
     * (e.g. {@code service="bench-probe"}), or 0 when there is none.
     */
    static double sum(String exposition, String name, String labels) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name)) {
                continue;
            }
            int afterName = name.length();
            if (line.length() <= afterName || (line.charAt(afterName) != '{' && line.charAt(afterName) != ' ')) {
                continue;
            }
            if (!labels.isEmpty() && !line.contains(labels)) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            total += Double.parseDouble(line.substring(space + 1));
        }
        return total;
    }
}
