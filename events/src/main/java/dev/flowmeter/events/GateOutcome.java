package dev.flowmeter.events;

/** How an item left a gate. */
public enum GateOutcome {
    PASSED("passed"),
    FAILED("failed");

    private final String wireName;

    GateOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
