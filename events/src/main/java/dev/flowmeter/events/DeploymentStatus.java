package dev.flowmeter.events;

/** How a deployment ended. Only a successful one ships commits. */
public enum DeploymentStatus {
    SUCCESS("success"),
    FAILURE("failure");

    private final String wireName;

    DeploymentStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
