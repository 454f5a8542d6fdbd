package dev.flowmeter.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Optional;

/**
 * Reads the timestamp formats webhook sources use: ISO-8601 with {@code Z} or an offset (with or without a colon, any
 * fraction of a second), GitLab's {@code 2024-05-01 10:00:00 UTC} and {@code 2021-04-28 21:50:00 +0200}, and epoch
 * seconds or milliseconds as numbers.
 */
public final class Timestamps {

    private static final DateTimeFormatter ISO_LOOSE_OFFSET = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .appendPattern("[XXX][XX][X]")
            .toFormatter();
    private static final DateTimeFormatter SPACED = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendLiteral(' ')
            .appendPattern("[XXX][XX]['UTC']")
            .toFormatter();
    /** Epoch numbers above this are milliseconds (10^11 seconds is the year 5138). */
    private static final long MILLIS_THRESHOLD = 100_000_000_000L;

    private Timestamps() {
    }

    /** The time at {@code field} of {@code node}, or a 400 naming the field. */
    public static Instant required(JsonNode node, String field) {
        return optional(node, field).orElseThrow(() -> Rejected.invalidPayload(
                "the payload has no " + field, List.of(new FieldError(field, "is required"))));
    }

    /**
     * The time at {@code field} (a dotted path) of {@code node}, if present; an unreadable value, or a time no event
     * may have ({@link #eventTime}), is a 400 naming the field.
     */
    public static Optional<Instant> optional(JsonNode node, String field) {
        JsonNode value = node.at("/" + field.replace('.', '/'));
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(eventTime(epoch(value), field));
        }
        if (value.isTextual()) {
            Optional<Instant> parsed = parse(value.textValue());
            if (parsed.isPresent()) {
                return Optional.of(eventTime(parsed.get(), field));
            }
        }
        throw Rejected.invalidPayload("the payload's " + field + " is not a timestamp",
                List.of(new FieldError(field, "is not a timestamp Flowmeter can read")));
    }

    /**
     * {@code time}, read from the payload's {@code field}, when an event may have it; otherwise a 400 naming the
     * field. The topology reads no event from before 1970 or after the year 9999 ({@link EventJson#timeProblem}), so
     * such a time is refused here, by the payload's name for it, rather than acknowledged and then never counted.
     */
    public static Instant eventTime(Instant time, String field) {
        Optional<String> problem = EventJson.timeProblem(time);
        if (problem.isPresent()) {
            throw Rejected.invalidPayload("the payload's " + field + " " + problem.get(),
                    List.of(new FieldError(field, problem.get())));
        }
        return time;
    }

    /**
     * An epoch number as an instant: milliseconds above {@link #MILLIS_THRESHOLD}, seconds otherwise. A number beyond
     * what an {@code Instant} holds (not a {@code long}, or seconds before {@code Instant.MIN}) becomes
     * {@code Instant.MIN} or {@code Instant.MAX}, which {@link #eventTime} then refuses like any other time out of
     * range, instead of {@code Instant.ofEpochSecond} throwing.
     */
    private static Instant epoch(JsonNode value) {
        if (!value.canConvertToLong()) {
            return value.bigIntegerValue().signum() < 0 ? Instant.MIN : Instant.MAX;
        }
        long number = value.longValue();
        if (number > MILLIS_THRESHOLD) {
            return Instant.ofEpochMilli(number);
        }
        return number < Instant.MIN.getEpochSecond() ? Instant.MIN : Instant.ofEpochSecond(number);
    }

    /** Parses one of the supported textual formats. */
    public static Optional<Instant> parse(String text) {
        String trimmed = text.trim();
        if (trimmed.endsWith(" UTC")) {
            trimmed = trimmed.substring(0, trimmed.length() - 4) + " +0000";
        }
        for (DateTimeFormatter format : List.of(DateTimeFormatter.ISO_OFFSET_DATE_TIME, ISO_LOOSE_OFFSET, SPACED)) {
            try {
                return Optional.of(OffsetDateTime.parse(trimmed, format).toInstant());
            } catch (DateTimeException e) {
                // try the next format; a parsed time outside Instant's range is no timestamp either
            }
        }
        return Optional.empty();
    }
}
