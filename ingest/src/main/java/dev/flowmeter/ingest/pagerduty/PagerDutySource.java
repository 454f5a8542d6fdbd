package dev.flowmeter.ingest.pagerduty;

import dev.flowmeter.ingest.pagerduty.PagerDutyPayload.Event;
import dev.flowmeter.ingest.pagerduty.PagerDutyPayload.Webhook;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Unauthenticated;
import dev.flowmeter.ingest.webhook.WebhookHeaders;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WebhookSource;
import java.util.List;
import java.util.Objects;

/**
 * {@code POST /webhooks/pagerduty} for PagerDuty v3 webhook subscriptions: {@code incident.triggered} opens an incident
 * and {@code incident.resolved} resolves it, which is what time to restore is measured from. PagerDuty signs the raw
 * body with HMAC-SHA256 in {@code X-PagerDuty-Signature}; while a secret is being rotated the header lists one
 * {@code v1=<hex>} signature per secret, and one match is enough.
 */
public final class PagerDutySource implements WebhookSource {

    static final String NAME = "pagerduty";
    static final String VARIABLE = "PAGERDUTY_WEBHOOK_SECRET";
    static final String SIGNATURE = "X-PagerDuty-Signature";
    private static final String V1 = "v1=";
    private static final String VENDOR = "PagerDuty";

    private final Secret secret;
    private final PagerDutyMapper mapper;

    public PagerDutySource(Secret secret, ServiceMap services) {
        this.secret = Objects.requireNonNull(secret, "secret");
        this.mapper = new PagerDutyMapper(Objects.requireNonNull(services, "services"));
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public void authenticateHeaders(WebhookHeaders headers) {
        Unauthenticated.requireHeader(headers, SIGNATURE,
                "Flowmeter accepts only signed PagerDuty v3 webhooks, with the subscription's signing secret in "
                        + VARIABLE);
    }

    /** One HMAC, compared with every listed signature, so the time taken does not tell which one matched. */
    @Override
    public void authenticateBody(WebhookRequest request) {
        List<String> signatures = List.of(request.header(SIGNATURE).orElse("").split(","));
        if (!Hmac.matchesAny(secret, request.body(), V1, signatures)) {
            throw Unauthenticated.mismatch(SIGNATURE, VARIABLE);
        }
    }

    @Override
    public WebhookResult map(WebhookRequest request) {
        Webhook webhook = PayloadFields.read(request.json(), Webhook.class, VENDOR, "");
        Event event = PayloadFields.required(webhook.event(), "event");
        String type = PayloadFields.required(event.eventType(), "event.event_type");
        if (!type.equals(PagerDutyMapper.TRIGGERED) && !type.equals(PagerDutyMapper.RESOLVED)) {
            return WebhookResult.ignored("PagerDuty event " + type + " changes no Flowmeter metric; only "
                    + PagerDutyMapper.TRIGGERED + " and " + PagerDutyMapper.RESOLVED + " do");
        }
        return mapper.map(event);
    }
}
