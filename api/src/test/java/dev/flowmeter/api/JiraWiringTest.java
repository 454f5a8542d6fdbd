package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.EventType;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.Secret;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
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

    private final WebhookWiring wiring = new WebhookWiring();

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

        JavalinTest.test(wiring.app(Map.of()), (server, client) -> {
            Response response = post(client, body, "sha256=" + Hmac.sha256Hex(Secret.of("j"), body));

            assertThat(response.code()).isEqualTo(404);
            assertThat(response.body().string()).contains("\"detail\":\"the jira webhook is not enabled; set "
                    + "JIRA_WEBHOOK_SECRET to enable it\"");
            assertThat(wiring.published()).isEmpty();
        });
    }

    @Test
    void shouldAcceptASignedBodyWithTheServiceMapAndWorkKindsWhenJiraWebhookSecretIsSet(@TempDir Path dir)
            throws IOException {
        byte[] body = Files.readAllBytes(DONE);
        Path services = Files.writeString(dir.resolve("services.properties"), "TES = payments\n");
        Map<String, String> env = Map.of("JIRA_WEBHOOK_SECRET", "j", "FLOWMETER_SERVICE_MAP", services.toString(),
                "FLOWMETER_WORK_KINDS", "label:test-label=risk");

        JavalinTest.test(wiring.app(env), (server, client) -> {
            Response unsigned = post(client, body, null);
            Response signed = post(client, body, "sha256=" + Hmac.sha256Hex(Secret.of("j"), body));

            assertThat(unsigned.code()).isEqualTo(401);
            assertThat(unsigned.body().string()).contains("X-Hub-Signature is missing");
            assertThat(signed.code()).isEqualTo(202);
            assertThat(signed.body().string())
                    .isEqualTo("{\"accepted\":[\"jira:issue_updated:10040:10228:1550286940507:done\"]}");
            assertThat(wiring.published()).containsExactly(new WorkItemChanged(
                    "jira:issue_updated:10040:10228:1550286940507:done", EventType.WORK_DONE,
                    Instant.parse("2019-02-16T03:15:40.507Z"), "payments", "TES-41", WorkKind.RISK,
                    "Unit test summary 1", "https://some-instance-test.atlassian.net/browse/TES-41", ""));
        });
    }
}
