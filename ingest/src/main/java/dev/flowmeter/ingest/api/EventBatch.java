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
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Rejected;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body turned into events: one event object, or an array of them ({@code array}, so that problems are
 * named by index). All or nothing: one bad element refuses the whole request with every problem of every element, so
 * the sender fixes and resends once. An event whose {@code time} is too far ahead of the server's clock is one of
 * those problems.
 */
record EventBatch(List<DeliveryEvent> events, boolean array) {

    // "{} {}" is not one JSON document; without this Jackson would read the first value and ignore the rest.
    private static final ObjectReader READER =
            EventJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_MESSAGE_LENGTH = 200;
    private static final String TIME = "time";

    EventBatch {
        events = List.copyOf(events);
    }

    /** The events in request order, or throws {@link Rejected}; {@code now} is the server's clock. */
    static EventBatch parse(byte[] body, IngestLimits limits, Instant now) {
        JsonNode root = read(body);
        if (root.isObject()) {
            return new EventBatch(parseAll(List.of(root), false, limits, now), false);
        }
        int maxBatchSize = limits.maxBatchSize();
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
        return new EventBatch(parseAll(elements, true, limits, now), true);
    }

    private static List<DeliveryEvent> parseAll(List<JsonNode> elements, boolean batch, IngestLimits limits,
            Instant now) {
        List<DeliveryEvent> events = new ArrayList<>(elements.size());
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            List<FieldError> elementErrors = new ArrayList<>();
            Instant time;
            try {
                DeliveryEvent event = EventJson.parse(elements.get(i));
                events.add(event);
                time = event.time();
            } catch (InvalidEventException e) {
                elementErrors.addAll(e.errors());
                time = validTime(elements.get(i), e.errors());
            }
            if (time != null && limits.isTooFarAhead(time, now)) {
                elementErrors.add(new FieldError(TIME, limits.tooFarAheadProblem(time, now)));
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

    /**
     * The time of an element refused for other fields, so that a time too far ahead is reported with them; null when
     * the time itself is missing or bad, which the element's errors already say.
     */
    private static Instant validTime(JsonNode element, List<FieldError> errors) {
        if (errors.stream().anyMatch(error -> error.field().equals(TIME) || error.field().isEmpty())) {
            return null;
        }
        try {
            return OffsetDateTime.parse(element.get(TIME).textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (RuntimeException e) {
            return null;
        }
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
