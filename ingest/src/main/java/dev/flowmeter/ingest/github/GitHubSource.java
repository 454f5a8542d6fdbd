package dev.flowmeter.ingest.github;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
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
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * GitHub repository and organisation webhooks ({@code POST /webhooks/github}): pushes, pull requests and their
 * reviews, Actions workflow runs, deployment statuses, environment approvals, and issues: those labelled as incidents
 * are incidents, every other one a work item. A call
 * is authentic when its {@code X-Hub-Signature-256} is the HMAC-SHA256 of the raw body under
 * {@code GITHUB_WEBHOOK_SECRET}; the legacy SHA-1 signature is refused, because SHA-1 is not a signature worth
 * trusting. See docs/sources/github.md for the mapping.
 */
public final class GitHubSource implements WebhookSource {

    public static final String NAME = "github";
    static final String SECRET_VARIABLE = "GITHUB_WEBHOOK_SECRET";
    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    static final String SHA1_SIGNATURE_HEADER = "X-Hub-Signature";
    static final String EVENT_HEADER = "X-GitHub-Event";
    static final String DELIVERY_HEADER = "X-GitHub-Delivery";
    private static final String SIGNATURE_PREFIX = "sha256=";

    /** The issue label that makes an issue an incident when no other is configured. */
    public static final List<String> DEFAULT_INCIDENT_LABELS = List.of("incident");

    private final Secret secret;
    private final GitHubMapper mapper;

    public GitHubSource(Secret secret, ServiceMap services) {
        this(secret, services, DEFAULT_INCIDENT_LABELS);
    }

    /**
     * {@code incidentLabels}: the issue labels that make an issue an incident, compared without regard to case, as
     * GitHub compares label names.
     */
    public GitHubSource(Secret secret, ServiceMap services, Collection<String> incidentLabels) {
        this(secret, services, incidentLabels, WorkKinds.DEFAULTS);
    }

    /** {@code workKinds}: which flow kind an issue is, from its issue type and labels. */
    public GitHubSource(Secret secret, ServiceMap services, Collection<String> incidentLabels, WorkKinds workKinds) {
        this.secret = Objects.requireNonNull(secret, "secret");
        Set<String> labels = new LinkedHashSet<>();
        for (String label : incidentLabels) {
            if (label.isBlank()) {
                throw new IllegalArgumentException("an incident label must not be empty");
            }
            labels.add(label.strip().toLowerCase(Locale.ROOT));
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("at least one incident label is needed");
        }
        this.mapper = new GitHubMapper(Objects.requireNonNull(services, "services"),
                Collections.unmodifiableSet(labels), Objects.requireNonNull(workKinds, "workKinds"));
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public void authenticateHeaders(WebhookHeaders headers) {
        if (headers.header(SIGNATURE_HEADER).isEmpty() && headers.header(SHA1_SIGNATURE_HEADER).isPresent()) {
            throw Rejected.unauthenticated(SHA1_SIGNATURE_HEADER + " (HMAC-SHA1) is not accepted; only "
                    + SIGNATURE_HEADER + " is accepted, which GitHub sends when the webhook has a secret");
        }
        Unauthenticated.requireHeader(headers, SIGNATURE_HEADER,
                "give the GitHub webhook a secret, the same value as " + SECRET_VARIABLE);
    }

    @Override
    public void authenticateBody(WebhookRequest request) {
        Hmac.requireSignature(request, secret, SIGNATURE_HEADER, SIGNATURE_PREFIX, SECRET_VARIABLE);
    }

    @Override
    public WebhookResult map(WebhookRequest request) {
        String event = request.requiredHeader(EVENT_HEADER);
        String delivery = request.requiredHeader(DELIVERY_HEADER);
        return switch (event) {
            case "ping" -> WebhookResult.ignored("ping only checks that the webhook is set up; it changes no metric");
            case "push" -> mapper.push(read(request, Payloads.Push.class), delivery);
            case "pull_request" -> mapper.pullRequest(read(request, Payloads.PullRequestEvent.class), delivery);
            case "pull_request_review" ->
                    mapper.pullRequestReview(read(request, Payloads.PullRequestReviewEvent.class), delivery);
            case "workflow_run" -> mapper.workflowRun(read(request, Payloads.WorkflowRunEvent.class), delivery);
            case "deployment_status" ->
                    mapper.deploymentStatus(read(request, Payloads.DeploymentStatusEvent.class), delivery);
            case "deployment_review" -> mapper.deploymentReview(read(request, Payloads.DeploymentReviewEvent.class),
                    delivery, request.receivedAt());
            case "issues" -> mapper.issues(read(request, Payloads.IssuesEvent.class), delivery, request.receivedAt());
            default -> WebhookResult.ignored("GitHub '" + event + "' events are not used by Flowmeter; it reads push, "
                    + "pull_request, pull_request_review, workflow_run, deployment_status, deployment_review and "
                    + "issues");
        };
    }

    /**
     * Parses the body straight into the payload record, skipping every field the record does not name, so that even a
     * 25 MB push is never held as a whole JSON tree.
     */
    private static <T> T read(WebhookRequest request, Class<T> type) {
        byte[] body = request.body();
        if (isBlank(body)) {
            throw Rejected.invalidPayload("the request body is empty; expected a JSON payload",
                    List.of(new FieldError("", "is empty")));
        }
        T payload;
        try {
            payload = EventJson.MAPPER.readValue(body, type);
        } catch (MismatchedInputException e) {
            String field = PayloadFields.path(e);
            throw Rejected.invalidPayload(field.isEmpty() ? "the payload is not a JSON object"
                    : "the payload's " + field + " has the wrong type", List.of(new FieldError(field,
                    field.isEmpty() ? "must be a JSON object" : "has the wrong type")));
        } catch (JacksonException e) {
            throw Rejected.malformed("the request body is not valid JSON", "is not valid JSON");
        } catch (IOException e) {
            throw new IllegalStateException("reading from a byte array does no I/O", e);
        }
        if (payload == null) {
            throw Rejected.invalidPayload("the payload is not a JSON object",
                    List.of(new FieldError("", "must be a JSON object")));
        }
        return payload;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
