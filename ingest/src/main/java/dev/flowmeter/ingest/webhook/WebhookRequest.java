package dev.flowmeter.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A webhook call as it arrived: headers (looked up case-insensitively), the raw body, and when it arrived. The body is
 * neither copied in nor out: it can be 25 MiB, and the route hands it over and never touches it again.
 */
public final class WebhookRequest {

    private final WebhookHeaders headers;
    private final byte[] body;
    private final Instant receivedAt;

    public WebhookRequest(WebhookHeaders headers, byte[] body, Instant receivedAt) {
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
        this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
    }

    public WebhookRequest(Map<String, String> headers, byte[] body, Instant receivedAt) {
        this(new WebhookHeaders(headers), body, receivedAt);
    }

    public WebhookHeaders headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.header(name);
    }

    /** A header the source always sends; its absence is a 400 naming it. */
    public String requiredHeader(String name) {
        return headers.requiredHeader(name);
    }

    /** The raw bytes, as signed by the sender; callers read them and must not change them. */
    public byte[] body() {
        return body;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    /** The body as JSON; anything else is a 400. */
    public JsonNode json() {
        try {
            JsonNode node = EventJson.MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw Rejected.invalidPayload("the request body is empty; expected a JSON payload",
                        List.of(new FieldError("", "is empty")));
            }
            return node;
        } catch (IOException e) {
            throw Rejected.malformed("the request body is not valid JSON", "is not valid JSON");
        }
    }
}
