package dev.flowmeter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Input refused at the HTTP boundary: where it came from, why, and (when small enough) the body itself, so a
 * platform engineer can see exactly what a tool sent. {@code reason} is one of a small fixed set, used as a label.
 */
public record Rejection(Instant receivedAt, String source, String reason, List<FieldError> errors, String body) {

    public Rejection {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        errors = List.copyOf(errors);
        body = body == null ? "" : body;
    }
}
