package dev.flowmeter.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.testing.EagerClient;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookRouteTest {

    private static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final Secret SECRET = Secret.of("s3cret");

    private final FakePublisher publisher = new FakePublisher();
    private IngestDependencies dependencies;

    /**
     * A source that wants its secret in X-Token, maps {"sha": ...} to a commit, and each sha of "more" to one more,
     * and ignores {"ping": true}. Like a careless mapper, it does not check the shas: the route must.
     */
    private static class TestSource implements WebhookSource {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public void authenticateHeaders(WebhookHeaders headers) {
            if (!SECRET.matches(headers.header("X-Token").orElse(null))) {
                throw Rejected.unauthenticated("X-Token does not match; check TEST_SECRET");
            }
        }

        @Override
        public WebhookResult map(WebhookRequest request) {
            var json = request.json();
            if (json.path("ping").asBoolean()) {
                return WebhookResult.ignored("ping events change no metric");
            }
            if (!json.path("sha").isTextual()) {
                throw Rejected.invalidPayload("the payload has no sha", List.of(new FieldError("sha", "is required")));
            }
            String delivery = request.requiredHeader("X-Delivery");
            Instant time = Timestamps.required(json, "time");
            List<CommitRecorded> commits = new ArrayList<>();
            commits.add(new CommitRecorded(Identifiers.eventId("test", delivery, "commit"), time, "org/repo",
                    json.path("sha").asText(), List.of()));
            for (JsonNode more : json.path("more")) {
                commits.add(new CommitRecorded(Identifiers.eventId("test", delivery, "commit", "" + commits.size()),
                        time, "org/repo", more.asText(), List.of()));
            }
            return WebhookResult.of(commits);
        }
    }

    /** The test source, but signed like GitHub: {@code X-Signature: sha256=<HMAC of the body under the secret>}. */
    private static final class SignedSource extends TestSource {
        @Override
        public String name() {
            return "signed";
        }

        @Override
        public void authenticateHeaders(WebhookHeaders headers) {
            Unauthenticated.requireHeader(headers, "X-Signature", "sign the webhook with SIGNED_SECRET");
        }

        @Override
        public void authenticateBody(WebhookRequest request) {
            if (!Hmac.matchesAny(SECRET, request.body(), "sha256=", List.of(request.header("X-Signature").get()))) {
                throw Unauthenticated.mismatch("X-Signature", "SIGNED_SECRET");
            }
        }
    }

    private Javalin app(long maxBodyBytes) {
        return app(WebhookTests.dependencies(publisher, NOW,
                new IngestLimits(maxBodyBytes, 1000, IngestLimits.DEFAULT_MAX_FUTURE)));
    }

    private Javalin app(IngestDependencies shared) {
        dependencies = shared;
        return Javalin.create(config -> {
            Problems.register(config);
            new WebhookRoute(new TestSource(), shared).register(config);
            new WebhookRoute(new SignedSource(), shared).register(config);
            WebhookRoute.registerDisabled(config, "other", "OTHER_SECRET");
        });
    }

    private static Response post(HttpClient client, String path, String body, Map<String, String> headers) {
        return client.request(path, request -> {
            request.post(BodyPublishers.ofString(body));
            request.header("Content-Type", "application/json");
            request.header("X-Delivery", "d-1");
            headers.forEach(request::header);
        });
    }

    private static String commitAt(String time) {
        return "{\"sha\":\"" + SHA + "\",\"time\":\"" + time + "\"}";
    }

    private static String signature(String body) {
        return "sha256=" + Hmac.sha256Hex(SECRET, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Response post(HttpClient client, String path, String body, String token, String contentType) {
        return client.request(path, request -> {
            request.post(BodyPublishers.ofString(body));
            request.header("Content-Type", contentType);
            request.header("X-Delivery", "d-1");
            if (token != null) {
                request.header("X-Token", token);
            }
        });
    }

    @Test
    void shouldPublishTheMappedEventsWhenTheCallIsAuthentic() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/test",
                    "{\"sha\":\"" + SHA + "\",\"time\":\"2024-05-01 10:00:00 UTC\"}", "s3cret", "application/json");

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"test:d-1:commit\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(new CommitRecorded("test:d-1:commit",
                    Instant.parse("2024-05-01T10:00:00Z"), "org/repo", SHA, List.of())));
        });
    }

    @Test
    void shouldAnswerIgnoredWithTheReasonWhenThePayloadChangesNoMetric() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/test", "{\"ping\":true}", "s3cret", "application/json");

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"ignored\":\"ping events change no metric\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401CountedButWrittenNowhereWhenTheSecretIsWrong() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/test", "{\"sha\":\"" + SHA + "\"}", "guess",
                    "application/json");

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            assertThat(response.body().string()).contains("\"detail\":\"X-Token does not match; check TEST_SECRET\"");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().snapshot()).isEqualTo(Map.of("test", 1L));
        });
    }

    /** The body is over the size limit, of the wrong type and does not fit the budget: only the 401 is seen. */
    @Test
    void shouldRefuseWith401BeforeReadingTheBodyWhenTheHeaderCredentialIsWrong() {
        JavalinTest.test(app(100), (server, client) -> {
            BodyBudget.Reservation full = dependencies.bodyBudget().reservation();
            assertThat(full.tryAdd(100)).isTrue();

            Response response = post(client, "/webhooks/test", "x".repeat(150), "guess", "text/plain");

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-Token does not match; check TEST_SECRET\"");
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().count("test")).isEqualTo(1);
            full.close();
        });
    }

    @Test
    void shouldRefuseWith401BeforeReadingTheBodyWhenTheSignatureHeaderIsMissing() {
        JavalinTest.test(app(100), (server, client) -> {
            Response response = post(client, "/webhooks/signed", "x".repeat(150), Map.of());

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains(
                    "\"detail\":\"X-Signature is missing; sign the webhook with SIGNED_SECRET\"");
            assertThat(dependencies.unauthenticated().count("signed")).isEqualTo(1);
        });
    }

    @Test
    void shouldRefuseWith401AfterReadingTheBodyWhenTheSignatureDoesNotMatch() {
        String body = commitAt("2026-05-01T10:00:00Z");
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response forged = post(client, "/webhooks/signed", body, Map.of("X-Signature", signature(body + " ")));
            Response unprefixed = post(client, "/webhooks/signed", body,
                    Map.of("X-Signature", signature(body).substring("sha256=".length())));
            Response signed = post(client, "/webhooks/signed", body, Map.of("X-Signature", signature(body)));

            assertThat(forged.code()).isEqualTo(401);
            assertThat(forged.body().string())
                    .contains("\"detail\":\"X-Signature does not match; check SIGNED_SECRET\"");
            assertThat(unprefixed.code()).isEqualTo(401);
            assertThat(unprefixed.body().string())
                    .contains("\"detail\":\"X-Signature does not match; check SIGNED_SECRET\"");
            assertThat(signed.code()).isEqualTo(202);
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().snapshot()).isEqualTo(Map.of("signed", 2L));
        });
    }

    /** 2026-05-03T08:00:01Z is one day and one second after the clock's 2026-05-02T08:00:00Z. */
    @Test
    void shouldRefuseWith400NamingTimeAndTheEventWhenTheMappedEventIsTooFarAhead() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response ahead = post(client, "/webhooks/test", commitAt("2026-05-03T08:00:01Z"), "s3cret",
                    "application/json");
            String problem = "of the commit event 'test:d-1:commit' is 2026-05-03T08:00:01Z, more than 1 day "
                    + "(FLOWMETER_MAX_FUTURE) ahead of the server's clock, which reads 2026-05-02T08:00:00Z; check "
                    + "the sender's clock";

            assertThat(ahead.code()).isEqualTo(400);
            JsonNode body = EventJson.MAPPER.readTree(ahead.body().string());
            assertThat(body.get("title").asText()).isEqualTo("Invalid payload");
            assertThat(body.get("detail").asText()).isEqualTo("the time of the payload's commit event "
                    + "'test:d-1:commit' is 2026-05-03T08:00:01Z, more than 1 day (FLOWMETER_MAX_FUTURE) ahead of the "
                    + "server's clock, which reads 2026-05-02T08:00:00Z; check the sender's clock");
            assertThat(body.get("errors").get(0).get("field").asText()).isEqualTo("time");
            assertThat(body.get("errors").get(0).get("problem").asText()).isEqualTo(problem);
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).singleElement().satisfies(r -> {
                assertThat(r.reason()).isEqualTo("invalid_payload");
                assertThat(r.errors()).containsExactly(new FieldError("time", problem));
            });
        });
    }

    @Test
    void shouldAcceptTheEventWhenItIsExactlyTheMaximumAhead() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/test", commitAt("2026-05-03T08:00:00Z"), "s3cret",
                    "application/json");

            assertThat(response.code()).isEqualTo(202);
        });
    }

    @Test
    void shouldAnswer503WithRetryAfterWrittenNowhereWhenTheBodyBudgetIsFull() {
        JavalinTest.test(app(1_000), (server, client) -> {
            BodyBudget.Reservation other = dependencies.bodyBudget().reservation();
            assertThat(other.tryAdd(950)).isTrue();
            String body = commitAt("2026-05-01T10:00:00Z");

            Response busy = post(client, "/webhooks/test", body, "s3cret", "application/json");

            assertThat(busy.code()).isEqualTo(503);
            assertThat(busy.headers().get("Retry-After")).containsExactly("5");
            assertThat(EventJson.MAPPER.readTree(busy.body().string()).get("detail").asText()).isEqualTo("the "
                    + "server is busy with other large requests: their bodies fill its budget of 1000 bytes held at "
                    + "once (FLOWMETER_MAX_BUFFERED_BYTES); resend the request later");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();

            other.close();
            assertThat(post(client, "/webhooks/test", body, "s3cret", "application/json").code()).isEqualTo(202);
            assertThat(dependencies.bodyBudget().reservedBytes()).isZero();
        });
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenThePayloadCannotBeMapped() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/test", "{\"time\":\"2024-05-01T10:00:00Z\"}", "s3cret",
                    "application/json");

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("{\"field\":\"sha\",\"problem\":\"is required\"}");
            assertThat(publisher.rejections()).singleElement()
                    .satisfies(r -> assertThat(r.reason()).isEqualTo("invalid_payload"));
        });
    }

    /**
     * The topology's deserializer would refuse a commit with an abbreviated sha and skip it, after the call had been
     * answered 202: the route refuses the whole call instead, naming the event and its field, and publishes none of
     * its events, not even the valid first one.
     */
    @Test
    void shouldRefuseWith400NamingTheEventAndPublishNothingWhenAMappedEventBreaksTheContract() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            String body = "{\"sha\":\"" + SHA + "\",\"more\":[\"" + SHA + "\",\"0123abc\"],"
                    + "\"time\":\"2026-05-01T10:00:00Z\"}";
            String problem = "of the commit event 'test:d-1:commit:2' must be a full commit id: 40 or 64 hexadecimal "
                    + "characters";

            Response response = post(client, "/webhooks/test", body, "s3cret", "application/json");

            assertThat(response.code()).isEqualTo(400);
            JsonNode answer = EventJson.MAPPER.readTree(response.body().string());
            assertThat(answer.get("title").asText()).isEqualTo("Invalid payload");
            assertThat(answer.get("detail").asText()).isEqualTo("the sha of the payload's commit event "
                    + "'test:d-1:commit:2' must be a full commit id: 40 or 64 hexadecimal characters");
            assertThat(answer.get("errors").get(0).get("field").asText()).isEqualTo("sha");
            assertThat(answer.get("errors").get(0).get("problem").asText()).isEqualTo(problem);
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).singleElement().satisfies(r -> {
                assertThat(r.reason()).isEqualTo("invalid_payload");
                assertThat(r.errors()).containsExactly(new FieldError("sha", problem));
            });
        });
    }

    @Test
    void shouldListEveryProblemOfEveryEventWhenSeveralMappedEventsBreakTheContract() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            String body = "{\"sha\":\"main\",\"more\":[\"" + SHA + "\",\"HEAD~1\"],"
                    + "\"time\":\"2026-05-01T10:00:00Z\"}";

            Response response = post(client, "/webhooks/test", body, "s3cret", "application/json");

            assertThat(response.code()).isEqualTo(400);
            assertThat(EventJson.MAPPER.readTree(response.body().string()).get("detail").asText())
                    .isEqualTo("the payload maps to events that break the event contract, with 2 problems; see errors");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).singleElement().satisfies(r -> assertThat(r.errors()).containsExactly(
                    new FieldError("sha", "of the commit event 'test:d-1:commit' must be a full commit id: 40 or 64 "
                            + "hexadecimal characters"),
                    new FieldError("sha", "of the commit event 'test:d-1:commit:2' must be a full commit id: 40 or "
                            + "64 hexadecimal characters")));
        });
    }

    @Test
    void shouldRefuseWith413WhenTheBodyIsOverTheLimit() {
        JavalinTest.test(app(2048), (server, client) -> {
            String body = "{\"sha\":\"" + SHA + "\",\"pad\":\"" + "x".repeat(2048) + "\"}";
            Response response = post(client, "/webhooks/test", body, "s3cret", "application/json");

            assertThat(response.code()).isEqualTo(413);
            assertThat(response.body().string()).contains("the limit is 2048 bytes, set by FLOWMETER_MAX_BODY_BYTES");
        });
    }

    @Test
    void shouldRefuseWith401NotWith415WhenAStrangerSendsAnotherMediaType() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/test", "payload=%7B%7D", "guess",
                    "application/x-www-form-urlencoded");

            assertThat(response.code()).isEqualTo(401);
            assertThat(publisher.rejections()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith415WhenTheBodyIsNotJson() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/test", "payload=%7B%7D", "s3cret",
                    "application/x-www-form-urlencoded");

            assertThat(response.code()).isEqualTo(415);
            assertThat(response.body().string()).contains("configure the webhook to send JSON (application/json)");
        });
    }

    /**
     * The media type is looked at once the call is authentic, after the body was read within the limit and the body
     * budget, so a client that writes a large body before reading gets the 415; one over the limit gets the 413.
     * Neither sees a connection reset.
     */
    @Test
    void shouldAnswer415Or413NotAResetWhenALargeBodyIsNotJson() {
        long size = EagerClient.LARGER_THAN_SOCKET_BUFFERS;
        JavalinTest.test(app(size), (server, client) -> {
            Map<String, String> headers = Map.of("Content-Type", "text/plain", "X-Token", "s3cret");
            for (boolean chunked : List.of(false, true)) {
                EagerClient.Answer unsupported = EagerClient.post(server.port(), "/webhooks/test", headers, size,
                        chunked);
                EagerClient.Answer tooLarge = EagerClient.post(server.port(), "/webhooks/test", headers, size + 1,
                        chunked);

                assertThat(unsupported.status()).as("chunked: %s", chunked).isEqualTo(415);
                assertThat(unsupported.body()).contains("configure the webhook to send JSON (application/json)");
                assertThat(tooLarge.status()).as("chunked: %s", chunked).isEqualTo(413);
                assertThat(tooLarge.headers()).containsEntry("connection", "close");
            }
            assertThat(dependencies.bodyBudget().reservedBytes()).isZero();
        });
    }

    @Test
    void shouldAnswer404NamingTheVariableWhenTheSourceIsNotConfigured() {
        JavalinTest.test(app(1_000_000), (server, client) -> {
            Response response = post(client, "/webhooks/other", "{}", null, "application/json");

            assertThat(response.code()).isEqualTo(404);
            assertThat(response.body().string())
                    .contains("\"detail\":\"the other webhook is not enabled; set OTHER_SECRET to enable it\"");
        });
    }

    @Test
    void shouldVerifyAnHmacWhenTheHexAndThePrefixMatchInAnyCase() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String hex = Hmac.sha256Hex(SECRET, body);

        assertThat(Hmac.matchesAny(SECRET, body, "sha256=", List.of("SHA256=" + hex.toUpperCase(Locale.ROOT))))
                .isTrue();
        assertThat(Hmac.matchesAny(SECRET, body, "sha256=", List.of(" sha256=" + hex + " "))).isTrue();
        assertThat(Hmac.matchesAny(SECRET, body, "sha256=", List.of("sha256=" + hex.substring(1) + "0"))).isFalse();
        assertThat(Hmac.matchesAny(Secret.of("other"), body, "sha256=", List.of("sha256=" + hex))).isFalse();
    }

    @Test
    void shouldRefuseAnHmacWhenThePrefixIsMissingOrThereIsNoSignature() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String hex = Hmac.sha256Hex(SECRET, body);

        assertThat(Hmac.matchesAny(SECRET, body, "sha256=", List.of(hex))).isFalse();
        assertThat(Hmac.matchesAny(SECRET, body, "sha256=", List.of(""))).isFalse();
        assertThat(Hmac.matchesAny(SECRET, body, "sha256=", List.of())).isFalse();
    }

    /** One HMAC, every signature compared with it, in any position: the PagerDuty rotation case. */
    @Test
    void shouldMatchWhenAnyOfSeveralSignaturesIsTheHmac() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] expected = Hmac.sha256Hex(SECRET, body).getBytes(StandardCharsets.US_ASCII);
        String good = "v1=" + Hmac.sha256Hex(SECRET, body);
        String old = "v1=" + Hmac.sha256Hex(Secret.of("old"), body);

        assertThat(Hmac.matchesAny(expected, "v1=", List.of(good, old))).isTrue();
        assertThat(Hmac.matchesAny(expected, "v1=", List.of(old, "garbage", good))).isTrue();
        assertThat(Hmac.matchesAny(expected, "v1=", List.of(old, "garbage"))).isFalse();
    }

    @Test
    void shouldReadEverySourceTimestampFormatWhenParsing() {
        assertThat(Timestamps.parse("2024-05-01 10:00:00 UTC")).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(Timestamps.parse("2021-04-28 21:50:00 +0200")).contains(Instant.parse("2021-04-28T19:50:00Z"));
        assertThat(Timestamps.parse("2019-03-01T10:37:14+0100")).contains(Instant.parse("2019-03-01T09:37:14Z"));
        assertThat(Timestamps.parse("2014-06-30T18:59:12.3660573Z"))
                .contains(Instant.parse("2014-06-30T18:59:12.3660573Z"));
        assertThat(Timestamps.parse("2012-01-03T23:36:29+02:00")).contains(Instant.parse("2012-01-03T21:36:29Z"));
        assertThat(Timestamps.parse("yesterday")).isEmpty();
    }

    /**
     * Every source's times pass the contract's range, refused by the payload's name for the field: epoch numbers
     * beyond Instant's range (which made Instant.ofEpochSecond throw), and times before 1970 or after 9999, which the
     * topology would drop after the call was acknowledged.
     */
    @Test
    void shouldRefuseNamingTheFieldWhenATimeIsOutsideTheTimesAnEventMayHave() {
        String before = "must not be before 1970-01-01T00:00:00Z";
        String after = "must not be after 9999-12-31T23:59:59Z";
        assertTimeRefused(() -> Timestamps.required(json("{\"at\": {\"t\": -99999999999999999}}"), "at.t"),
                "at.t", before);
        assertTimeRefused(() -> Timestamps.required(json("{\"t\": 1" + "0".repeat(30) + "}"), "t"), "t", after);
        assertTimeRefused(() -> Timestamps.required(json("{\"t\": -1}"), "t"), "t", before);
        assertTimeRefused(() -> Timestamps.required(json("{\"t\": \"1969-12-31T23:59:59Z\"}"), "t"), "t", before);
        assertTimeRefused(() -> PayloadFields.time("+10000-01-01T00:00:00Z", "date"), "date", after);
        assertTimeRefused(() -> PayloadFields.time("1969-12-31 23:59:59 UTC", "date"), "date", before);
        assertTimeRefused(() -> PayloadFields.epochMillis(-1L, "createdDate"), "createdDate", before);

        assertThat(Timestamps.required(json("{\"t\": 0}"), "t")).isEqualTo(Instant.EPOCH);
        assertThat(Timestamps.required(json("{\"t\": 253402300799999}"), "t"))
                .isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z"));
        assertThat(PayloadFields.epochMillis(0L, "createdDate")).isEqualTo(Instant.EPOCH);
    }

    private static void assertTimeRefused(Runnable read, String field, String problem) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(Rejected.class, rejected -> {
            assertThat(rejected.problem().status()).isEqualTo(400);
            assertThat(rejected.reason()).isEqualTo("invalid_payload");
            assertThat(rejected.problem().detail()).isEqualTo("the payload's " + field + " " + problem);
            assertThat(rejected.errors()).containsExactly(new FieldError(field, problem));
        });
    }

    private static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldKeepIdsWithinTheContractWhenDeliveryIdsAreLong() {
        assertThat(Identifiers.eventId("github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "commit", SHA))
                .isEqualTo("github:72d3162e-cc78-11e3-81ab-4c9367dc0958:commit:" + SHA);
        assertThat(Identifiers.eventId("x", "d".repeat(300))).startsWith("x:").hasSize(2 + 64);
        assertThat(Identifiers.syntheticSha("artifact", "pkg:oci/app@sha256:1")).hasSize(64)
                .isNotEqualTo(Identifiers.syntheticSha("change", "pkg:oci/app@sha256:1"));
    }
}
