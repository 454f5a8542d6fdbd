package dev.flowmeter.ingest.pagerduty;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The parts of a PagerDuty v3 webhook payload that Flowmeter reads; everything else is ignored when binding. */
final class PagerDutyPayload {

    private PagerDutyPayload() {
    }

    /** A service as PagerDuty references it: {@code summary} is its name, {@code id} its short code. */
    record Reference(String id, String summary) {
    }

    record Incident(String id, Reference service) {
    }

    /** The v3 envelope: {@code id} is unique per event and kept when PagerDuty retries a delivery. */
    record Event(String id, @JsonProperty("event_type") String eventType,
            @JsonProperty("occurred_at") String occurredAt, Incident data) {
    }

    record Webhook(Event event) {
    }
}
