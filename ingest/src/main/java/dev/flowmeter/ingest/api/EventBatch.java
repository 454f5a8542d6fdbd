package dev.flowmeter.ingest.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.InvalidEventException;
import dev.flowmeter.ingest.http.Rejected;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request body into events: one event object, or an array of them. All or nothing: one bad element refuses
 * the whole request with every problem of every element, so the sender fixes and resends once.
 */
final class EventBatch {

    // "{} {}" is not one JSON document; without this Jackson would read the first value and ignore the rest.
    private static final ObjectReader READER =
            EventJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_MESSAGE_LENGTH = 200;

    private EventBatch() {
    }

    /** The events in request order, or throws {@link Rejected}. */
    static List<DeliveryEvent> parse(byte[] body, int maxBatchSize) {
        JsonNode root = read(body);
        if (root.isObject()) {
            return parseAll(List.of(root), false);
        }
        if (!root.isArray()) {
            throw Rejected.invalid(List.of(new FieldError("",
                    "must be an event object or an array of 1 to " + maxBatchSize + " event objects")));
        }
        if (root.isEmpty()) {
            throw Rejected.invalid(List.of(new FieldError("", "must hold at least one event")));
        }
        if (root.size() > maxBatchSize) {
            throw Rejected.tooManyEvents(root.size(), maxBatchSize);
        }
        List<JsonNode> elements = new ArrayList<>(root.size());
        root.forEach(elements::add);
        return parseAll(elements, true);
    }

    private static List<DeliveryEvent> parseAll(List<JsonNode> elements, boolean batch) {
        List<DeliveryEvent> events = new ArrayList<>(elements.size());
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            List<FieldError> elementErrors = new ArrayList<>();
            try {
                DeliveryEvent event = EventJson.parse(elements.get(i));
                events.add(event);
            } catch (InvalidEventException e) {
                elementErrors.addAll(e.errors());
            }
            for (FieldError error : elementErrors) {
                errors.add(batch ? error.within("[" + i + "]") : error);
            }
        }
        if (!errors.isEmpty()) {
            throw Rejected.invalid(errors);
        }
        return List.copyOf(events);
    }

    private static JsonNode read(byte[] body) {
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (JsonProcessingException e) {
            // The location, not the message, goes to the dead letter and the log: messages may quote the body.
            String where = where(e.getLocation());
            throw Rejected.malformed("the request body is not valid JSON" + where + ": "
                    + abbreviate(e.getOriginalMessage()), "is not valid JSON" + where);
        } catch (IOException e) {
            throw Rejected.malformed("the request body is not valid JSON: it is not UTF-8 encoded text",
                    "is not UTF-8 encoded text");
        }
        if (root == null || root.isMissingNode()) {
            throw Rejected.malformed("the request body is empty; send an event object or an array of event objects",
                    "is empty");
        }
        return root;
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String abbreviate(String message) {
        if (message == null) {
            return "unreadable input";
        }
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }
}
