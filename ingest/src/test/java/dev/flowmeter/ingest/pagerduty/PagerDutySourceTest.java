package dev.flowmeter.ingest.pagerduty;

import static dev.flowmeter.ingest.testing.WebhookTests.assertEveryEventMeetsTheContract;
import static dev.flowmeter.ingest.testing.WebhookTests.fixture;
import static dev.flowmeter.ingest.testing.WebhookTests.fixtureJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagerDutySourceTest {

    private static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    private static final Secret SECRET = Secret.of("pagerduty-test-secret");
    private static final Secret OLD_SECRET = Secret.of("pagerduty-old-secret");

    private final FakePublisher publisher = new FakePublisher();

    @AfterEach
    void everyPublishedEventShouldMeetTheEventContract() {
        assertEveryEventMeetsTheContract(publisher);
    }

    private Javalin app(ServiceMap services) {
        return WebhookTests.app(new PagerDutySource(SECRET, services), publisher, NOW);
    }

    private Javalin app() {
        return app(ServiceMap.IDENTITY);
    }

    private static String v1(Secret secret, String body) {
        return "v1=" + Hmac.sha256Hex(secret, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Response post(HttpClient client, String body) {
        return post(client, body, v1(SECRET, body));
    }

    private static Response post(HttpClient client, String body, String signature) {
        return client.request("/webhooks/pagerduty", request -> {
            request.post(BodyPublishers.ofString(body));
            request.header("Content-Type", "application/json");
            if (signature != null) {
                request.header("X-PagerDuty-Signature", signature);
            }
        });
    }

    @Test
    void shouldOpenAnIncidentOfThePagerDutyServiceWhenAnIncidentIsTriggered() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("pagerduty/incident.triggered.json"));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"pagerduty:01BZYIL05THJDFF2Y08X9SVMTU\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(new IncidentOpened(
                    "pagerduty:01BZYIL05THJDFF2Y08X9SVMTU", Instant.parse("2021-06-04T13:35:29.781Z"), "pig208",
                    "PFQZPSY", "", "")));
        });
    }

    @Test
    void shouldResolveTheIncidentWhenAnIncidentIsResolved() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("pagerduty/incident.resolved.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(new IncidentResolved(
                    "pagerduty:01BZYH1JJY09P9LEIST8HG2PMN", Instant.parse("2021-06-04T13:16:53.816Z"), "pig208",
                    "PCPZE64", "", "")));
        });
    }

    @Test
    void shouldAcceptTheCallWhenOneOfSeveralSignaturesMatchesDuringSecretRotation() {
        String body = fixture("pagerduty/incident.triggered.json");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, body, v1(OLD_SECRET, body) + ", " + v1(SECRET, body));

            assertThat(response.code()).isEqualTo(202);
            assertThat(publisher.batches()).hasSize(1);
        });
    }

    @Test
    void shouldRefuseWith401WhenNoneOfSeveralSignaturesMatches() {
        String body = fixture("pagerduty/incident.triggered.json");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, body, v1(OLD_SECRET, body) + "," + v1(Secret.of("other"), body));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-PagerDuty-Signature does not match; check "
                    + "PAGERDUTY_WEBHOOK_SECRET\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureIsNotAV1Signature() {
        String body = fixture("pagerduty/incident.triggered.json");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, body, Hmac.sha256Hex(SECRET, body.getBytes(StandardCharsets.UTF_8)));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-PagerDuty-Signature does not match; check "
                    + "PAGERDUTY_WEBHOOK_SECRET\"");
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("pagerduty/incident.triggered.json"), null);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-PagerDuty-Signature is missing; Flowmeter "
                    + "accepts only signed PagerDuty v3 webhooks, with the subscription's signing secret in "
                    + "PAGERDUTY_WEBHOOK_SECRET\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldAnswerIgnoredWhenTheIncidentIsOnlyAcknowledged() {
        ObjectNode acknowledged = fixtureJson("pagerduty/incident.triggered.json");
        ((ObjectNode) acknowledged.get("event")).put("event_type", "incident.acknowledged");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, acknowledged.toString());

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"ignored\":\"PagerDuty event incident.acknowledged "
                    + "changes no Flowmeter metric; only incident.triggered and incident.resolved do\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRenameTheServiceWhenTheServiceMapNamesThePagerDutyService(@TempDir Path dir) throws IOException {
        Path map = Files.writeString(dir.resolve("services.properties"), "pig208 = shop/checkout\n");

        JavalinTest.test(app(ServiceMap.load(map)), (server, client) -> {
            assertThat(post(client, fixture("pagerduty/incident.triggered.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement()
                    .satisfies(batch -> assertThat(batch.get(0).service()).isEqualTo("shop/checkout"));
        });
    }

    @Test
    void shouldRenameTheServiceWhenTheServiceMapNamesThePagerDutyServiceId(@TempDir Path dir) throws IOException {
        Path map = Files.writeString(dir.resolve("services.properties"), "PA2P440 = shop/payments\n");

        JavalinTest.test(app(ServiceMap.load(map)), (server, client) -> {
            assertThat(post(client, fixture("pagerduty/incident.resolved.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement()
                    .satisfies(batch -> assertThat(batch.get(0).service()).isEqualTo("shop/payments"));
        });
    }

    @Test
    void shouldReplaceCharactersAServiceCannotHoldWhenThePagerDutyServiceNameHasSpaces() {
        ObjectNode triggered = fixtureJson("pagerduty/incident.triggered.json");
        ((ObjectNode) triggered.at("/event/data/service")).put("summary", "Checkout API (production)");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, triggered.toString()).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement()
                    .satisfies(batch -> assertThat(batch.get(0).service()).isEqualTo("Checkout-API-production"));
        });
    }

    @Test
    void shouldPublishTheSameIdWhenPagerDutyRetriesADelivery() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("pagerduty/incident.resolved.json")).code()).isEqualTo(202);
            assertThat(post(client, fixture("pagerduty/incident.resolved.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).hasSize(2);
            assertThat(publisher.batches().get(1)).isEqualTo(publisher.batches().get(0));
        });
    }

    @Test
    void shouldRefuseWith400WhenTheEventHasNoId() {
        ObjectNode triggered = fixtureJson("pagerduty/incident.triggered.json");
        ((ObjectNode) triggered.get("event")).remove("id");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, triggered.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the payload has no event.id\"")
                    .contains("{\"field\":\"event.id\",\"problem\":\"is required\"}");
        });
    }

    /**
     * An incident id longer than an event's incident may be was acknowledged and then skipped by the topology; a
     * PagerDuty incident id is a short code, so it is refused by its field. Exactly 200 characters still pass.
     */
    @Test
    void shouldRefuseWith400NamingEventDataIdWhenTheIncidentIdIsLongerThan200Characters() {
        ObjectNode tooLong = fixtureJson("pagerduty/incident.triggered.json");
        ((ObjectNode) tooLong.at("/event/data")).put("id", "Q".repeat(201));
        ObjectNode longest = fixtureJson("pagerduty/incident.triggered.json");
        ((ObjectNode) longest.at("/event/data")).put("id", "Q".repeat(200));

        JavalinTest.test(app(), (server, client) -> {
            Response refused = post(client, tooLong.toString());
            Response accepted = post(client, longest.toString());

            assertThat(refused.code()).isEqualTo(400);
            assertThat(refused.body().string()).contains("\"detail\":\"the payload's event.data.id must be at most "
                    + "200 characters; PagerDuty incident ids are short codes such as PGR0VU2\"",
                    "{\"field\":\"event.data.id\",\"problem\":\"must be at most 200 characters\"}");
            assertThat(accepted.code()).isEqualTo(202);
            assertThat(publisher.batches()).singleElement().satisfies(events -> assertThat(events)
                    .extracting(event -> ((IncidentOpened) event).incident()).containsExactly("Q".repeat(200)));
            assertThat(publisher.rejections()).extracting(Rejection::reason).containsExactly("invalid_payload");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheIncidentNamesNoService() {
        ObjectNode triggered = fixtureJson("pagerduty/incident.triggered.json");
        ((ObjectNode) triggered.at("/event/data")).remove("service");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, triggered.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the payload has no event.data.service\"");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheOccurrenceTimeIsUnreadable() {
        ObjectNode triggered = fixtureJson("pagerduty/incident.triggered.json");
        ((ObjectNode) triggered.get("event")).put("occurred_at", "yesterday");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, triggered.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the payload's event.occurred_at is not a "
                    + "timestamp\"");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheBodyIsNotJson() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, "event=incident.triggered");

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the request body is not valid JSON\"");
        });
    }

    @Test
    void shouldRefuseWith400WhenThePayloadHasNoEvent() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, "{\"messages\":[]}");

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the payload has no event\"");
        });
    }
}
