package dev.flowmeter.streams.gates;

/**
 * One item's current pass through a gate, times in epoch milliseconds ({@code null} when not known yet), and
 * whether its wait and duration were already observed (each is observed exactly once per pass).
 */
record GateItem(Long queuedAt, Long startedAt, Long finishedAt, String outcome, boolean waitObserved,
        boolean durationObserved) {

    static final GateItem NEW = new GateItem(null, null, null, null, false, false);

    boolean isWaiting() {
        return queuedAt != null && startedAt == null && finishedAt == null;
    }

    GateItem withQueuedAt(long time) {
        return new GateItem(time, startedAt, finishedAt, outcome, waitObserved, durationObserved);
    }

    GateItem withStartedAt(long time) {
        return new GateItem(queuedAt, time, finishedAt, outcome, waitObserved, durationObserved);
    }

    GateItem withFinish(long time, String finishOutcome) {
        return new GateItem(queuedAt, startedAt, time, finishOutcome, waitObserved, durationObserved);
    }

    GateItem withWaitObserved() {
        return new GateItem(queuedAt, startedAt, finishedAt, outcome, true, durationObserved);
    }

    GateItem withDurationObserved() {
        return new GateItem(queuedAt, startedAt, finishedAt, outcome, waitObserved, true);
    }

    /** When the wait ended: the first of start and finish that is known. */
    Long waitEnd() {
        if (startedAt == null) {
            return finishedAt;
        }
        return finishedAt == null ? startedAt : Math.min(startedAt, finishedAt);
    }
}
