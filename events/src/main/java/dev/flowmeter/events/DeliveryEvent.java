package dev.flowmeter.events;

import java.time.Instant;

/**
 * Something that happened in a value stream, normalised from whatever tool reported it. Every event names the
 * service (value stream) it belongs to, which is also its Kafka key, and the time it happened at the source.
 */
public sealed interface DeliveryEvent
        permits CommitRecorded, ArtifactBuilt, DeploymentFinished, GateQueued, GateStarted, GateFinished,
        IncidentOpened, IncidentResolved, ChangeOpened, ChangeReviewed, ChangeMerged, ChangeClosed,
        EnvironmentRequested, EnvironmentReady, EnvironmentDeleted, WorkItemChanged {

    /** Unique per event; a second event with the same id in the same service is a redelivery. */
    String id();

    EventType type();

    /** When it happened at the source, not when Flowmeter heard of it. */
    Instant time();

    String service();
}
