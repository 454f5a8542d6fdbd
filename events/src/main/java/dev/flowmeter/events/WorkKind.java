package dev.flowmeter.events;

/**
 * The four kinds of work item of the Flow Framework: what a tracker's issue is to the business. A tracker's issue types
 * and labels map to them ({@code FLOWMETER_WORK_KINDS}).
 */
public enum WorkKind {
    /** New value a customer asked for: a story, a feature, an epic. */
    FEATURE("feature"),
    /** Something that does not work as it should: a bug. */
    DEFECT("defect"),
    /** Security, compliance or another exposure to close. */
    RISK("risk"),
    /** Work on the system itself: a task, a chore, a refactoring. */
    DEBT("debt");

    private final String wireName;

    WorkKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
