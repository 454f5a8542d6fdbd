package dev.flowmeter.ingest.cdevents;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.http.RequestBody;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the CloudEvent around a CDEvent with the CloudEvents SDK, in either HTTP mode, and turns what the SDK refuses
 * into a 400 that names the header or envelope attribute to fix.
 */
final class CloudEvents {

    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";

    /**
     * The headers of the HTTP binding that Flowmeter reads. Extension attributes ({@code ce-<anything else>}) carry
     * nothing a CDEvent needs, so only these are handed to the SDK.
     */
    private static final List<String> HEADERS = List.of("Content-Type", "ce-specversion", "ce-id", "ce-source",
            "ce-type", "ce-subject", "ce-time", "ce-dataschema");
    private static final String INVALID_SPEC_VERSION = "Invalid specversion";
    private static final Pattern MISSING_HEADER = Pattern.compile("Attribute '([a-z0-9]+)' cannot be null");
    private static final Pattern MISSING_ATTRIBUTE = Pattern.compile("Missing mandatory ([a-z0-9]+) attribute");
    private static final Pattern INVALID_VALUE =
            Pattern.compile("Invalid attribute/extension value for \"([a-z0-9]+)\"");

    /** A CloudEvent as read: the attributes Flowmeter uses and its data parsed as JSON. */
    record Received(String id, String source, String type, JsonNode data) {
    }

    private CloudEvents() {
    }

    static boolean isBinaryMode(String contentType) {
        return RequestBody.isJson(contentType);
    }

    static boolean isStructuredMode(String contentType) {
        return RequestBody.isUtf8MediaType(contentType, STRUCTURED);
    }

    static boolean isBatchMode(String contentType) {
        return RequestBody.isUtf8MediaType(contentType, BATCH);
    }

    static Received read(WebhookRequest request) {
        boolean structured = isStructuredMode(request.header("Content-Type").orElse(null));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : HEADERS) {
            request.header(name).ifPresent(value -> headers.put(name, value));
        }
        CloudEvent event;
        try {
            event = HttpMessageFactory.createReader(headers, request.body()).toEvent();
        } catch (CloudEventRWException | EventDeserializationException | IllegalStateException
                 | IllegalArgumentException e) {
            throw refusal(e, structured);
        }
        return new Received(event.getId(), event.getSource().toString(), event.getType(), data(event.getData()));
    }

    private static JsonNode data(CloudEventData data) {
        if (data == null) {
            throw Rejected.invalidPayload(
                    "the CloudEvent carries no data; the CDEvent (context and subject) is its data",
                    List.of(new FieldError("data", "is required")));
        }
        JsonNode node;
        try {
            node = EventJson.MAPPER.readTree(data.toBytes());
        } catch (IOException e) {
            throw Rejected.malformed("the CloudEvent data is not valid JSON", "is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw Rejected.invalidPayload(
                    "the CloudEvent data must be a CDEvent: a JSON object with context and subject",
                    List.of(new FieldError("data", "must be a JSON object")));
        }
        return node;
    }

    /** Names what the sender has to fix, without quoting the body: 400s are logged and kept in the dead letter. */
    private static Rejected refusal(RuntimeException e, boolean structured) {
        if (e instanceof CloudEventRWException rw
                && rw.getKind() == CloudEventRWException.CloudEventRWExceptionKind.UNKNOWN_ENCODING) {
            return Rejected.invalidPayload("the request is not a CloudEvent: send binary mode (Content-Type "
                    + RequestBody.JSON + " with ce-specversion, ce-id, ce-source and ce-type headers) or structured"
                    + " mode (Content-Type " + STRUCTURED + ")",
                    List.of(new FieldError("ce-specversion", "header is required in binary mode")));
        }
        String message = messages(e);
        // Binary mode says so with an exception kind, structured mode only in the message of a wrapped cause.
        if ((e instanceof CloudEventRWException rw
                && rw.getKind() == CloudEventRWException.CloudEventRWExceptionKind.INVALID_SPEC_VERSION)
                || message.contains(INVALID_SPEC_VERSION)) {
            String field = structured ? "specversion" : "ce-specversion";
            return Rejected.invalidPayload("the CloudEvents " + field + " is not one Flowmeter reads; send 1.0",
                    List.of(new FieldError(field, "must be 1.0")));
        }
        Matcher missingHeader = MISSING_HEADER.matcher(message);
        if (!structured && missingHeader.find()) {
            String header = "ce-" + missingHeader.group(1);
            return Rejected.invalidPayload("the " + header + " header is missing",
                    List.of(new FieldError(header, "header is required")));
        }
        Matcher missingAttribute = MISSING_ATTRIBUTE.matcher(message);
        if (missingAttribute.find()) {
            String attribute = missingAttribute.group(1);
            return Rejected.invalidPayload("the CloudEvent has no " + attribute,
                    List.of(new FieldError(attribute, "is required")));
        }
        Matcher invalid = INVALID_VALUE.matcher(message);
        if (invalid.find()) {
            String field = (structured ? "" : "ce-") + invalid.group(1);
            return Rejected.invalidPayload("the CloudEvent's " + field + " is not a valid value",
                    List.of(new FieldError(field, "is not a valid CloudEvents value")));
        }
        if (structured && hasCause(e, JsonParseException.class)) {
            return Rejected.malformed("the request body is not valid JSON", "is not valid JSON");
        }
        return Rejected.invalidPayload("the request is not a readable CloudEvent",
                List.of(new FieldError("", "is not a CloudEvent the CloudEvents SDK can read")));
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
