package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.kafka.EventPublisher;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.Secret;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jira endpoint is mounted, enabled only by {@code JIRA_WEBHOOK_SECRET}, and given the service map and
 * {@code FLOWMETER_WORK_KINDS} of the settings.
 */
class JiraWiringTest {

    /** TES-41 moved from In Progress to Done on the Cloud site: a real body of the ingest module's fixtures. */
    private static final Path DONE = Path.of(System.getProperty("flowmeter.fixtures",
            "../ingest/src/test/resources/fixtures"), "jira", "issue_updated.done.json");

    /** Records what is published, and acknowledges it at once. */
    private final List<DeliveryEvent> published = new CopyOnWriteArrayList<>();
    private final EventPublisher publisher = new EventPublisher() {
        @Override
        public CompletableFuture<Void> publish(List<DeliveryEvent> events) {
            published.addAll(events);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> reject(Rejection rejection) {
            return CompletableFuture.completedFuture(null);
        }
    };

    private Javalin app(Map<String, String> env) {
        WebhookSettings settings = WebhookSettings.fromEnv(env);
        return Javalin.create(config -> {
            Problems.register(config);
            Webhooks.register(config, settings, new IngestDependencies(publisher, IngestLimits.defaults(),
                    Clock.fixed(Instant.parse("2026-05-02T08:00:00Z"), ZoneOffset.UTC), Runnable::run,
                    new UnauthenticatedRequests(), new BodyBudget(IngestLimits.DEFAULT_MAX_BODY_BYTES)));
        });
    }

    private static Response post(HttpClient client, byte[] body, String signature) {
        return client.request("/webhooks/jira", request -> {
            request.post(BodyPublishers.ofByteArray(body));
            request.header("Content-Type", "application/json");
            if (signature != null) {
                request.header("X-Hub-Signature", signature);
            }
        });
    }

    @Test
    void shouldAnswer404NamingTheVariableWhenJiraWebhookSecretIsUnset() throws IOException {
        byte[] body = Files.readAllBytes(DONE);

        JavalinTest.test(app(Map.of()), (server, client) -> {
            Response response = post(client, body, "sha256=" + Hmac.sha256Hex(Secret.of("j"), body));

            assertThat(response.code()).isEqualTo(404);
            assertThat(response.body().string()).contains("\"detail\":\"the jira webhook is not enabled; set "
                    + "JIRA_WEBHOOK_SECRET to enable it\"");
            assertThat(published).isEmpty();
        });
    }

    @Test
    void shouldAcceptASignedBodyWithTheServiceMapAndWorkKindsWhenJiraWebhookSecretIsSet(@TempDir Path dir)
            throws IOException {
        byte[] body = Files.readAllBytes(DONE);
        Path services = Files.writeString(dir.resolve("services.properties"), "TES = payments\n");
        Map<String, String> env = Map.of("JIRA_WEBHOOK_SECRET", "j", "FLOWMETER_SERVICE_MAP", services.toString(),
                "FLOWMETER_WORK_KINDS", "label:test-label=risk");

        JavalinTest.test(app(env), (server, client) -> {
            Response unsigned = post(client, body, null);
            Response signed = post(client, body, "sha256=" + Hmac.sha256Hex(Secret.of("j"), body));

            assertThat(unsigned.code()).isEqualTo(401);
            assertThat(unsigned.body().string()).contains("X-Hub-Signature is missing");
            assertThat(signed.code()).isEqualTo(202);
            assertThat(signed.body().string())
                    .isEqualTo("{\"accepted\":[\"jira:issue_updated:10040:10228:1550286940507:done\"]}");
            assertThat(published).containsExactly(new WorkItemChanged(
                    "jira:issue_updated:10040:10228:1550286940507:done", EventType.WORK_DONE,
                    Instant.parse("2019-02-16T03:15:40.507Z"), "payments", "TES-41", WorkKind.RISK,
                    "Unit test summary 1", "https://some-instance-test.atlassian.net/browse/TES-41", ""));
        });
    }
}
