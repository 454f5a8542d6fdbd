package dev.flowmeter.ingest.azuredevops;

import dev.flowmeter.ingest.azuredevops.AzurePayload.Envelope;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Unauthenticated;
import dev.flowmeter.ingest.webhook.WebhookHeaders;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WebhookSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /webhooks/azure-devops} for Azure DevOps service hooks ("Web Hooks" subscriptions). Azure DevOps does not
 * sign its calls; a subscription sends HTTP basic authentication instead, checked here against
 * {@code AZURE_DEVOPS_USER} and {@code AZURE_DEVOPS_PASSWORD}. Redeliveries are recognised by the body's {@code id}.
 */
public final class AzureDevOpsSource implements WebhookSource {

    static final String NAME = "azure-devops";
    static final String CODE_REVIEW = "code-review";
    static final String CI = "ci";
    /** How messages name the sender: "... does not have the type Azure DevOps sends". */
    static final String VENDOR = "Azure DevOps";
    static final String USER_VARIABLE = "AZURE_DEVOPS_USER";
    static final String PASSWORD_VARIABLE = "AZURE_DEVOPS_PASSWORD";
    private static final String AUTHORIZATION = "Authorization";
    private static final String BASIC = "Basic ";
    private static final String CREDENTIAL = "Authorization (basic)";

    private final byte[] user;
    private final Secret password;
    private final AzureMapper mapper;

    public AzureDevOpsSource(String user, Secret password, ServiceMap services) {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("the user must not be empty");
        }
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = Objects.requireNonNull(password, "password");
        this.mapper = new AzureMapper(Objects.requireNonNull(services, "services"));
    }

    @Override
    public String name() {
        return NAME;
    }


    /**
     * Both the user and the password are compared, each in constant time, whatever the first comparison gave; the
     * credentials are the whole proof, so the body is never read for wrong ones.
     */
    @Override
    public void authenticateHeaders(WebhookHeaders headers) {
        Optional<String> header = headers.header(AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, BASIC, 0, BASIC.length()));
        if (header.isEmpty()) {
            throw Unauthenticated.missing(CREDENTIAL, "set basic authentication on the Azure DevOps service hook to "
                    + "the values of " + USER_VARIABLE + " and " + PASSWORD_VARIABLE);
        }
        String credentials = decode(header.get().substring(BASIC.length()).trim());
        int colon = credentials.indexOf(':');
        boolean userMatches = colon >= 0
                && MessageDigest.isEqual(user, credentials.substring(0, colon).getBytes(StandardCharsets.UTF_8));
        boolean passwordMatches = colon >= 0 && password.matches(credentials.substring(colon + 1));
        if (!(userMatches & passwordMatches)) {
            throw Unauthenticated.mismatch(CREDENTIAL, USER_VARIABLE + " and " + PASSWORD_VARIABLE);
        }
    }

    @Override
    public WebhookResult map(WebhookRequest request) {
        Envelope envelope = PayloadFields.read(request.json(), Envelope.class, VENDOR, "");
        String eventType = PayloadFields.required(envelope.eventType(), "eventType");
        if (!AzureMapper.EVENT_TYPES.contains(eventType)) {
            return WebhookResult.ignored("Azure DevOps event " + eventType + " changes no Flowmeter metric");
        }
        PayloadFields.required(envelope.id(), "id");
        return mapper.map(envelope);
    }

    /** The decoded credentials, or "" when they are not base64 (which then matches nothing). */
    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
