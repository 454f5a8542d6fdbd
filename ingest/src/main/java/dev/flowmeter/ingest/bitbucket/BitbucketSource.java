package dev.flowmeter.ingest.bitbucket;

import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Hmac;
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
 * {@code POST /webhooks/bitbucket} for Bitbucket Cloud and Bitbucket Data Center: both sign the raw body with
 * HMAC-SHA256 in {@code X-Hub-Signature: sha256=<hex>}. Their event keys do not overlap, so {@code X-Event-Key} says
 * which product sent the call and each payload is read in its own shape. Pushes become commits, pull requests the
 * {@code code-review} gate and merge links, Cloud commit statuses the {@code ci} gate.
 */
public final class BitbucketSource implements WebhookSource {

    static final String NAME = "bitbucket";
    static final String CODE_REVIEW = "code-review";
    static final String CI = "ci";
    /** How messages name the sender: "... does not have the type Bitbucket sends". */
    static final String VENDOR = "Bitbucket";
    static final String VARIABLE = "BITBUCKET_WEBHOOK_SECRET";
    static final String SIGNATURE = "X-Hub-Signature";
    static final String EVENT_KEY = "X-Event-Key";
    static final String CLOUD_DELIVERY = "X-Request-UUID";
    static final String DATA_CENTER_DELIVERY = "X-Request-Id";
    private static final String SHA256 = "sha256=";

    private final Secret secret;
    private final CloudMapper cloud;
    private final DataCenterMapper dataCenter;

    public BitbucketSource(Secret secret, ServiceMap services) {
        this.secret = Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(services, "services");
        this.cloud = new CloudMapper(services);
        this.dataCenter = new DataCenterMapper(services);
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public void authenticateHeaders(WebhookHeaders headers) {
        Unauthenticated.requireHeader(headers, SIGNATURE,
                "set a secret on the Bitbucket webhook and the same value in " + VARIABLE);
    }

    @Override
    public void authenticateBody(WebhookRequest request) {
        Hmac.requireSignature(request, secret, SIGNATURE, SHA256, VARIABLE);
    }

    @Override
    public WebhookResult map(WebhookRequest request) {
        String eventKey = request.requiredHeader(EVENT_KEY);
        boolean fromCloud = CloudMapper.EVENT_KEYS.contains(eventKey);
        if (!fromCloud && !DataCenterMapper.EVENT_KEYS.contains(eventKey)) {
            return WebhookResult.ignored("Bitbucket event " + eventKey + " changes no Flowmeter metric");
        }
        String delivery = request.header(CLOUD_DELIVERY).or(() -> request.header(DATA_CENTER_DELIVERY))
                .orElseThrow(() -> Rejected.invalidPayload("the " + CLOUD_DELIVERY + " (Bitbucket Cloud) or "
                        + DATA_CENTER_DELIVERY + " (Bitbucket Data Center) header is missing; Flowmeter needs it to "
                        + "recognise redeliveries", List.of(new FieldError(CLOUD_DELIVERY, "header is required"),
                        new FieldError(DATA_CENTER_DELIVERY, "header is required"))));
        return fromCloud ? cloud.map(eventKey, delivery, request.json())
                : dataCenter.map(eventKey, delivery, request.json());
    }
}
