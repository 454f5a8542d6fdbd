package dev.flowmeter.streams.gates;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything kept for one (service, gate, item): the pass as settled so far, the events held since (applied in
 * event-time order when the item settles), the latest event time seen (what retention ages), and the wall-clock
 * time the last held event arrived ({@code null} when nothing is held), which is when the reorder window started.
 */
record GateItem(GatePass pass, List<GateEvent> held, long latestEventAt, Long heldSince) {

    static final GateItem NEW = new GateItem(GatePass.NEW, List.of(), 0, null);

    GateItem {
        pass = pass == null ? GatePass.NEW : pass;
        held = held == null ? List.of() : List.copyOf(held);
    }

    /** The item with {@code event} held too, its window restarted at wall-clock {@code now}. */
    GateItem holding(GateEvent event, long now) {
        List<GateEvent> next = new ArrayList<>(held.size() + 1);
        next.addAll(held);
        next.add(event);
        return new GateItem(pass, next, Math.max(latestEventAt, event.time()), now);
    }

    /** The held events in the order they are applied. */
    List<GateEvent> heldInEventTimeOrder() {
        List<GateEvent> ordered = new ArrayList<>(held);
        ordered.sort(GateEvent.EVENT_TIME_ORDER);
        return ordered;
    }

    /** The pass as it will settle if nothing else arrives: what the waiting gauges show meanwhile. */
    GatePass provisional() {
        GatePass next = pass;
        for (GateEvent event : heldInEventTimeOrder()) {
            next = next.apply(event, GatePass.Measures.NONE);
        }
        return next;
    }

    GateItem settled(GatePass settledPass) {
        return new GateItem(settledPass, List.of(), latestEventAt, null);
    }
}
