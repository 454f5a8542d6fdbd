package dev.flowmeter.events;

import java.util.List;

/** An event's JSON breaks the contract; carries every field that does. */
public final class InvalidEventException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidEventException(List<FieldError> errors) {
        super(describe(errors));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String describe(List<FieldError> errors) {
        StringBuilder text = new StringBuilder();
        for (FieldError error : errors) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(error.field()).append(": ").append(error.problem());
        }
        return text.toString();
    }
}
