package dev.flowmeter.events;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of delivery event Flowmeter understands, with the names they carry on the wire. */
public enum EventType {
    COMMIT("commit"),
    ARTIFACT("artifact"),
    DEPLOYMENT("deployment"),
    GATE_QUEUED("gate.queued"),
    GATE_STARTED("gate.started"),
    GATE_FINISHED("gate.finished"),
    INCIDENT_OPENED("incident.opened"),
    INCIDENT_RESOLVED("incident.resolved"),
    CHANGE_OPENED("change.opened"),
    CHANGE_REVIEWED("change.reviewed"),
    CHANGE_MERGED("change.merged"),
    CHANGE_CLOSED("change.closed"),
    ENVIRONMENT_REQUESTED("environment.requested"),
    ENVIRONMENT_READY("environment.ready"),
    ENVIRONMENT_DELETED("environment.deleted"),
    WORK_CREATED("work.created"),
    WORK_STARTED("work.started"),
    WORK_DONE("work.done"),
    WORK_REOPENED("work.reopened"),
    WORK_CANCELLED("work.cancelled");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON and in the {@code type} label of {@code flowmeter_events_total}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** All wire names, comma separated, for error messages. */
    public static String wireNames() {
        return String.join(", ", Arrays.stream(values()).map(EventType::wireName).toList());
    }
}
