package dev.flowmeter.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * A record of the stalled-gates topic: an item waiting at a gate passed its limit ({@code gate.stalled}), or a stalled
 * item moved on ({@code gate.unstalled}, with the {@code reason}: started, finished, abandoned or purged). Each is
 * written once per pass of the item, so a chat bot or a ticketing system can react to each one.
 *
 * @param waitingSince when the item was queued (event time)
 * @param limitSeconds the gate's limit when the record was written; 0 if the gate has no limit any more
 * @param at when the topology noticed (wall clock)
 * @param reason why the item is no longer stalled; empty on {@code gate.stalled}, and then left out of the JSON
 */
public record GateStall(String type, String service, String gate, String item, Instant waitingSince,
        long limitSeconds, Instant at, @JsonInclude(JsonInclude.Include.NON_EMPTY) String reason) {

    public static final String STALLED = "gate.stalled";
    public static final String UNSTALLED = "gate.unstalled";

    public GateStall {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(waitingSince, "waitingSince");
        Objects.requireNonNull(at, "at");
        if (!type.equals(STALLED) && !type.equals(UNSTALLED)) {
            throw new IllegalArgumentException("type must be " + STALLED + " or " + UNSTALLED + ", got " + type);
        }
        reason = reason == null ? "" : reason;
    }

    public static GateStall stalled(String service, String gate, String item, Instant waitingSince,
            long limitSeconds, Instant at) {
        return new GateStall(STALLED, service, gate, item, waitingSince, limitSeconds, at, "");
    }

    public static GateStall unstalled(String service, String gate, String item, Instant waitingSince,
            long limitSeconds, Instant at, String reason) {
        return new GateStall(UNSTALLED, service, gate, item, waitingSince, limitSeconds, at,
                Objects.requireNonNull(reason, "reason"));
    }
}
