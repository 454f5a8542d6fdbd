package dev.flowmeter.streams.gates;

/**
 * One item's current pass through a gate, times in epoch milliseconds ({@code null} when not known yet), whether its
 * wait and duration were already observed (each is observed at most once per pass), and whether the pass was closed
 * as abandoned. The rules assume events come in event-time order; the processor holds an item's events for the
 * reorder window to give them that order.
 */
record GatePass(Long queuedAt, Long startedAt, Long finishedAt, String outcome, boolean waitObserved,
        boolean durationObserved, boolean abandoned) {

    static final GatePass NEW = new GatePass(null, null, null, null, false, false, false);

    /** Where a pass reports the measures an event completes. */
    interface Measures {
        Measures NONE = new Measures() {
            @Override
            public void waited(long millis) {
            }

            @Override
            public void worked(long millis, String outcome) {
            }
        };

        void waited(long millis);

        void worked(long millis, String outcome);
    }

    /** Queued and neither started nor finished (nor given up on). Not named isWaiting: it is no JSON property. */
    boolean waiting() {
        return !abandoned && queuedAt != null && startedAt == null && finishedAt == null;
    }

    /** The pass after {@code event}; a wait or duration the event completes is reported to {@code measures}. */
    GatePass apply(GateEvent event, Measures measures) {
        GatePass next;
        if (event.kind() == GateEvent.Kind.QUEUED) {
            next = queued(event.time());
        } else if (event.kind() == GateEvent.Kind.STARTED) {
            next = started(event.time());
        } else {
            next = finished(event.time(), event.outcome());
        }
        return next.measured(measures);
    }

    /** Closed without a wait: it waited longer than the gate item retention. */
    GatePass abandon() {
        return new GatePass(queuedAt, startedAt, finishedAt, outcome, waitObserved, durationObserved, true);
    }

    private GatePass queued(long time) {
        if (abandoned) {
            // A request after the abandoned one is a new pass; the abandoned pass itself stays closed.
            return time > queuedAt ? NEW.withQueuedAt(time) : this;
        }
        if (finishedAt != null && time > finishedAt) {
            return NEW.withQueuedAt(time); // queued again after its last pass ended: a new pass
        }
        if (startedAt != null && time > startedAt) {
            return this; // asked for again while already being worked on: still the same pass
        }
        if (queuedAt == null || (time < queuedAt && !waitObserved)) {
            return withQueuedAt(time); // the earliest request is when the wait began
        }
        return this;
    }

    private GatePass started(long time) {
        if (abandoned) {
            return this;
        }
        if (startedAt == null || (time < startedAt && !waitObserved)) {
            return new GatePass(queuedAt, time, finishedAt, outcome, waitObserved, durationObserved, false);
        }
        return this;
    }

    private GatePass finished(long time, String finishOutcome) {
        if (abandoned || finishedAt != null) {
            return this; // a second verdict on the same pass (another reviewer) does not change the first one
        }
        return new GatePass(queuedAt, startedAt, time, finishOutcome, waitObserved, durationObserved, false);
    }

    private GatePass withQueuedAt(long time) {
        return new GatePass(time, startedAt, finishedAt, outcome, waitObserved, durationObserved, abandoned);
    }

    private GatePass measured(Measures measures) {
        GatePass next = this;
        Long waitEnd = waitEnd();
        if (!next.waitObserved && next.queuedAt != null && waitEnd != null) {
            measures.waited(Math.max(0, waitEnd - next.queuedAt));
            next = new GatePass(queuedAt, startedAt, finishedAt, outcome, true, durationObserved, abandoned);
        }
        if (!next.durationObserved && next.startedAt != null && next.finishedAt != null) {
            measures.worked(Math.max(0, next.finishedAt - next.startedAt), next.outcome);
            next = new GatePass(queuedAt, startedAt, finishedAt, outcome, next.waitObserved, true, abandoned);
        }
        return next;
    }

    /** When the wait ended: the first of start and finish that is known. */
    private Long waitEnd() {
        if (startedAt == null) {
            return finishedAt;
        }
        return finishedAt == null ? startedAt : Math.min(startedAt, finishedAt);
    }
}
