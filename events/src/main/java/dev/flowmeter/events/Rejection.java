package dev.flowmeter.events;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Input refused at the HTTP boundary: where it came from, why, and (when small enough) the body itself, so a
 * platform engineer can see exactly what a tool sent. {@code reason} is one of a small fixed set, used as a label.
 */
public record Rejection(Instant receivedAt, String source, String reason, List<FieldError> errors, String body) {

    /** Bodies larger than this are not copied: a dead letter must stay far below Kafka's 1 MB record limit. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    public Rejection {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        errors = List.copyOf(errors);
        body = body == null ? "" : body;
    }

    /** The body as text to keep with a rejection: "" when absent, over {@link #MAX_BODY_BYTES} or not UTF-8. */
    public static String keptBody(byte[] raw) {
        if (raw == null || raw.length > MAX_BODY_BYTES) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            return "";
        }
    }
}
