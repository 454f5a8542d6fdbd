package dev.flowmeter.ingest.jira;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.ingest.jira.JiraPayload.Envelope;
import dev.flowmeter.ingest.jira.JiraPayload.IssueEvent;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Unauthenticated;
import dev.flowmeter.ingest.webhook.WebhookHeaders;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WebhookSource;
import dev.flowmeter.ingest.webhook.WorkKinds;
import java.util.Objects;

/**
 * {@code POST /webhooks/jira} for Jira Cloud admin webhooks and Jira Data Center webhooks: issues created, moved
 * between statuses and deleted become work item events of the project's service. Both editions sign the raw body
 * with HMAC-SHA256 under the webhook's secret in {@code X-Hub-Signature: sha256=<hex>}. The event is named in the body
 * ({@code webhookEvent}), not in a header; Cloud names the delivery in {@code X-Atlassian-Webhook-Identifier}, which
 * its retries keep, and Data Center names it nowhere, so there the body names it.
 */
public final class JiraSource implements WebhookSource {

    static final String NAME = "jira";
    static final String VARIABLE = "JIRA_WEBHOOK_SECRET";
    static final String SIGNATURE = "X-Hub-Signature";
    static final String DELIVERY = "X-Atlassian-Webhook-Identifier";
    static final String VERSION_RELEASED = "jira:version_released";
    private static final String SHA256 = "sha256=";
    /** How messages name the sender: "... does not have the type Jira sends". */
    private static final String VENDOR = "Jira";

    private final Secret secret;
    private final JiraMapper mapper;

    public JiraSource(Secret secret, ServiceMap services, WorkKinds kinds) {
        this.secret = Objects.requireNonNull(secret, "secret");
        this.mapper = new JiraMapper(Objects.requireNonNull(services, "services"), Objects.requireNonNull(kinds,
                "kinds"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void authenticateHeaders(WebhookHeaders headers) {
        Unauthenticated.requireHeader(headers, SIGNATURE,
                "Flowmeter accepts only signed Jira webhooks: set a secret on the Jira webhook and the same value in "
                        + VARIABLE);
    }

    @Override
    public void authenticateBody(WebhookRequest request) {
        Hmac.requireSignature(request, secret, SIGNATURE, SHA256, VARIABLE);
    }

    @Override
    public WebhookResult map(WebhookRequest request) {
        JsonNode json = request.json();
        Envelope envelope = PayloadFields.read(json, Envelope.class, VENDOR, "");
        String event = PayloadFields.required(envelope.webhookEvent(), "webhookEvent");
        if (event.equals(VERSION_RELEASED)) {
            return WebhookResult.ignored("Jira event " + event + " changes no Flowmeter metric: a release is read "
                    + "from the fix versions of its work items (issue.fields.fixVersions), and a version event lists "
                    + "none of them");
        }
        if (!JiraMapper.ISSUE_EVENTS.contains(event)) {
            return WebhookResult.ignored("Jira event " + event + " changes no Flowmeter metric; only "
                    + String.join(", ", JiraMapper.ISSUE_EVENTS) + " do");
        }
        IssueEvent issueEvent = PayloadFields.readEvent(json, IssueEvent.class, VENDOR, event);
        return mapper.map(event, request.header(DELIVERY), issueEvent);
    }
}
