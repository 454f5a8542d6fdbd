package dev.flowmeter.ingest.api;

import static dev.flowmeter.ingest.api.EventsApi.NOW;
import static dev.flowmeter.ingest.api.EventsApi.SHA_A;
import static dev.flowmeter.ingest.api.EventsApi.SHA_B;
import static dev.flowmeter.ingest.api.EventsApi.app;
import static dev.flowmeter.ingest.api.EventsApi.array;
import static dev.flowmeter.ingest.api.EventsApi.chunked;
import static dev.flowmeter.ingest.api.EventsApi.commit;
import static dev.flowmeter.ingest.api.EventsApi.deployment;
import static dev.flowmeter.ingest.api.EventsApi.errors;
import static dev.flowmeter.ingest.api.EventsApi.gateFinished;
import static dev.flowmeter.ingest.api.EventsApi.gateQueued;
import static dev.flowmeter.ingest.api.EventsApi.json;
import static dev.flowmeter.ingest.api.EventsApi.limits;
import static dev.flowmeter.ingest.api.EventsApi.post;
import static dev.flowmeter.ingest.api.EventsApi.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.kafka.KafkaRefusedException;
import dev.flowmeter.ingest.testing.EagerClient;
import dev.flowmeter.ingest.testing.FakePublisher;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventsRouteTest {

    private static final String UNAVAILABLE_DETAIL = "Kafka did not acknowledge the write in time; resend the whole "
            + "request, already-written events are deduplicated by id";

    private final FakePublisher publisher = new FakePublisher();

    @Test
    void shouldAnswer202ListingIdsInOrderWhenKafkaAcknowledgedEveryEvent() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, array(commit(), deployment(), gateFinished()));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.headers().get("Content-Type")).containsExactly("application/json");
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"commit-1\",\"deploy-1\",\"gate-3\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new CommitRecorded("commit-1", Instant.parse("2026-05-01T10:00:00Z"), "checkout", SHA_A,
                            List.of(SHA_B)),
                    new DeploymentFinished("deploy-1", Instant.parse("2026-05-01T09:00:00Z"), "checkout",
                            "production", SHA_A, DeploymentStatus.SUCCESS, List.of(SHA_A, SHA_B)),
                    new GateFinished("gate-3", Instant.parse("2026-05-01T09:30:00Z"), "checkout", "code-review",
                            "PR-17", GateOutcome.PASSED)));
            assertThat(publisher.rejections()).isEmpty();
        });
    }

    @Test
    void shouldAcceptOneEventWhenBodyIsASingleObject() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, commit().toString());

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"commit-1\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(new CommitRecorded("commit-1",
                    Instant.parse("2026-05-01T10:00:00Z"), "checkout", SHA_A, List.of(SHA_B))));
        });
    }

    @Test
    void shouldPublishBothWhenBatchRepeatsAnId() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, array(commit(), commit()));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"commit-1\",\"commit-1\"]}");
            assertThat(publisher.batches().get(0)).hasSize(2);
        });
    }

    @Test
    void shouldAnswerOnlyAfterKafkaAcknowledgedWhenAcknowledgementIsSlow() {
        CompletableFuture<Void> acknowledgement = new CompletableFuture<>();
        publisher.acknowledgeWith(acknowledgement);
        JavalinTest.test(app(publisher), (server, client) -> {
            CompletableFuture<Response> response =
                    CompletableFuture.supplyAsync(() -> postJson(client, commit().toString()));
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.batches().size() == 1);

            assertThat(response).isNotDone();
            acknowledgement.complete(null);
            assertThat(response.get(5, TimeUnit.SECONDS).code()).isEqualTo(202);
        });
    }

    @Test
    void shouldRejectWholeBatchNamingTheIndexWhenOneElementIsInvalid() {
        ObjectNode badTime = gateQueued();
        badTime.put("time", "soon");
        String body = array(commit(), badTime);
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, body);

            assertThat(response.code()).isEqualTo(400);
            JsonNode problem = json(response);
            assertThat(problem.get("detail").asText()).isEqualTo("1 problem in the request body; see errors");
            assertThat(errors(problem)).containsExactly(new FieldError("[1].time",
                    "'soon' is not an RFC 3339 timestamp with an offset, such as 2026-05-01T10:00:00Z"));
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).containsExactly(new Rejection(NOW, "api", "invalid_event",
                    List.of(new FieldError("[1].time",
                            "'soon' is not an RFC 3339 timestamp with an offset, such as 2026-05-01T10:00:00Z")),
                    body));
        });
    }

    @Test
    void shouldListProblemsOfEveryElementWhenSeveralAreInvalid() {
        ObjectNode noSha = commit();
        noSha.remove("sha");
        ObjectNode noId = gateFinished();
        noId.remove("id");
        JavalinTest.test(app(publisher), (server, client) -> {
            JsonNode problem = json(postJson(client, array(noSha, deployment(), noId)));

            assertThat(problem.get("status").asInt()).isEqualTo(400);
            assertThat(problem.get("detail").asText()).isEqualTo("2 problems in the request body; see errors");
            assertThat(errors(problem)).containsExactly(
                    new FieldError("[0].sha", "is required"),
                    new FieldError("[2].id", "is required"));
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldAnswer400WhenBatchIsEmpty() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, "[]");

            assertThat(response.code()).isEqualTo(400);
            assertThat(errors(json(response))).containsExactly(new FieldError("", "must hold at least one event"));
            assertThat(publisher.rejections()).extracting(Rejection::reason).containsExactly("invalid_event");
        });
    }

    @Test
    void shouldAnswer400NamingEachElementWhenElementsAreNotObjects() {
        JavalinTest.test(app(publisher), (server, client) -> {
            assertThat(errors(json(postJson(client, "[null]"))))
                    .containsExactly(new FieldError("[0]", "must be a JSON object"));
            assertThat(errors(json(postJson(client, "[1,2]")))).containsExactly(
                    new FieldError("[0]", "must be a JSON object"),
                    new FieldError("[1]", "must be a JSON object"));
        });
    }

    @Test
    void shouldAnswer400WhenBodyIsNeitherObjectNorArray() {
        JavalinTest.test(app(publisher), (server, client) -> {
            for (String body : List.of("null", "42", "\"commit\"", "true")) {
                Response response = postJson(client, body);

                assertThat(response.code()).as(body).isEqualTo(400);
                assertThat(errors(json(response))).as(body).containsExactly(
                        new FieldError("", "must be an event object or an array of 1 to 1000 event objects"));
            }
        });
    }

    @Test
    void shouldAnswer413NamingTheVariableWhenContentLengthExceedsLimit() {
        JavalinTest.test(app(publisher, limits(100)), (server, client) -> {
            Response response = postJson(client, "x".repeat(101));

            assertThat(response.code()).isEqualTo(413);
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            JsonNode problem = json(response);
            assertThat(problem.get("title").asText()).isEqualTo("Content Too Large");
            assertThat(problem.get("detail").asText())
                    .isEqualTo("request body is 101 bytes; the limit is 100 bytes, set by FLOWMETER_MAX_BODY_BYTES");
            assertThat(publisher.rejections()).containsExactly(new Rejection(NOW, "api", "too_large",
                    List.of(new FieldError("",
                            "request body is 101 bytes; the limit is 100 bytes, set by FLOWMETER_MAX_BODY_BYTES")),
                    ""));
        });
    }

    @Test
    void shouldAnswer413WhenChunkedBodyExceedsLimit() {
        JavalinTest.test(app(publisher, limits(100)), (server, client) -> {
            Response response = post(client, chunked("x".repeat(101)), "application/json");

            assertThat(response.code()).isEqualTo(413);
            assertThat(json(response).get("detail").asText()).isEqualTo(
                    "request body is more than 100 bytes; the limit is 100 bytes, set by FLOWMETER_MAX_BODY_BYTES");
            assertThat(publisher.rejections()).extracting(Rejection::reason, Rejection::body)
                    .containsExactly(tuple("too_large", ""));
        });
    }

    @Test
    void shouldAcceptBodyWhenItIsExactlyAtTheLimit() {
        String event = commit().toString();
        String body = event + " ".repeat(10);
        JavalinTest.test(app(publisher, limits(event.length() + 10)), (server, client) -> {
            assertThat(postJson(client, body).code()).isEqualTo(202);
            assertThat(post(client, chunked(body), "application/json").code()).isEqualTo(202);
        });
    }

    @Test
    void shouldDecideBodySizeItselfWhenLimitIsAboveJavalinDefault() {
        // Javalin's own limit defaults to 1,000,000 bytes and would answer 413 in its own format.
        String event = commit().toString();
        JavalinTest.test(app(publisher, limits(2_000_000)), (server, client) -> {
            Response accepted = postJson(client, event + " ".repeat(1_500_000));
            Response tooLarge = post(client, chunked(event + " ".repeat(2_000_001 - event.length())),
                    "application/json");
            Response declaredTooLarge = postJson(client, event + " ".repeat(2_000_001 - event.length()));

            assertThat(accepted.code()).isEqualTo(202);
            assertThat(tooLarge.code()).isEqualTo(413);
            assertThat(tooLarge.headers().get("Content-Type")).containsExactly("application/problem+json");
            assertThat(json(tooLarge).get("detail").asText()).isEqualTo("request body is more than 2000000 bytes; "
                    + "the limit is 2000000 bytes, set by FLOWMETER_MAX_BODY_BYTES");
            assertThat(declaredTooLarge.code()).isEqualTo(413);
            assertThat(json(declaredTooLarge).get("detail").asText()).isEqualTo("request body is 2000001 bytes; "
                    + "the limit is 2000000 bytes, set by FLOWMETER_MAX_BODY_BYTES");
        });
    }

    @Test
    void shouldAnswer413NamingTheLimitWhenBatchHoldsTooManyEvents() {
        String body = array(commit(), deployment(), gateQueued());
        JavalinTest.test(app(publisher, new IngestLimits(IngestLimits.DEFAULT_MAX_BODY_BYTES, 2,
                IngestLimits.DEFAULT_MAX_FUTURE)), (server, client) -> {
            Response response = postJson(client, body);

            assertThat(response.code()).isEqualTo(413);
            assertThat(json(response).get("detail").asText()).isEqualTo("request holds 3 events; the limit is 2 "
                    + "events per request, set by FLOWMETER_MAX_BATCH_SIZE; split the batch");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).extracting(Rejection::reason, Rejection::body)
                    .containsExactly(tuple("too_many_events", body));
        });
    }

    @Test
    void shouldAnswer415WhenContentTypeIsNotJson() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = post(client, BodyPublishers.ofString("id=1"), "application/x-www-form-urlencoded");

            assertThat(response.code()).isEqualTo(415);
            JsonNode problem = json(response);
            assertThat(problem.get("title").asText()).isEqualTo("Unsupported Media Type");
            assertThat(problem.get("detail").asText())
                    .isEqualTo("Content-Type must be application/json (UTF-8), "
                            + "not 'application/x-www-form-urlencoded'");
            assertThat(publisher.rejections()).extracting(Rejection::reason, Rejection::body)
                    .containsExactly(tuple("unsupported_media_type", "id=1"));
        });
    }

    @Test
    void shouldAnswer415WhenContentTypeIsMissing() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = post(client, BodyPublishers.ofString(commit().toString()), null);

            assertThat(response.code()).isEqualTo(415);
            assertThat(json(response).get("detail").asText())
                    .isEqualTo("the request has no Content-Type; send the events as Content-Type: application/json");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldAnswer415WhenCharsetIsNotUtf8() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = post(client, BodyPublishers.ofString(commit().toString()),
                    "application/json; charset=ISO-8859-1");

            assertThat(response.code()).isEqualTo(415);
        });
    }

    /**
     * A client that writes its whole body before reading the answer gets the 415, not a connection reset: a body
     * larger than the dead letter keeps is read to its end (within the limit) and thrown away, and the connection is
     * closed after the answer. Both with a declared length and chunked.
     */
    @Test
    void shouldAnswer415AndCloseTheConnectionWhenTheBodyIsLargerThan64KiB() {
        long size = EagerClient.LARGER_THAN_SOCKET_BUFFERS;
        JavalinTest.test(app(publisher, limits(2 * size)), (server, client) -> {
            Map<String, String> headers = Map.of("Content-Type", "text/plain");
            for (boolean chunked : List.of(false, true)) {
                EagerClient.Answer answer = EagerClient.post(server.port(), EventsRoute.PATH, headers, size, chunked);

                assertThat(answer.status()).as("chunked: %s", chunked).isEqualTo(415);
                assertThat(answer.headers()).as("chunked: %s", chunked).containsEntry("connection", "close");
                assertThat(EventJson.MAPPER.readTree(answer.body()).get("detail").asText())
                        .isEqualTo("Content-Type must be application/json (UTF-8), not 'text/plain'");
            }
            assertThat(publisher.rejections()).extracting(Rejection::reason, Rejection::body).containsExactly(
                    tuple("unsupported_media_type", ""), tuple("unsupported_media_type", ""));
        });
    }

    /**
     * Draining reserves nothing: with the whole budget held by others, a huge 415 is still answered 415 (not 503) and
     * holds no bytes afterwards; a small one is answered too, without its body in the dead letter, which the full
     * budget could not hold.
     */
    @Test
    void shouldAnswer415WithoutHoldingTheBodyWhenTheBudgetIsFull() {
        IngestDependencies dependencies = EventsApi.dependencies(publisher, limits(1024 * 1024));
        BodyBudget.Reservation others = dependencies.bodyBudget().reservation();
        assertThat(others.tryAdd(1024 * 1024)).isTrue();
        JavalinTest.test(app(dependencies, Optional.empty()), (server, client) -> {
            Response huge = post(client, BodyPublishers.ofString("x".repeat(1024 * 1024)), "text/plain");
            Response small = post(client, BodyPublishers.ofString("id=1"), "text/plain");

            assertThat(huge.code()).isEqualTo(415);
            assertThat(small.code()).isEqualTo(415);
            assertThat(publisher.rejections()).extracting(Rejection::reason, Rejection::body).containsExactly(
                    tuple("unsupported_media_type", ""), tuple("unsupported_media_type", ""));
            assertThat(dependencies.bodyBudget().reservedBytes()).isEqualTo(1024 * 1024);
        });
        others.close();
    }

    /** The kept copy of a small refused body is reserved while the request is answered, then given back. */
    @Test
    void shouldGiveTheKeptBytesBackWhenA415IsAnswered() {
        IngestDependencies dependencies = EventsApi.dependencies(publisher, limits(1000));
        JavalinTest.test(app(dependencies, Optional.empty()), (server, client) -> {
            assertThat(post(client, chunked("id=1"), "text/plain").code()).isEqualTo(415);
            assertThat(post(client, BodyPublishers.ofString("id=2"), "text/plain").code()).isEqualTo(415);

            assertThat(publisher.rejections()).extracting(Rejection::body).containsExactly("id=1", "id=2");
            assertThat(dependencies.bodyBudget().reservedBytes()).isZero();
        });
    }

    @Test
    void shouldAcceptJsonWhenContentTypeHasParameters() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = post(client, BodyPublishers.ofString(commit().toString()),
                    "Application/JSON; charset=utf-8");

            assertThat(response.code()).isEqualTo(202);
        });
    }

    @Test
    void shouldAnswer400WithLineWhenJsonIsMalformed() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, "{\n  \"id\": x\n}");

            assertThat(response.code()).isEqualTo(400);
            JsonNode problem = json(response);
            assertThat(problem.get("title").asText()).isEqualTo("Malformed JSON");
            assertThat(problem.get("detail").asText())
                    .startsWith("the request body is not valid JSON at line 2, column ")
                    .contains("'x'");
            Rejection rejection = publisher.rejections().get(0);
            assertThat(rejection.reason()).isEqualTo("malformed_json");
            assertThat(rejection.body()).isEqualTo("{\n  \"id\": x\n}");
            assertThat(rejection.errors()).singleElement()
                    .satisfies(error -> assertThat(error.problem()).startsWith("is not valid JSON at line 2, column "));
        });
    }

    @Test
    void shouldAnswer400WhenJsonHasTrailingContent() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, commit() + " {}");

            assertThat(response.code()).isEqualTo(400);
            assertThat(json(response).get("title").asText()).isEqualTo("Malformed JSON");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldAnswer400WhenBodyIsEmpty() {
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, "");

            assertThat(response.code()).isEqualTo(400);
            assertThat(json(response).get("detail").asText())
                    .isEqualTo("the request body is empty; send an event object or an array of event objects");
        });
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaIsUnavailable() {
        publisher.failPublishWithKafkaUnavailable();
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, commit().toString());

            assertThat(response.code()).isEqualTo(503);
            assertThat(response.headers().get("Retry-After")).containsExactly("5");
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            JsonNode problem = json(response);
            assertThat(problem.get("title").asText()).isEqualTo("Service Unavailable");
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(problem.get("detail").asText()).isEqualTo(UNAVAILABLE_DETAIL);
        });
    }

    @Test
    void shouldAnswerGeneric500WhenPublisherFailsUnexpectedly() {
        publisher.failPublishWith(new IllegalStateException("publisher bug"));
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, commit().toString());

            assertThat(response.code()).isEqualTo(500);
            assertThat(response.body().string()).doesNotContain("publisher bug");
            assertThat(json(response).get("title").asText()).isEqualTo("Internal Server Error");
        });
    }

    @Test
    void shouldStillAnswer400WhenDeadLetterIsUnavailable() {
        publisher.failRejectWithKafkaUnavailable();
        ObjectNode event = commit();
        event.remove("sha");
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, event.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(errors(json(response))).containsExactly(new FieldError("sha", "is required"));
        });
    }

    @Test
    void shouldKeepBodyOutOfDeadLetterWhenLargerThan64KiB() {
        ObjectNode event = gateQueued();
        event.put("item", "i".repeat(70 * 1024));
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, event.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(errors(json(response))).containsExactly(
                    new FieldError("item", "must be at most 200 characters"));
            assertThat(publisher.rejections()).extracting(Rejection::body).containsExactly("");
        });
    }

    @Test
    void shouldKeepBodyOutOfDeadLetterWhenItIsNotUtf8() {
        byte[] body = invalidUtf8Event();
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = post(client, BodyPublishers.ofByteArray(body), "application/json");

            assertThat(response.code()).isEqualTo(400);
            assertThat(json(response).get("title").asText()).isEqualTo("Malformed JSON");
            assertThat(publisher.rejections()).extracting(Rejection::reason, Rejection::body)
                    .containsExactly(tuple("malformed_json", ""));
        });
    }

    @Test
    void shouldNeverAnswer5xxWhenBodyIsGarbage() {
        ObjectNode hugeId = commit();
        hugeId.put("id", "x".repeat(5_000_000));
        Map<String, byte[]> garbage = new LinkedHashMap<>();
        garbage.put("binary", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0, 0, 7, (byte) 0x80});
        garbage.put("invalid UTF-8", invalidUtf8Event());
        garbage.put("null", utf8("null"));
        garbage.put("[null]", utf8("[null]"));
        garbage.put("[1,2]", utf8("[1,2]"));
        garbage.put("nested arrays", utf8("[".repeat(100_000) + "]".repeat(100_000)));
        garbage.put("nested objects", utf8("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)));
        garbage.put("number", utf8("12345678901234567890123456789"));
        garbage.put("long number", utf8("1".repeat(5000)));
        garbage.put("string", utf8("\"commit\""));
        garbage.put("huge id", utf8(hugeId.toString()));
        garbage.put("object as type", utf8("{\"type\": {\"commit\": true}}"));
        garbage.put("unterminated", utf8("[{\"id\": \"a"));
        garbage.put("html", utf8("<html><body>hello</body></html>"));
        JavalinTest.test(app(publisher), (server, client) -> {
            for (Map.Entry<String, byte[]> body : garbage.entrySet()) {
                Response response = post(client, BodyPublishers.ofByteArray(body.getValue()), "application/json");

                assertThat(response.code()).as(body.getKey()).isEqualTo(400);
                assertThat(response.headers().get("Content-Type")).as(body.getKey())
                        .containsExactly("application/problem+json");
                assertThat(json(response).get("status").asInt()).as(body.getKey()).isEqualTo(400);
            }
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).hasSize(garbage.size());
        });
    }

    // ---- time

    /** The clock reads 2026-05-02T08:00:00Z; one day and one second later is refused. */
    @Test
    void shouldAnswer400NamingTimeAndTheServerClockWhenAnEventIsMoreThanADayAhead() {
        ObjectNode ahead = commit();
        ahead.put("time", "2026-05-03T08:00:01Z");
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, ahead.toString());

            assertThat(response.code()).isEqualTo(400);
            JsonNode problem = json(response);
            assertThat(problem.get("detail").asText()).isEqualTo("1 problem in the request body; see errors");
            assertThat(errors(problem)).containsExactly(new FieldError("time", "is 2026-05-03T08:00:01Z, more than "
                    + "1 day (FLOWMETER_MAX_FUTURE) ahead of the server's clock, which reads 2026-05-02T08:00:00Z; "
                    + "check the sender's clock"));
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).extracting(Rejection::reason).containsExactly("invalid_event");
        });
    }

    @Test
    void shouldNameTheIndexAndKeepOtherProblemsWhenABatchedEventIsTooFarAhead() {
        ObjectNode ahead = gateQueued();
        ahead.put("time", "2027-01-01T00:00:00+01:00");
        ahead.remove("gate");
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, array(commit(), ahead));

            assertThat(response.code()).isEqualTo(400);
            assertThat(errors(json(response))).containsExactly(
                    new FieldError("[1].gate", "is required"),
                    new FieldError("[1].time", "is 2026-12-31T23:00:00Z, more than 1 day (FLOWMETER_MAX_FUTURE) "
                            + "ahead of the server's clock, which reads 2026-05-02T08:00:00Z; check the sender's "
                            + "clock"));
            assertThat(publisher.batches()).isEmpty();
        });
    }

    /** 10:00 at +02:00 on 2026-05-03 is exactly one day after the clock's 2026-05-02T08:00:00Z. */
    @Test
    void shouldAcceptWhenAnEventIsExactlyTheMaximumAhead() {
        ObjectNode edge = commit();
        edge.put("time", "2026-05-03T10:00:00+02:00");
        JavalinTest.test(app(publisher), (server, client) -> {
            assertThat(postJson(client, edge.toString()).code()).isEqualTo(202);
            assertThat(publisher.batches().get(0).get(0).time()).isEqualTo(Instant.parse("2026-05-03T08:00:00Z"));
        });
    }

    @Test
    void shouldUseTheConfiguredBoundWhenMaxFutureIsSet() {
        ObjectNode ahead = commit();
        ahead.put("time", "2026-05-02T11:00:01Z");
        IngestLimits limits = new IngestLimits(IngestLimits.DEFAULT_MAX_BODY_BYTES, 1000, Duration.ofHours(3));
        JavalinTest.test(app(publisher, limits), (server, client) -> {
            assertThat(errors(json(postJson(client, ahead.toString())))).containsExactly(new FieldError("time",
                    "is 2026-05-02T11:00:01Z, more than 3 hours (FLOWMETER_MAX_FUTURE) ahead of the server's clock, "
                            + "which reads 2026-05-02T08:00:00Z; check the sender's clock"));
        });
    }

    // ---- permanent Kafka refusals

    @Test
    void shouldAnswer413NamingTheEventWhenKafkaRefusesItAsTooLarge() {
        String detail = "event 'deploy-1' is 1200000 bytes as a Kafka record; the limit is 1044480 bytes per event";
        publisher.failPublishWith(new KafkaRefusedException(KafkaRefusedException.Reason.TOO_LARGE, 1, "deploy-1",
                detail, null));
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, array(commit(), deployment()));

            assertThat(response.code()).isEqualTo(413);
            assertThat(response.headers().get("Retry-After")).isNull();
            JsonNode problem = json(response);
            assertThat(problem.get("title").asText()).isEqualTo("Content Too Large");
            assertThat(problem.get("detail").asText()).isEqualTo(detail);
            assertThat(errors(problem)).containsExactly(new FieldError("[1]", detail));
            assertThat(publisher.rejections()).extracting(Rejection::reason, Rejection::errors)
                    .containsExactly(tuple("too_large", List.of(new FieldError("[1]", detail))));
        });
    }

    @Test
    void shouldAnswer400NotRetryLaterWhenKafkaRefusesTheRecordTimestamp() {
        String detail = "Kafka refused the record timestamp of event 'commit-1'";
        publisher.failPublishWith(new KafkaRefusedException(KafkaRefusedException.Reason.INVALID_TIMESTAMP, 0,
                "commit-1", detail, null));
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, commit().toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.headers().get("Retry-After")).isNull();
            JsonNode problem = json(response);
            assertThat(problem.get("title").asText()).isEqualTo("Refused by Kafka");
            assertThat(problem.get("detail").asText()).isEqualTo(detail);
            assertThat(errors(problem)).containsExactly(new FieldError("", detail));
            assertThat(publisher.rejections()).extracting(Rejection::reason).containsExactly("invalid_timestamp");
        });
    }

    // ---- bounded resources

    @Test
    void shouldWriteTheAnswerOnTheGivenExecutorWhenKafkaAcknowledges() throws InterruptedException {
        ExecutorService pool = IngestDependencies.answerExecutor(1, 10);
        List<String> threads = new CopyOnWriteArrayList<>();
        Executor recording = task -> pool.execute(() -> {
            threads.add(Thread.currentThread().getName());
            task.run();
        });
        IngestDependencies dependencies = new IngestDependencies(publisher, IngestLimits.defaults(),
                EventsApi.CLOCK, recording, new UnauthenticatedRequests(),
                new BodyBudget(IngestLimits.DEFAULT_MAX_BODY_BYTES));
        CompletableFuture<Void> acknowledgement = new CompletableFuture<>();
        publisher.acknowledgeWith(acknowledgement);
        try {
            JavalinTest.test(app(dependencies, Optional.empty()), (server, client) -> {
                CompletableFuture<Response> response =
                        CompletableFuture.supplyAsync(() -> postJson(client, commit().toString()));
                await().atMost(Duration.ofSeconds(5)).until(() -> publisher.batches().size() == 1);

                acknowledgement.complete(null); // as Kafka's I/O thread would
                assertThat(response.get(5, TimeUnit.SECONDS).code()).isEqualTo(202);
                assertThat(threads).containsExactly("flowmeter-answer-1");
            });
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Two 600-byte requests in a budget of 1000 bytes: the second is answered 503 while the first waits for Kafka,
     * and a third is accepted once the first was answered and gave its bytes back.
     */
    @Test
    void shouldHoldTheBodyUntilAnsweredAndRefuseOthersMeanwhileWhenTheBudgetIsFull() {
        String body = commit() + " ".repeat(600 - commit().toString().length());
        IngestDependencies dependencies = EventsApi.dependencies(publisher, limits(1000));
        CompletableFuture<Void> acknowledgement = new CompletableFuture<>();
        publisher.acknowledgeWith(acknowledgement);
        JavalinTest.test(app(dependencies, Optional.empty()), (server, client) -> {
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> postJson(client, body));
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.batches().size() == 1);
            assertThat(dependencies.bodyBudget().reservedBytes()).isEqualTo(600);

            Response second = postJson(client, body);

            assertThat(second.code()).isEqualTo(503);
            assertThat(second.headers().get("Retry-After")).containsExactly("5");
            assertThat(json(second).get("detail").asText()).isEqualTo("the server is busy with other large "
                    + "requests: their bodies fill its budget of 1000 bytes held at once "
                    + "(FLOWMETER_MAX_BUFFERED_BYTES); resend the request later");
            assertThat(publisher.batches()).hasSize(1);
            assertThat(publisher.rejections()).isEmpty();

            acknowledgement.complete(null);
            assertThat(first.get(5, TimeUnit.SECONDS).code()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(5)).until(() -> dependencies.bodyBudget().reservedBytes() == 0);
            assertThat(postJson(client, body).code()).isEqualTo(202);
        });
    }

    @Test
    void shouldGiveTheBodyBackWhenTheRequestIsRefusedOrKafkaIsUnavailable() {
        IngestDependencies dependencies = EventsApi.dependencies(publisher, limits(1000));
        ObjectNode noSha = commit();
        noSha.remove("sha");
        JavalinTest.test(app(dependencies, Optional.empty()), (server, client) -> {
            assertThat(postJson(client, noSha.toString()).code()).isEqualTo(400);
            assertThat(postJson(client, "x".repeat(1001)).code()).isEqualTo(413);
            publisher.failPublishWithKafkaUnavailable();
            assertThat(postJson(client, commit().toString()).code()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(5)).until(() -> dependencies.bodyBudget().reservedBytes() == 0);
        });
    }

    /**
     * With 10,000 of 100,000 bytes free, a small chunked body fits: it reserves an 8 KiB chunk, not the body limit.
     * A 20,000-byte chunked body needs 8 KiB and then 16 KiB, and is refused busy once the second does not fit.
     */
    @Test
    void shouldReserveAChunkedBodyAsItArrivesWhenItDeclaresNoLength() {
        IngestDependencies dependencies = EventsApi.dependencies(publisher, limits(100_000));
        BodyBudget.Reservation others = dependencies.bodyBudget().reservation();
        assertThat(others.tryAdd(90_000)).isTrue();
        String small = commit().toString();
        String large = commit() + " ".repeat(20_000);
        JavalinTest.test(app(dependencies, Optional.empty()), (server, client) -> {
            assertThat(post(client, chunked(small), "application/json").code()).isEqualTo(202);
            Response busy = post(client, chunked(large), "application/json");

            assertThat(busy.code()).isEqualTo(503);
            assertThat(publisher.batches()).hasSize(1);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> dependencies.bodyBudget().reservedBytes() == 90_000);
        });
        others.close();
    }

    private static byte[] invalidUtf8Event() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(utf8("{\"id\": \""));
        body.writeBytes(new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff});
        body.writeBytes(utf8("\", \"type\": \"commit\"}"));
        return body.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
