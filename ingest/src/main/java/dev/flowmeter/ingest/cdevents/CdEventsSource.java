package dev.flowmeter.ingest.cdevents;

import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Unauthenticated;
import dev.flowmeter.ingest.webhook.WebhookHeaders;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WebhookSource;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /webhooks/cdevents}: CDEvents (spec 0.4 and 0.5) sent as CloudEvents over HTTP, in binary mode
 * ({@code ce-*} headers, the CDEvent as the body) or structured mode ({@code application/cloudevents+json}).
 * CDEvents defines no authentication of its own, so the sender presents {@code CDEVENTS_TOKEN} as a bearer token.
 * Changes, artifacts and deployments are linked through stand-in commit ids, since CDEvents carry no git sha.
 */
public final class CdEventsSource implements WebhookSource {

    static final String NAME = "cdevents";
    static final String TOKEN_VARIABLE = "CDEVENTS_TOKEN";
    private static final String AUTHORIZATION = "Authorization";
    private static final String CREDENTIAL = "Authorization bearer token";

    private final Secret token;
    private final CdEventMapper mapper;

    public CdEventsSource(Secret token, ServiceMap services) {
        this.token = Objects.requireNonNull(token, "token");
        this.mapper = new CdEventMapper(new ServiceNames(Objects.requireNonNull(services, "services")));
    }

    @Override
    public String name() {
        return NAME;
    }


    /**
     * JSON for binary mode, the CloudEvents JSON envelope for structured mode; batches are let through here only to
     * be refused after authentication with a 415 that says what to send instead.
     */
    @Override
    public boolean accepts(String contentType) {
        return CloudEvents.isBinaryMode(contentType) || CloudEvents.isStructuredMode(contentType)
                || CloudEvents.isBatchMode(contentType);
    }

    /** The bearer token is the whole credential, so the body is never read for a wrong one. */
    @Override
    public void authenticateHeaders(WebhookHeaders headers) {
        Optional<String> presented = Unauthenticated.bearerToken(headers.header(AUTHORIZATION).orElse(null));
        if (presented.isEmpty()) {
            throw Unauthenticated.missing(CREDENTIAL, "send 'Authorization: Bearer <token>' with the value of "
                    + TOKEN_VARIABLE);
        }
        if (!token.matches(presented.get())) {
            throw Unauthenticated.mismatch(CREDENTIAL, TOKEN_VARIABLE);
        }
    }

    @Override
    public WebhookResult map(WebhookRequest request) {
        if (CloudEvents.isBatchMode(request.header("Content-Type").orElse(null))) {
            throw Rejected.unsupportedMediaType("CloudEvents batches (" + CloudEvents.BATCH + ") are not accepted; send"
                    + " each CDEvent in its own request, in binary mode (application/json with ce-* headers) or"
                    + " structured mode (" + CloudEvents.STRUCTURED + ")");
        }
        return mapper.map(CloudEvents.read(request));
    }
}
