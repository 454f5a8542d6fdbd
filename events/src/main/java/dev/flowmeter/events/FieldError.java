package dev.flowmeter.events;

/** One problem with one field of an incoming event, worded for the person who sent it. */
public record FieldError(String field, String problem) {

    /** The same problem, with the field located inside a batch or an envelope. */
    public FieldError within(String prefix) {
        return new FieldError(prefix + (field.isEmpty() || field.startsWith("[") ? field : "." + field), problem);
    }
}
