package dev.flowmeter.ingest.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.ingest.testing.WebhookTests;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Builds CDEvents webhook calls from the fixtures, in either CloudEvents HTTP mode. For tests only. */
final class CdEventRequests {

    static final String TOKEN = "test-token";
    static final Instant RECEIVED = Instant.parse("2026-05-02T08:00:00Z");

    /** The two ways the CloudEvents HTTP binding carries a CDEvent. */
    enum Mode { BINARY, STRUCTURED }

    private CdEventRequests() {
    }

    /** A fixture, {@code fixtures/cdevents/<version>/<subject>.<predicate>.json}, as an editable tree. */
    static ObjectNode fixture(String version, String name) {
        return WebhookTests.fixtureJson("cdevents/" + version + "/" + name + ".json");
    }

    static ObjectNode fixture(String version, String name, Consumer<ObjectNode> edit) {
        ObjectNode node = fixture(version, name);
        edit.accept(node);
        return node;
    }

    /** The CloudEvent headers of the binding, taken from the CDEvent's context as a real emitter would. */
    static Map<String, String> headers(Mode mode, JsonNode cdevent) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + TOKEN);
        if (mode == Mode.STRUCTURED) {
            headers.put("Content-Type", "application/cloudevents+json");
            return headers;
        }
        JsonNode context = cdevent.path("context");
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", context.path("id").asText());
        headers.put("ce-source", context.path("source").asText());
        headers.put("ce-type", context.path("type").asText());
        headers.put("ce-subject", cdevent.path("subject").path("id").asText());
        headers.put("ce-time", context.path("timestamp").asText());
        return headers;
    }

    /** The body: the CDEvent itself in binary mode, the CDEvent inside a JSON envelope in structured mode. */
    static byte[] body(Mode mode, JsonNode cdevent) {
        try {
            if (mode == Mode.BINARY) {
                return EventJson.MAPPER.writeValueAsBytes(cdevent);
            }
            JsonNode context = cdevent.path("context");
            ObjectNode envelope = EventJson.MAPPER.createObjectNode();
            envelope.put("specversion", "1.0");
            envelope.put("id", context.path("id").asText());
            envelope.put("source", context.path("source").asText());
            envelope.put("type", context.path("type").asText());
            envelope.put("subject", cdevent.path("subject").path("id").asText());
            envelope.put("time", context.path("timestamp").asText());
            envelope.put("datacontenttype", "application/json");
            envelope.set("data", cdevent);
            return EventJson.MAPPER.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WebhookRequest request(Mode mode, JsonNode cdevent) {
        return new WebhookRequest(headers(mode, cdevent), body(mode, cdevent), RECEIVED);
    }

    static WebhookRequest request(Map<String, String> headers, byte[] body) {
        return new WebhookRequest(headers, body, RECEIVED);
    }
}
