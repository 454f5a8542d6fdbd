package dev.flowmeter.ingest.webhook;

import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The headers of a webhook call, looked up case-insensitively. They are all a source sees when it authenticates a call
 * before its body is read.
 */
public final class WebhookHeaders {

    private final Map<String, String> headers;

    public WebhookHeaders(Map<String, String> headers) {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        this.headers = copy;
    }

    /** The header's value, trimmed; empty when it is absent or blank. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** A header the source always sends; its absence is a 400 naming it. */
    public String requiredHeader(String name) {
        return header(name).orElseThrow(() -> Rejected.invalidPayload("the " + name + " header is missing",
                List.of(new FieldError(name, "header is required"))));
    }
}
