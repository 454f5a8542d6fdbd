package dev.flowmeter.ingest.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads fields of a GitLab payload by their dotted path and remembers every problem, so that one 400 names every field
 * the sender has to fix. A reader for an element of an array ({@link #element}) shares the problems of its parent.
 */
final class PayloadReader {

    private static final int MAX_ID_LENGTH = 100;

    private final JsonNode node;
    private final String prefix;
    private final List<FieldError> errors;

    private PayloadReader(JsonNode node, String prefix, List<FieldError> errors) {
        this.node = node;
        this.prefix = prefix;
        this.errors = errors;
    }

    static PayloadReader of(JsonNode root) {
        return new PayloadReader(root, "", new ArrayList<>());
    }

    /** A reader for {@code path[index]}, whose problems are named {@code path[index].field}. */
    PayloadReader element(String path, int index) {
        return new PayloadReader(value(path).path(index), name(path) + "[" + index + "]", errors);
    }

    /** How many elements the array at {@code path} has; a present value that is not an array is a problem. */
    int size(String path) {
        JsonNode value = value(path);
        if (absent(value)) {
            return 0;
        }
        if (!value.isArray()) {
            problem(path, "must be an array");
            return 0;
        }
        return value.size();
    }

    String text(String path) {
        String text = optionalText(path);
        if (text == null && !hasProblem(path)) {
            problem(path, "is required");
        }
        return text;
    }

    /** The text at {@code path}, or {@code null} when it is absent or JSON null. */
    String optionalText(String path) {
        JsonNode value = value(path);
        if (absent(value)) {
            return null;
        }
        if (!value.isTextual()) {
            problem(path, "must be a string");
            return null;
        }
        return value.textValue().isBlank() ? null : value.textValue();
    }

    /**
     * A GitLab id: an integer, or a string of one. GitLab's ids are 64-bit integers; at most {@link #MAX_ID_LENGTH}
     * characters are taken either way, so an id always fits in an event's item and id.
     */
    String id(String path) {
        JsonNode value = value(path);
        if (absent(value)) {
            problem(path, "is required");
            return null;
        }
        if (value.isIntegralNumber() && value.asText().length() <= MAX_ID_LENGTH) {
            return value.asText();
        }
        if (value.isTextual() && !value.textValue().isBlank() && value.textValue().length() <= MAX_ID_LENGTH) {
            return value.textValue();
        }
        problem(path, "must be an integer id");
        return null;
    }

    /** A GitLab id as {@link #id} reads it, or {@code null} when it is absent. */
    String optionalId(String path) {
        return has(path) ? id(path) : null;
    }

    /** A full commit id, lower-cased. */
    String sha(String path) {
        String text = text(path);
        if (text == null) {
            return null;
        }
        return shaValue(path, text);
    }

    /** A full commit id, lower-cased, or {@code null} when absent. */
    String optionalSha(String path) {
        String text = optionalText(path);
        return text == null ? null : shaValue(path, text);
    }

    /** Checks a value derived from the field at {@code path} is a full commit id. */
    String shaValue(String path, String text) {
        if (!PayloadFields.isFullSha(text)) {
            problem(path, PayloadFields.FULL_SHA_RULE);
            return null;
        }
        return text.toLowerCase(Locale.ROOT);
    }

    Instant time(String path) {
        Instant time = optionalTime(path);
        if (time == null && !hasProblem(path)) {
            problem(path, "is required");
        }
        return time;
    }

    /** A timestamp in any format GitLab uses, within the times an event may have, or {@code null} when absent. */
    Instant optionalTime(String path) {
        String text = optionalText(path);
        if (text == null) {
            return null;
        }
        Optional<Instant> time = Timestamps.parse(text);
        if (time.isEmpty()) {
            problem(path, "is not a timestamp Flowmeter can read");
            return null;
        }
        Optional<String> outOfRange = EventJson.timeProblem(time.get());
        if (outOfRange.isPresent()) {
            problem(path, outOfRange.get());
            return null;
        }
        return time.get();
    }

    /** A number of seconds (GitLab sends whole and fractional ones), or {@code null} when absent. */
    Double optionalSeconds(String path) {
        JsonNode value = value(path);
        if (absent(value)) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0) {
            problem(path, "must be a number of seconds");
            return null;
        }
        return value.asDouble();
    }

    /** Whether the field is present with a non-null value. */
    boolean has(String path) {
        return !absent(value(path));
    }

    /** The texts of the array at {@code path}; elements that are not strings are problems. */
    List<String> texts(String path) {
        List<String> texts = new ArrayList<>();
        int size = size(path);
        for (int i = 0; i < size; i++) {
            JsonNode element = value(path).get(i);
            if (element.isTextual()) {
                texts.add(element.textValue());
            } else {
                problem(path + "[" + i + "]", "must be a string");
            }
        }
        return texts;
    }

    void problem(String path, String problem) {
        errors.add(new FieldError(name(path), problem));
    }

    /** Throws a 400 naming every problem found so far, if any. */
    void check(String what) {
        if (errors.isEmpty()) {
            return;
        }
        String detail = "the " + what + " payload cannot be mapped: " + errors.size()
                + (errors.size() == 1 ? " problem" : " problems") + "; see errors";
        throw Rejected.invalidPayload(detail, errors);
    }

    private boolean hasProblem(String path) {
        String name = name(path);
        return errors.stream().anyMatch(error -> error.field().equals(name));
    }

    private JsonNode value(String path) {
        return node.at("/" + path.replace('.', '/'));
    }

    private String name(String path) {
        return prefix.isEmpty() ? path : prefix + "." + path;
    }

    private static boolean absent(JsonNode value) {
        return value.isMissingNode() || value.isNull();
    }
}
