package dev.flowmeter.ingest.azuredevops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Turns Azure DevOps payload values into event fields; anything unusable is a 400 naming the payload's field. */
final class Fields {

    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    private static final Pattern ZEROS = Pattern.compile("0+");
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
                    + " does not have the type Azure DevOps sends",
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

    /** A full commit id in lower case, or a 400: lead time can only follow full ids. */
    static String sha(String text, String field) {
        if (!isFullSha(required(text, field))) {
            throw Rejected.invalidPayload("the payload's " + field + " is not a full commit id",
                    List.of(new FieldError(field, "must be a full commit id: 40 or 64 hexadecimal characters")));
        }
        return text.toLowerCase(Locale.ROOT);
    }

    static boolean isFullSha(String text) {
        return text != null && FULL_SHA.matcher(text).matches();
    }

    /** The all-zero id git uses for "no commit": the old side of a created branch, the new side of a deleted one. */
    static boolean isNoCommit(String text) {
        return text != null && ZEROS.matcher(text).matches();
    }

    /**
     * The service for a repository: renamed by the service map, else the name itself with every run of characters a
     * service name cannot hold (spaces, brackets, ...) replaced by '-', and no '-' left at either end.
     */
    static String service(ServiceMap services, String repository) {
        String service = TRIM_DASHES.matcher(NOT_IN_SERVICE.matcher(services.service(repository)).replaceAll("-"))
                .replaceAll("");
        if (service.isEmpty()) {
            throw Rejected.invalidPayload("the repository name '" + repository + "' has no letter or digit to name "
                    + "a service by; map it in FLOWMETER_SERVICE_MAP", List.of(new FieldError("repository", "has no "
                    + "letter or digit")));
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
