package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.kafka.EventPublisher;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The Bitbucket, Azure DevOps and PagerDuty endpoints are mounted, and enabled only by their variables. */
class BitbucketAzurePagerDutyWiringTest {

    /** Accepts everything; these tests never get as far as publishing. */
    private static final EventPublisher PUBLISHER = new EventPublisher() {
        @Override
        public CompletableFuture<Void> publish(List<DeliveryEvent> events) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> reject(Rejection rejection) {
            return CompletableFuture.completedFuture(null);
        }
    };

    private static Javalin app(Map<String, String> env) {
        WebhookSettings settings = WebhookSettings.fromEnv(env);
        return Javalin.create(config -> {
            Problems.register(config);
            Webhooks.register(config, settings, new IngestDependencies(PUBLISHER, IngestLimits.defaults(),
                    Clock.fixed(Instant.parse("2026-05-02T08:00:00Z"), ZoneOffset.UTC), Runnable::run,
                    new UnauthenticatedRequests(), new BodyBudget(IngestLimits.DEFAULT_MAX_BODY_BYTES)));
        });
    }

    private static Response post(HttpClient client, String source) {
        return client.request("/webhooks/" + source, request -> {
            request.post(BodyPublishers.ofString("{}"));
            request.header("Content-Type", "application/json");
        });
    }

    @Test
    void shouldAnswer404NamingTheVariablesWhenNoSecretIsSet() {
        JavalinTest.test(app(Map.of()), (server, client) -> {
            Response bitbucket = post(client, "bitbucket");
            Response azure = post(client, "azure-devops");
            Response pagerDuty = post(client, "pagerduty");

            assertThat(bitbucket.code()).isEqualTo(404);
            assertThat(bitbucket.body().string()).contains("\"detail\":\"the bitbucket webhook is not enabled; set "
                    + "BITBUCKET_WEBHOOK_SECRET to enable it\"");
            assertThat(azure.code()).isEqualTo(404);
            assertThat(azure.body().string()).contains("\"detail\":\"the azure-devops webhook is not enabled; set "
                    + "AZURE_DEVOPS_USER and AZURE_DEVOPS_PASSWORD to enable it\"");
            assertThat(pagerDuty.code()).isEqualTo(404);
            assertThat(pagerDuty.body().string()).contains("\"detail\":\"the pagerduty webhook is not enabled; set "
                    + "PAGERDUTY_WEBHOOK_SECRET to enable it\"");
        });
    }

    @Test
    void shouldAuthenticateEveryCallWhenTheSecretsAreSet() {
        Map<String, String> env = Map.of("BITBUCKET_WEBHOOK_SECRET", "b", "AZURE_DEVOPS_USER", "flowmeter",
                "AZURE_DEVOPS_PASSWORD", "a", "PAGERDUTY_WEBHOOK_SECRET", "p");

        JavalinTest.test(app(env), (server, client) -> {
            assertThat(post(client, "bitbucket").body().string()).contains("X-Hub-Signature is missing");
            assertThat(post(client, "azure-devops").body().string()).contains("Authorization (basic) is missing");
            assertThat(post(client, "pagerduty").body().string()).contains("X-PagerDuty-Signature is missing");
        });
    }
}
