package dev.flowmeter.ingest.pagerduty;

import static dev.flowmeter.ingest.pagerduty.PagerDutySource.NAME;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.pagerduty.PagerDutyPayload.Event;
import dev.flowmeter.ingest.pagerduty.PagerDutyPayload.Incident;
import dev.flowmeter.ingest.pagerduty.PagerDutyPayload.Reference;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookResult;
import java.time.Instant;
import java.util.List;

/**
 * PagerDuty incident events to Flowmeter incidents. PagerDuty knows nothing of environments or commits, so both stay
 * empty; the incident's service is the PagerDuty service, renamed to a value stream by the service map.
 */
final class PagerDutyMapper {

    static final String TRIGGERED = "incident.triggered";
    static final String RESOLVED = "incident.resolved";

    private final ServiceMap services;

    PagerDutyMapper(ServiceMap services) {
        this.services = services;
    }

    WebhookResult map(Event event) {
        String delivery = PayloadFields.required(event.id(), "event.id");
        Incident incident = PayloadFields.required(event.data(), "event.data");
        String id = incidentId(PayloadFields.required(incident.id(), "event.data.id"));
        Instant time = PayloadFields.time(event.occurredAt(), "event.occurred_at");
        String service = service(PayloadFields.required(incident.service(), "event.data.service"));
        DeliveryEvent mapped = event.eventType().equals(TRIGGERED)
                ? new IncidentOpened(Identifiers.eventId(NAME, delivery), time, service, id, "", "")
                : new IncidentResolved(Identifiers.eventId(NAME, delivery), time, service, id, "", "");
        return WebhookResult.of(List.of(mapped));
    }

    /**
     * PagerDuty incident ids are short codes ({@code PGR0VU2}), so one longer than an event's incident may be is not
     * PagerDuty's and is refused, rather than replaced by a hash that would hide what was sent.
     */
    private static String incidentId(String id) {
        if (id.length() > EventJson.MAX_ITEM_LENGTH) {
            String problem = "must be at most " + EventJson.MAX_ITEM_LENGTH + " characters";
            throw Rejected.invalidPayload("the payload's event.data.id " + problem + "; PagerDuty incident ids are "
                    + "short codes such as PGR0VU2", List.of(new FieldError("event.data.id", problem)));
        }
        return id;
    }

    /**
     * The service map is asked for the PagerDuty service's name, then for its id (which survives renames in
     * PagerDuty); without a mapping the name itself is the service, made fit for a service name.
     */
    private String service(Reference reference) {
        String summary = reference.summary();
        if (summary != null && !summary.isBlank() && !services.service(summary).equals(summary)) {
            return serviceName(services.service(summary), "event.data.service.summary");
        }
        String id = reference.id();
        if (id != null && !id.isBlank() && !services.service(id).equals(id)) {
            return serviceName(services.service(id), "event.data.service.id");
        }
        if (summary != null && !summary.isBlank()) {
            return serviceName(summary, "event.data.service.summary");
        }
        return serviceName(PayloadFields.required(id, "event.data.service.summary"), "event.data.service.id");
    }

    /** The rule every source shares for service names; the 400 names the PagerDuty service. */
    private static String serviceName(String name, String field) {
        return PayloadFields.serviceName(name, "PagerDuty service '" + name + "'", field);
    }
}
