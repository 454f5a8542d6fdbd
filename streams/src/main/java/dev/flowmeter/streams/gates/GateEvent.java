package dev.flowmeter.streams.gates;

import java.util.Comparator;

/**
 * One gate event held in its item's record until the item settles: what happened, its event time in epoch
 * milliseconds, and the outcome of a finish ({@code null} otherwise).
 */
record GateEvent(Kind kind, long time, String outcome) {

    /** In the order events of equal time are applied: an item is queued before it starts, and starts before it ends. */
    enum Kind { QUEUED, STARTED, FINISHED }

    /**
     * Event-time order. Ties fall back to the kind and then the outcome, so that even two verdicts stamped with the
     * same millisecond are applied in the same order whatever order they arrived in.
     */
    static final Comparator<GateEvent> EVENT_TIME_ORDER = Comparator.comparingLong(GateEvent::time)
            .thenComparing(GateEvent::kind)
            .thenComparing(GateEvent::outcome, Comparator.nullsFirst(Comparator.naturalOrder()));
}
