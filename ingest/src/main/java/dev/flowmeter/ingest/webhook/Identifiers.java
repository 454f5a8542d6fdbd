package dev.flowmeter.ingest.webhook;

import dev.flowmeter.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Event ids and stand-in commit ids derived deterministically from what a source sends. */
public final class Identifiers {

    private Identifiers() {
    }

    /**
     * An event id from the source name, its delivery id and what distinguishes the event within the delivery (for
     * example a commit sha). The same delivery always gives the same ids, which is what makes redeliveries count once.
     * Ids longer than the contract allows are shortened to the source name plus a hash.
     */
    public static String eventId(String source, String delivery, String... parts) {
        String id = source + ":" + delivery + (parts.length == 0 ? "" : ":" + String.join(":", parts));
        return id.length() <= EventJson.MAX_ID_LENGTH ? id : source + ":" + sha256Hex(id);
    }

    /**
     * An incident id from the source name and the tool's own reference to the incident ({@code octo-org/app#7}). The
     * events that open and resolve an incident come from different deliveries, so the id is built from the incident
     * alone, never from a delivery: that is what pairs them. A reference too long for an event's incident is replaced
     * by its SHA-256, which pairs just as well.
     */
    public static String incidentId(String source, String reference) {
        String id = source + ":" + reference;
        return id.length() <= EventJson.MAX_ITEM_LENGTH ? id : source + ":" + sha256Hex(id);
    }

    /**
     * A 64-hex-digit stand-in for a commit id, for sources that link changes to deployments through something other
     * than a git sha (CDEvents changes and artifacts). Distinct kinds never collide: the kind is part of the hash.
     */
    public static String syntheticSha(String kind, String id) {
        return sha256Hex(kind + ":" + id);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
