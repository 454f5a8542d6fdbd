package dev.flowmeter.ingest.webhook;

import dev.flowmeter.events.DeliveryEvent;
import java.util.List;

/**
 * What a source's payload turned into: delivery events to publish, or nothing with the reason why (an event type
 * Flowmeter does not use, an action that changes no metric). An ignored call is still answered 202, so the source
 * does not retry it.
 */
public record WebhookResult(List<DeliveryEvent> events, String ignoredReason) {

    public WebhookResult {
        events = List.copyOf(events);
    }

    public static WebhookResult of(List<? extends DeliveryEvent> events) {
        return new WebhookResult(List.copyOf(events), "");
    }

    public static WebhookResult ignored(String reason) {
        return new WebhookResult(List.of(), reason);
    }

    public boolean isIgnored() {
        return events.isEmpty();
    }
}
