package dev.flowmeter.streams.gates;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything kept for one (service, gate, item): the pass as settled so far, the events held since (applied in
 * event-time order when the item settles), the latest event time seen (what retention ages), and the wall-clock
 * time the last held event arrived ({@code null} when nothing is held), which is when the reorder window started,
 * and the queued time of the settled pass reported stalled ({@code null} unless a {@code gate.stalled} record was
 * written for it and no {@code gate.unstalled} yet). That mark is committed with the record it stands for, so each
 * is written once per pass, restarts included.
 */
record GateItem(GatePass pass, List<GateEvent> held, long latestEventAt, Long heldSince, Long stalledSince) {

    static final GateItem NEW = new GateItem(GatePass.NEW, List.of(), 0, null, null);

    GateItem {
        pass = pass == null ? GatePass.NEW : pass;
        held = held == null ? List.of() : List.copyOf(held);
    }

    /** The item with {@code event} held too, its window restarted at wall-clock {@code now}. */
    GateItem holding(GateEvent event, long now) {
        List<GateEvent> next = new ArrayList<>(held.size() + 1);
        next.addAll(held);
        next.add(event);
        return new GateItem(pass, next, Math.max(latestEventAt, event.time()), now, stalledSince);
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

    /** Settled as {@code settledPass}, still marked stalled since {@code stalled} ({@code null}: not stalled). */
    GateItem settled(GatePass settledPass, Long stalled) {
        return new GateItem(settledPass, List.of(), latestEventAt, null, stalled);
    }

    GateItem stalled(Long since) {
        return new GateItem(pass, held, latestEventAt, heldSince, since);
    }
}
