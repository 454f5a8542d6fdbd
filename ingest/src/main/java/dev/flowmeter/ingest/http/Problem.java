package dev.flowmeter.ingest.http;

import dev.flowmeter.events.FieldError;
import java.util.List;
import java.util.Objects;

/**
 * The one error body every Flowmeter endpoint answers with, an RFC 9457 problem served as
 * {@code application/problem+json}, so a client or a person reads every failure the same way. {@code detail} is
 * written for whoever configures the sender; {@code errors} lists every bad field, never just the first.
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String CONTENT_TYPE = "application/problem+json";
    /** RFC 9457: the problem is described by its status code, title and detail alone. */
    public static final String NO_TYPE = "about:blank";

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        errors = List.copyOf(errors);
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem(NO_TYPE, title, status, detail, List.of());
    }

    public static Problem of(int status, String title, String detail, List<FieldError> errors) {
        return new Problem(NO_TYPE, title, status, detail, errors);
    }
}
