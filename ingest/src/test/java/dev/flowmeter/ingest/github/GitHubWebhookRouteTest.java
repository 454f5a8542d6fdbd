package dev.flowmeter.ingest.github;

import static dev.flowmeter.ingest.github.GitHubSourceTest.DELIVERY;
import static dev.flowmeter.ingest.github.GitHubSourceTest.NOW;
import static dev.flowmeter.ingest.github.GitHubSourceTest.SECRET;
import static dev.flowmeter.ingest.github.GitHubSourceTest.headers;
import static dev.flowmeter.ingest.testing.WebhookTests.fixtureBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
import dev.flowmeter.ingest.webhook.ServiceMap;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GitHub endpoint over HTTP with the production route and default limits: what GitHub's delivery log would show
 * for signed, unsigned, oversized and unusable deliveries.
 */
class GitHubWebhookRouteTest {

    private static final String PATH = "/webhooks/github";
    private static final String BEFORE = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private static final String CART = "7a3c2d8e5f9b1a4c6e8d0f2b4a6c8e0d2f4b6a81";
    private static final String CHARGE = "b5e1f0c3d2a4968877665544332211ffeeddccbb";
    /** GitHub lists at most 2048 commits in a push; 2000 is close to that. */
    private static final int LARGE_PUSH_COMMITS = 2000;
    private static final int FILES_PER_COMMIT = 220;
    private static final Instant FIRST_COMMIT = Instant.parse("2026-04-01T00:00:00Z");

    private final FakePublisher publisher = new FakePublisher();

    private final IngestDependencies dependencies =
            WebhookTests.dependencies(publisher, NOW, IngestLimits.defaults());

    private Javalin app() {
        return WebhookTests.app(new GitHubSource(SECRET, ServiceMap.IDENTITY), dependencies);
    }

    private static Response post(HttpClient client, byte[] body, Map<String, String> headers) {
        return client.request(PATH, request -> {
            request.post(BodyPublishers.ofByteArray(body));
            request.header("Content-Type", "application/json");
            headers.forEach(request::header);
        });
    }

    @Test
    void shouldPublishTheCommitsAndAnswer202WhenThePushIsSigned() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/push.two-commits.json");

            Response response = post(client, body, headers("push", body));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"github:" + DELIVERY + ":commit:" + CART
                    + "\",\"github:" + DELIVERY + ":commit:" + CHARGE + "\"]}");
            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch).hasSize(2));
        });
    }

    @Test
    void shouldPublishTheIncidentAndAnswer202WhenASignedIssueIsLabelledAsAnIncident() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/issues.labeled.json");

            Response response = post(client, body, headers("issues", body));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string())
                    .isEqualTo("{\"accepted\":[\"github:" + DELIVERY + ":incident.opened\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(new IncidentOpened(
                    "github:" + DELIVERY + ":incident.opened", Instant.parse("2019-05-15T15:42:07Z"),
                    "Codertocat/Hello-World", "github:Codertocat/Hello-World#1", "", "")));
            WebhookTests.assertEveryEventMeetsTheContract(publisher);
        });
    }

    @Test
    void shouldAnswer202IgnoredWithTheReasonWhenGitHubPings() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/ping.json");

            Response response = post(client, body, headers("ping", body));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo(
                    "{\"ignored\":\"ping only checks that the webhook is set up; it changes no metric\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureDoesNotMatch() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/push.json");
            Map<String, String> headers = headers("push", body);
            headers.put("X-Hub-Signature-256", "sha256=" + "0".repeat(64));

            Response response = post(client, body, headers);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string())
                    .contains("\"detail\":\"X-Hub-Signature-256 does not match; check GITHUB_WEBHOOK_SECRET\"");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().snapshot()).isEqualTo(Map.of("github", 1L));
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureLacksTheSha256Prefix() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/push.json");
            Map<String, String> headers = headers("push", body);
            headers.put("X-Hub-Signature-256", headers.get("X-Hub-Signature-256").substring("sha256=".length()));

            Response response = post(client, body, headers);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string())
                    .contains("\"detail\":\"X-Hub-Signature-256 does not match; check GITHUB_WEBHOOK_SECRET\"");
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/push.json");
            Map<String, String> headers = headers("push", body);
            headers.remove("X-Hub-Signature-256");

            Response response = post(client, body, headers);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-Hub-Signature-256 is missing; give the "
                    + "GitHub webhook a secret, the same value as GITHUB_WEBHOOK_SECRET\"");
        });
    }

    @Test
    void shouldRefuseWith401WhenOnlyTheSha1SignatureIsSent() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/push.json");
            Map<String, String> headers = headers("push", body);
            headers.remove("X-Hub-Signature-256");
            headers.put("X-Hub-Signature", "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6");

            Response response = post(client, body, headers);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-Hub-Signature (HMAC-SHA1) is not "
                    + "accepted; only X-Hub-Signature-256 is accepted, which GitHub sends when the webhook has a "
                    + "secret\"");
        });
    }

    @Test
    void shouldRefuseWith400NamingTheHeaderWhenTheDeliveryIdIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = fixtureBytes("github/push.json");
            Map<String, String> headers = headers("push", body);
            headers.remove("X-GitHub-Delivery");

            Response response = post(client, body, headers);

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string())
                    .contains("\"detail\":\"the X-GitHub-Delivery header is missing\"")
                    .contains("{\"field\":\"X-GitHub-Delivery\",\"problem\":\"header is required\"}");
            assertThat(publisher.rejections()).singleElement()
                    .satisfies(r -> assertThat(r.reason()).isEqualTo("invalid_payload"));
        });
    }

    @Test
    void shouldRefuseWith400WhenTheSignedBodyIsNotJson() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = "{\"ref\":".getBytes(StandardCharsets.UTF_8);

            Response response = post(client, body, headers("push", body));

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the request body is not valid JSON\"");
            assertThat(publisher.rejections()).singleElement()
                    .satisfies(r -> assertThat(r.reason()).isEqualTo("malformed_json"));
        });
    }

    @Test
    void shouldRefuseWith415WhenTheWebhookSendsFormEncodedPayloads() {
        JavalinTest.test(app(), (server, client) -> {
            byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = headers("push", body);
            headers.put("Content-Type", "application/x-www-form-urlencoded");

            Response response = post(client, body, headers);

            assertThat(response.code()).isEqualTo(415);
            assertThat(response.body().string()).contains("configure the webhook to send JSON (application/json)");
        });
    }

    /**
     * GitHub caps payloads at 25 MB; such a push must go through whole under the default 25 MiB limit. 2000 commits,
     * each modifying 220 files, chained from {@link #BEFORE}: commit i has sha {@code %040x} of i + 1, the message
     * {@code Regenerate module <i>}, and is stamped {@link #FIRST_COMMIT} plus i minutes.
     */
    @Test
    void shouldPublishEveryCommitWhenThePushIsAsLargeAsGitHubSends() {
        byte[] body = largePush();
        assertThat(body.length).isBetween(25_000_000, 26_214_400);
        List<DeliveryEvent> expected = new ArrayList<>();
        for (int i = 0; i < LARGE_PUSH_COMMITS; i++) {
            expected.add(new CommitRecorded("github:" + DELIVERY + ":commit:" + sha(i),
                    FIRST_COMMIT.plusSeconds(60L * i), "Codertocat/Hello-World", sha(i),
                    List.of(i == 0 ? BEFORE : sha(i - 1)), "Regenerate module " + i, List.of()));
        }
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, body, headers("push", body));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).startsWith("{\"accepted\":[\"github:" + DELIVERY + ":commit:"
                    + sha(0) + "\",");
            assertThat(publisher.batches()).singleElement().isEqualTo(expected);
        });
    }

    /**
     * A body of 26,214,401 bytes, one over the default limit, sent in full. It is sent chunked, without a declared
     * length, so the route has to count what it reads: it stops one byte past the limit.
     */
    @Test
    void shouldRefuseWith413NamingTheVariableWhenTheBodyIsOneByteOverTheLimit() {
        byte[] body = oneByteTooMany();
        JavalinTest.test(app(), (server, client) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.getOrigin() + PATH))
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
            headers("push", body).forEach(request::header);

            HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).contains("\"detail\":\"request body is more than 26214400 bytes; the limit "
                    + "is 26214400 bytes, set by FLOWMETER_MAX_BODY_BYTES\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    /**
     * The same body sent in full with its Content-Length: refused on the declared length, and the rest of the body is
     * read and dropped before the answer, so a client that writes everything first still gets the 413, not a reset.
     */
    @Test
    void shouldRefuseWith413OnTheDeclaredLengthWhenTheWholeBodyIsSentFirst() {
        byte[] body = oneByteTooMany();
        JavalinTest.test(app(), (server, client) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.getOrigin() + PATH))
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofByteArray(body));
            headers("push", body).forEach(request::header);

            HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).contains("\"detail\":\"request body is 26214401 bytes; the limit is 26214400 "
                    + "bytes, set by FLOWMETER_MAX_BODY_BYTES\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    private static byte[] oneByteTooMany() {
        String prefix = "{\"ref\":\"refs/heads/main\",\"commits\":[],\"pad\":\"";
        String suffix = "\"}";
        int length = 26_214_401;
        StringBuilder json = new StringBuilder(length).append(prefix);
        json.append("x".repeat(length - prefix.length() - suffix.length())).append(suffix);
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(body).hasSize(length);
        return body;
    }

    /** Built once in a StringBuilder sized up front, so the test holds the payload about twice, not many times. */
    private static byte[] largePush() {
        StringBuilder json = new StringBuilder(25_500_000);
        json.append("{\"ref\":\"refs/heads/main\",\"before\":\"").append(BEFORE).append("\",\"after\":\"")
                .append(sha(LARGE_PUSH_COMMITS - 1)).append("\",\"created\":false,\"deleted\":false,\"commits\":[");
        for (int i = 0; i < LARGE_PUSH_COMMITS; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"id\":\"").append(sha(i)).append("\",\"distinct\":true,\"message\":\"Regenerate module ")
                    .append(i).append("\",\"timestamp\":\"").append(FIRST_COMMIT.plusSeconds(60L * i))
                    .append("\",\"author\":{\"name\":\"Codertocat\",\"username\":\"Codertocat\"},\"added\":[],")
                    .append("\"removed\":[],\"modified\":[");
            for (int file = 0; file < FILES_PER_COMMIT; file++) {
                if (file > 0) {
                    json.append(',');
                }
                json.append("\"src/main/java/dev/example/module").append(i).append("/Generated").append(file)
                        .append(".java\"");
            }
            json.append("]}");
        }
        json.append("],\"repository\":{\"full_name\":\"Codertocat/Hello-World\"}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sha(int index) {
        return String.format("%040x", index + 1);
    }
}
