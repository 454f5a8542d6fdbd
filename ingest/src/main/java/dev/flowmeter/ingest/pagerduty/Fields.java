package dev.flowmeter.ingest.pagerduty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** Turns PagerDuty payload values into event fields; anything unusable is a 400 naming the payload's field. */
final class Fields {

    private static final Pattern NOT_IN_SERVICE = Pattern.compile("[^A-Za-z0-9._/-]+");
    private static final Pattern TRIM_DASHES = Pattern.compile("^-+|-+$");
    private static final int MAX_SERVICE_LENGTH = 200;

    private Fields() {
    }

    /**
     * Binds the part of the payload at {@code prefix} (a dotted path, "" for the whole body) to a DTO; a value of the
     * wrong JSON type is a 400 naming where it sits.
     */
    static <T> T read(JsonNode json, Class<T> type, String prefix) {
        try {
            return EventJson.MAPPER.treeToValue(json, type);
        } catch (JsonMappingException e) {
            String path = path(e);
            String field = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
            throw Rejected.invalidPayload("the payload's " + (field.isEmpty() ? "body" : field)
                    + " does not have the type PagerDuty sends",
                    List.of(new FieldError(field, "has the wrong type")));
        } catch (JsonProcessingException e) {
            throw Rejected.invalidPayload("the payload cannot be read",
                    List.of(new FieldError(prefix, "cannot be read")));
        }
    }

    static <T> T required(T value, String field) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw Rejected.invalidPayload("the payload has no " + field, List.of(new FieldError(field, "is required")));
        }
        return value;
    }

    static Instant time(String text, String field) {
        return Timestamps.parse(required(text, field)).orElseThrow(() -> Rejected.invalidPayload(
                "the payload's " + field + " is not a timestamp",
                List.of(new FieldError(field, "is not a timestamp Flowmeter can read"))));
    }

    /**
     * A name made fit for a service: every run of characters a service name cannot hold (spaces, brackets, ...)
     * becomes '-', and no '-' is left at either end.
     */
    static String serviceName(String name, String field) {
        String service = TRIM_DASHES.matcher(NOT_IN_SERVICE.matcher(name).replaceAll("-")).replaceAll("");
        if (service.isEmpty()) {
            throw Rejected.invalidPayload("the PagerDuty service '" + name + "' has no letter or digit to name a "
                    + "service by; map it in FLOWMETER_SERVICE_MAP", List.of(new FieldError(field, "has no letter or "
                    + "digit")));
        }
        return service.length() <= MAX_SERVICE_LENGTH ? service : service.substring(0, MAX_SERVICE_LENGTH);
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
