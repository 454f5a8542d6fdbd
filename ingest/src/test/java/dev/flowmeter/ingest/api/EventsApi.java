package dev.flowmeter.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.webhook.Secret;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The app under test, requests to it, and valid events to break one field at a time. */
final class EventsApi {

    static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String SHA_A = "0123456789abcdef0123456789abcdef01234567";
    static final String SHA_B = "89abcdef0123456789abcdef0123456789abcdef";

    private EventsApi() {
    }

    static Javalin app(FakePublisher publisher) {
        return app(publisher, IngestLimits.defaults());
    }

    static Javalin app(FakePublisher publisher, IngestLimits limits) {
        return app(dependencies(publisher, limits), Optional.empty());
    }

    /** The production route with its error mapping; {@code token} guards it when present. */
    static Javalin app(IngestDependencies dependencies, Optional<Secret> token) {
        return Javalin.create(config -> {
            Problems.register(config);
            new EventsRoute(dependencies, token).register(config);
        });
    }

    /**
     * The clock at {@link #NOW}, answers written on the thread that completed the publish, a fresh 401 count and a
     * body budget of exactly one largest body.
     */
    static IngestDependencies dependencies(FakePublisher publisher, IngestLimits limits) {
        return new IngestDependencies(publisher, limits, CLOCK, Runnable::run, new UnauthenticatedRequests(),
                new BodyBudget(limits.maxBodyBytes()));
    }

    /** Limits of {@code maxBodyBytes} and the default batch size and future bound. */
    static IngestLimits limits(long maxBodyBytes) {
        return new IngestLimits(maxBodyBytes, IngestLimits.DEFAULT_MAX_BATCH_SIZE, IngestLimits.DEFAULT_MAX_FUTURE);
    }

    static Response postJson(HttpClient client, String body) {
        return post(client, BodyPublishers.ofString(body, StandardCharsets.UTF_8), "application/json");
    }

    static Response post(HttpClient client, BodyPublisher body, String contentType) {
        return post(client, body, contentType, Map.of());
    }

    static Response post(HttpClient client, BodyPublisher body, String contentType, Map<String, String> headers) {
        return client.request(EventsRoute.PATH, request -> {
            request.post(body);
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            headers.forEach(request::header);
        });
    }

    /** A body without Content-Length, sent chunked. */
    static BodyPublisher chunked(String body) {
        return BodyPublishers.fromPublisher(BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    static JsonNode json(Response response) {
        try {
            return EventJson.MAPPER.readTree(response.body().string());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<FieldError> errors(JsonNode problem) {
        List<FieldError> errors = new ArrayList<>();
        for (JsonNode error : problem.get("errors")) {
            errors.add(new FieldError(error.get("field").asText(), error.get("problem").asText()));
        }
        return errors;
    }

    static String array(ObjectNode... events) {
        ArrayNode array = EventJson.MAPPER.createArrayNode();
        for (ObjectNode event : events) {
            array.add(event);
        }
        return array.toString();
    }

    static ObjectNode commit() {
        ObjectNode node = common("commit-1", "commit", "2026-05-01T10:00:00Z");
        node.put("sha", SHA_A);
        node.putArray("parents").add(SHA_B);
        return node;
    }

    static ObjectNode deployment() {
        ObjectNode node = common("deploy-1", "deployment", "2026-05-01T11:00:00+02:00");
        node.put("environment", "production");
        node.put("sha", SHA_A);
        node.put("status", "success");
        node.putArray("commits").add(SHA_A).add(SHA_B);
        return node;
    }

    static ObjectNode gateQueued() {
        ObjectNode node = common("gate-1", "gate.queued", "2026-05-01T09:00:00Z");
        node.put("gate", "code-review");
        node.put("item", "PR-17");
        return node;
    }

    static ObjectNode gateFinished() {
        ObjectNode node = common("gate-3", "gate.finished", "2026-05-01T09:30:00Z");
        node.put("gate", "code-review");
        node.put("item", "PR-17");
        node.put("outcome", "passed");
        return node;
    }

    private static ObjectNode common(String id, String type, String time) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("type", type);
        node.put("time", time);
        node.put("service", "checkout");
        return node;
    }
}
