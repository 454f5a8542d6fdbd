package dev.flowmeter.ingest.cdevents;

import static dev.flowmeter.ingest.cdevents.CdEventRequests.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.ingest.cdevents.CdEventRequests.Mode;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /webhooks/cdevents} over HTTP: both CloudEvents modes, and every refusal with its message. */
class CdEventsRouteTest {

    private static final String PATH = "/webhooks/cdevents";
    private static final String ENVELOPE = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/ci\","
            + "\"type\":\"dev.cdevents.build.queued.0.3.0\"";

    private final FakePublisher publisher = new FakePublisher();

    private final IngestDependencies dependencies = WebhookTests.dependencies(publisher, CdEventRequests.RECEIVED);

    private Javalin app() {
        return WebhookTests.app(new CdEventsSource(Secret.of(CdEventRequests.TOKEN), ServiceMap.IDENTITY),
                dependencies);
    }

    private static Response post(HttpClient client, Map<String, String> headers, byte[] body) {
        return client.request(PATH, request -> {
            request.post(BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
        });
    }

    private static Response post(HttpClient client, Mode mode, ObjectNode cdevent) {
        return post(client, CdEventRequests.headers(mode, cdevent), CdEventRequests.body(mode, cdevent));
    }

    private static Response postRaw(HttpClient client, String contentType, String body, Map<String, String> ce) {
        Map<String, String> headers = new LinkedHashMap<>(ce);
        headers.put("Content-Type", contentType);
        headers.put("Authorization", "Bearer " + CdEventRequests.TOKEN);
        return post(client, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPublishAndAnswer202WhenTheEventComesInEitherMode() {
        JavalinTest.test(app(), (server, client) -> {
            Response binary = post(client, Mode.BINARY, fixture("v0.4.1", "build.queued"));
            Response structured = post(client, Mode.STRUCTURED, fixture("v0.5.1", "build.started"));

            assertThat(binary.code()).isEqualTo(202);
            assertThat(binary.body().string()).isEqualTo("{\"accepted\":[\"cdevents:/event/source/123:"
                    + "271069a8-fc18-44f1-b38f-9d70a1695819:gate.queued\"]}");
            assertThat(structured.code()).isEqualTo(202);
            assertThat(structured.body().string()).isEqualTo("{\"accepted\":[\"cdevents:/event/source/123:"
                    + "271069a8-fc18-44f1-b38f-9d70a1695819:gate.started\"]}");
            assertThat(publisher.batches()).hasSize(2);
        });
    }

    @Test
    void shouldAnswer202IgnoredWithTheReasonWhenTheEventChangesNoMetric() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, Mode.STRUCTURED, fixture("v0.5.1", "taskrun.started"));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string())
                    .isEqualTo("{\"ignored\":\"CDEvents taskrun.started events change no Flowmeter metric\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheTokenIsMissingOrWrong() {
        JavalinTest.test(app(), (server, client) -> {
            ObjectNode queued = fixture("v0.5.1", "build.queued");
            Map<String, String> missing = CdEventRequests.headers(Mode.BINARY, queued);
            missing.remove("Authorization");
            Map<String, String> wrong = CdEventRequests.headers(Mode.BINARY, queued);
            wrong.put("Authorization", "Bearer guess");

            Response noToken = post(client, missing, CdEventRequests.body(Mode.BINARY, queued));
            Response badToken = post(client, wrong, CdEventRequests.body(Mode.BINARY, queued));

            assertThat(noToken.code()).isEqualTo(401);
            assertThat(noToken.body().string()).contains("\"detail\":\"Authorization bearer token is missing; send "
                    + "'Authorization: Bearer <token>' with the value of CDEVENTS_TOKEN\"");
            assertThat(badToken.code()).isEqualTo(401);
            assertThat(badToken.body().string())
                    .contains("\"detail\":\"Authorization bearer token does not match; check CDEVENTS_TOKEN\"");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().snapshot()).isEqualTo(Map.of("cdevents", 2L));
        });
    }

    @Test
    void shouldRefuseWith415WhenABatchOrAnotherMediaTypeIsSent() {
        JavalinTest.test(app(), (server, client) -> {
            Response batch = postRaw(client, "application/cloudevents-batch+json", "[]", Map.of());
            Response text = postRaw(client, "text/plain", "hello", Map.of());

            assertThat(batch.code()).isEqualTo(415);
            assertThat(batch.body().string()).contains("\"detail\":\"CloudEvents batches "
                    + "(application/cloudevents-batch+json) are not accepted; send each CDEvent in its own request, in"
                    + " binary mode (application/json with ce-* headers) or structured mode"
                    + " (application/cloudevents+json)\"");
            assertThat(text.code()).isEqualTo(415);
            assertThat(text.body().string()).contains("configure the webhook to send JSON (application/json)");
        });
    }

    @Test
    void shouldRefuseWith400NamingTheHeaderWhenABinaryModeAttributeIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            ObjectNode queued = fixture("v0.5.1", "build.queued");
            Map<String, String> noId = CdEventRequests.headers(Mode.BINARY, queued);
            noId.remove("ce-id");
            Map<String, String> badVersion = CdEventRequests.headers(Mode.BINARY, queued);
            badVersion.put("ce-specversion", "0.2");
            Map<String, String> badTime = CdEventRequests.headers(Mode.BINARY, queued);
            badTime.put("ce-time", "yesterday");

            Response missingId = post(client, noId, CdEventRequests.body(Mode.BINARY, queued));
            Response notCloudEvent = postRaw(client, "application/json", queued.toString(), Map.of());
            Response oldVersion = post(client, badVersion, CdEventRequests.body(Mode.BINARY, queued));
            Response unreadableTime = post(client, badTime, CdEventRequests.body(Mode.BINARY, queued));

            assertThat(missingId.code()).isEqualTo(400);
            assertThat(missingId.body().string()).contains("\"detail\":\"the ce-id header is missing\"",
                    "{\"field\":\"ce-id\",\"problem\":\"header is required\"}");
            assertThat(notCloudEvent.code()).isEqualTo(400);
            assertThat(notCloudEvent.body().string()).contains("\"detail\":\"the request is not a CloudEvent: send"
                    + " binary mode (Content-Type application/json with ce-specversion, ce-id, ce-source and ce-type"
                    + " headers) or structured mode (Content-Type application/cloudevents+json)\"");
            assertThat(oldVersion.code()).isEqualTo(400);
            assertThat(oldVersion.body().string())
                    .contains("\"detail\":\"the CloudEvents ce-specversion is not one Flowmeter reads; send 1.0\"");
            assertThat(unreadableTime.code()).isEqualTo(400);
            assertThat(unreadableTime.body().string()).contains("\"detail\":\"the CloudEvent's ce-time is not a"
                    + " valid value\"", "{\"field\":\"ce-time\",\"problem\":\"is not a valid CloudEvents value\"}");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheStructuredEnvelopeIsIncomplete() {
        JavalinTest.test(app(), (server, client) -> {
            String structured = "application/cloudevents+json";
            Response noId = postRaw(client, structured,
                    "{\"specversion\":\"1.0\",\"source\":\"/ci\",\"type\":\"t\",\"data\":{}}", Map.of());
            Response notJson = postRaw(client, structured, "{\"specversion\":", Map.of());
            Response noData = postRaw(client, structured, ENVELOPE + "}", Map.of());
            Response stringData = postRaw(client, structured, ENVELOPE + ",\"data\":\"queued\"}", Map.of());
            Response oldVersion = postRaw(client, structured,
                    ENVELOPE.replace("\"1.0\"", "\"0.2\"") + ",\"data\":{}}", Map.of());

            assertThat(noId.code()).isEqualTo(400);
            assertThat(noId.body().string()).contains("\"detail\":\"the CloudEvent has no id\"");
            assertThat(notJson.code()).isEqualTo(400);
            assertThat(notJson.body().string()).contains("\"detail\":\"the request body is not valid JSON\"");
            assertThat(noData.code()).isEqualTo(400);
            assertThat(noData.body().string()).contains("\"detail\":\"the CloudEvent carries no data; the CDEvent"
                    + " (context and subject) is its data\"");
            assertThat(stringData.code()).isEqualTo(400);
            assertThat(stringData.body().string()).contains("\"detail\":\"the CloudEvent data must be a CDEvent: a"
                    + " JSON object with context and subject\"");
            assertThat(oldVersion.code()).isEqualTo(400);
            assertThat(oldVersion.body().string())
                    .contains("\"detail\":\"the CloudEvents specversion is not one Flowmeter reads; send 1.0\"");
            assertThat(publisher.rejections()).extracting(r -> r.reason()).containsExactly("invalid_payload",
                    "malformed_json", "invalid_payload", "invalid_payload", "invalid_payload");
        });
    }

    /** Long.MIN_VALUE epoch seconds made Instant.ofEpochSecond throw, and the server answer 500. */
    @Test
    void shouldRefuseWith400NamingTheFieldNot500WhenContextTimestampIsBeyondInstantsRange() {
        JavalinTest.test(app(), (server, client) -> {
            ObjectNode queued = fixture("v0.5.1", "build.queued");
            ObjectNode beyond = queued.deepCopy();
            ((ObjectNode) beyond.path("context")).put("timestamp", Long.MIN_VALUE);

            Response response = post(client, CdEventRequests.headers(Mode.BINARY, queued),
                    CdEventRequests.body(Mode.BINARY, beyond));

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains(
                    "\"detail\":\"the payload's context.timestamp must not be before 1970-01-01T00:00:00Z\"",
                    "{\"field\":\"context.timestamp\",\"problem\":\"must not be before 1970-01-01T00:00:00Z\"}");
            assertThat(publisher.batches()).isEqualTo(List.of());
            assertThat(publisher.rejections()).extracting(Rejection::reason).containsExactly("invalid_payload");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheCdEventSpecVersionIsUnsupported() {
        JavalinTest.test(app(), (server, client) -> {
            ObjectNode draft = fixture("v0.5.1", "build.queued",
                    node -> ((ObjectNode) node.path("context")).put("specversion", "0.6.0-draft"));

            Response response = post(client, Mode.STRUCTURED, draft);

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"CDEvents spec version 0.6.0-draft is not"
                    + " supported; Flowmeter reads 0.4.x and 0.5.x\"");
            assertThat(publisher.batches()).isEqualTo(List.of());
        });
    }
}
