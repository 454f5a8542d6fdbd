package dev.flowmeter.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A webhook call as it arrived: headers (looked up case-insensitively), the raw body, and when it arrived. The body is
 * neither copied in nor out: it can be 25 MiB, and the route hands it over and never touches it again.
 */
public final class WebhookRequest {

    private final Map<String, String> headers;
    private final byte[] body;
    private final Instant receivedAt;

    public WebhookRequest(Map<String, String> headers, byte[] body, Instant receivedAt) {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        this.headers = copy;
        this.body = body;
        this.receivedAt = receivedAt;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** A header the source always sends; its absence is a 400 naming it. */
    public String requiredHeader(String name) {
        return header(name).orElseThrow(() -> Rejected.invalidPayload("the " + name + " header is missing",
                List.of(new FieldError(name, "header is required"))));
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
