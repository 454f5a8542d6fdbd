package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** FLOWMETER_WORK_KINDS reaches the GitHub and GitLab sources: an issue matching no other rule takes its fallback. */
class WorkKindsWiringTest {

    private static final String SECRET = "github-secret";
    private static final String TOKEN = "gitlab-token";

    /** Issue 12 of octo-org/checkout, opened without labels or a type. */
    private static final String GITHUB_ISSUE = """
            {"action":"opened","issue":{"number":12,"title":"Pay by invoice","labels":[],"state":"open",
             "created_at":"2026-05-01T11:05:00Z","updated_at":"2026-05-01T11:05:00Z","closed_at":null},
             "repository":{"full_name":"octo-org/checkout"}}""";
    /** Issue 7 of shop/checkout, of type Issue (which no default rule names), opened without labels. */
    private static final String GITLAB_ISSUE = """
            {"object_kind":"issue","project":{"path_with_namespace":"shop/checkout"},
             "object_attributes":{"iid":7,"title":"Pay by invoice","type":"Issue","action":"open",
             "created_at":"2026-05-01T11:05:00Z","updated_at":"2026-05-01T11:05:00Z"}}""";

    private final WebhookWiring wiring = new WebhookWiring();

    @Test
    void shouldGiveIssuesTheConfiguredFallbackKindWhenFlowmeterWorkKindsIsSet() {
        Map<String, String> env = Map.of("GITHUB_WEBHOOK_SECRET", SECRET, "GITLAB_WEBHOOK_TOKEN", TOKEN,
                "FLOWMETER_WORK_KINDS", "*=risk");

        JavalinTest.test(wiring.app(env), (server, client) -> {
            byte[] github = GITHUB_ISSUE.getBytes(StandardCharsets.UTF_8);
            Response fromGitHub = client.request("/webhooks/github", request -> {
                request.post(BodyPublishers.ofByteArray(github));
                request.header("Content-Type", "application/json");
                request.header("X-GitHub-Event", "issues");
                request.header("X-GitHub-Delivery", "d-1");
                request.header("X-Hub-Signature-256", "sha256=" + hmacSha256(github));
            });
            Response fromGitLab = client.request("/webhooks/gitlab", request -> {
                request.post(BodyPublishers.ofString(GITLAB_ISSUE));
                request.header("Content-Type", "application/json");
                request.header("X-Gitlab-Event", "Issue Hook");
                request.header("X-Gitlab-Token", TOKEN);
                request.header("Idempotency-Key", "k-1");
            });

            assertThat(fromGitHub.code()).isEqualTo(202);
            assertThat(fromGitLab.code()).isEqualTo(202);
            // Without the variable both would be features, the default fallback.
            assertThat(wiring.published()).extracting(event -> ((WorkItemChanged) event).item(),
                    event -> ((WorkItemChanged) event).kind())
                    .containsExactly(tuple("#12", WorkKind.RISK), tuple("#7", WorkKind.RISK));
        });
    }

    private static String hmacSha256(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
