package dev.flowmeter.ingest.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Unauthenticated;
import dev.flowmeter.ingest.webhook.WebhookHeaders;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WebhookSource;
import dev.flowmeter.ingest.webhook.WorkKinds;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * GitLab project and group webhooks on {@code POST /webhooks/gitlab}: pushes become commits, merge requests a
 * {@code code-review} gate and the link from a merge commit to the reviewed head, pipelines the {@code ci} gate and
 * (for manual deployment jobs) {@code approval:<environment>} gates, deployments deployments; issues of type Incident
 * open and resolve incidents, and every other issue (or work item) of a project is a work item. Merge requests and the
 * comments on them also give change events. GitLab sends its
 * secret token in plain text in {@code X-Gitlab-Token}; it is compared in constant time.
 */
public final class GitLabSource implements WebhookSource {

    public static final String NAME = GitLabMapper.SOURCE;
    static final String TOKEN_VARIABLE = "GITLAB_WEBHOOK_TOKEN";

    static final String EVENT_HEADER = "X-Gitlab-Event";
    static final String TOKEN_HEADER = "X-Gitlab-Token";
    /** Stable across GitLab's retries and manual resends (GitLab 17.4 and later). */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Unique per event, for GitLab versions before the idempotency key. */
    static final String EVENT_UUID = "X-Gitlab-Event-UUID";

    private final Secret token;
    private final GitLabMapper mapper;

    public GitLabSource(Secret token, ServiceMap services) {
        this(token, services, WorkKinds.DEFAULTS);
    }

    /** {@code workKinds}: which flow kind an issue is, from its work item type and labels. */
    public GitLabSource(Secret token, ServiceMap services, WorkKinds workKinds) {
        this.token = Objects.requireNonNull(token, "token");
        this.mapper = new GitLabMapper(Objects.requireNonNull(services, "services"),
                Objects.requireNonNull(workKinds, "workKinds"));
    }

    @Override
    public String name() {
        return NAME;
    }


    /** The token is the whole credential, so the body is never read for a wrong one. */
    @Override
    public void authenticateHeaders(WebhookHeaders headers) {
        String candidate = Unauthenticated.requireHeader(headers, TOKEN_HEADER,
                "set the webhook's secret token in GitLab to the value of " + TOKEN_VARIABLE);
        if (!token.matches(candidate)) {
            throw Unauthenticated.mismatch(TOKEN_HEADER, TOKEN_VARIABLE);
        }
    }

    @Override
    public WebhookResult map(WebhookRequest request) {
        String event = request.requiredHeader(EVENT_HEADER);
        switch (event) {
            case "Push Hook":
                return mapper.push(delivery(request), GitLabPayloads.push(request.json()));
            case "Merge Request Hook": {
                String delivery = delivery(request);
                JsonNode json = request.json();
                String action = GitLabPayloads.mergeRequestAction(json);
                if (!GitLabMapper.mapsMergeRequestAction(action)) {
                    return WebhookResult.ignored("merge request action '" + action + "' changes no metric");
                }
                return mapper.mergeRequest(delivery, GitLabPayloads.mergeRequest(json));
            }
            case "Note Hook":
            case "Confidential Note Hook": {
                String delivery = delivery(request);
                JsonNode json = request.json();
                String noteable = GitLabPayloads.noteableType(json);
                if (!noteable.equals("MergeRequest")) {
                    return WebhookResult.ignored("the note's noteable_type is '" + noteable + "', not MergeRequest; "
                            + "only comments on merge requests are reviews");
                }
                if (GitLabPayloads.isSystemNote(json)) {
                    return WebhookResult.ignored("a system note is written by GitLab itself, not by a reviewer");
                }
                return mapper.note(delivery, GitLabPayloads.note(json));
            }
            case "Pipeline Hook":
                return mapper.pipeline(delivery(request), GitLabPayloads.pipeline(request.json()));
            case "Deployment Hook": {
                String delivery = delivery(request);
                JsonNode json = request.json();
                String status = GitLabPayloads.deploymentStatus(json);
                if (!GitLabMapper.mapsDeploymentStatus(status)) {
                    return WebhookResult.ignored("deployment status '" + status
                            + "' is not an end; only success and failed are deployments");
                }
                return mapper.deployment(delivery, GitLabPayloads.deployment(json));
            }
            case "Issue Hook":
            case "Confidential Issue Hook": {
                String delivery = delivery(request);
                JsonNode json = request.json();
                Optional<String> notAnIncident = GitLabMapper.notAnIncident(GitLabPayloads.issueType(json),
                        GitLabPayloads.hasEscalationStatus(json));
                String action = GitLabPayloads.issueAction(json);
                if (notAnIncident.isPresent()) {
                    return workItem(delivery, json, action);
                }
                if (!GitLabMapper.mapsIncidentAction(action)) {
                    return WebhookResult.ignored("incident action '" + action + "' neither opens nor resolves it; "
                            + "Flowmeter reads open, reopen and close");
                }
                return mapper.incident(delivery, GitLabPayloads.incident(json));
            }
            case "Job Hook":
                return WebhookResult.ignored("a job hook does not say whether the job is manual; Flowmeter reads "
                        + "manual deployment jobs from the Pipeline Hook, so enable pipeline events instead");
            case "Tag Push Hook":
                return WebhookResult.ignored("tag pushes add no commits; branch pushes carry them");
            default:
                return WebhookResult.ignored("GitLab event '" + event + "' changes no metric; Flowmeter reads push, "
                        + "merge request, note (merge request comments), pipeline, deployment and issue (work item "
                        + "and incident) events");
        }
    }

    /** An Issue Hook of an issue, task or other work item that is not an incident. */
    private WebhookResult workItem(String delivery, JsonNode json, String action) {
        if (!GitLabMapper.mapsWorkItemAction(action)) {
            return WebhookResult.ignored("work item action '" + action + "' changes no metric; Flowmeter reads "
                    + "open, close, reopen, and the update that gives the first assignee");
        }
        if (action.equals("update") && !GitLabPayloads.firstAssigned(json)) {
            return WebhookResult.ignored("the update gives the work item no first assignee, the one change of an "
                    + "update that Flowmeter reads (it starts the work)");
        }
        if (GitLabPayloads.isWorkItem(json) && !GitLabPayloads.hasProject(json)) {
            return WebhookResult.ignored("the work item belongs to a group, not a project (an epic, say), so it "
                    + "belongs to no service");
        }
        return mapper.workItem(delivery, GitLabPayloads.workItem(json));
    }

    /** The dedup key: the idempotency key when GitLab sends one, else the event UUID. */
    private static String delivery(WebhookRequest request) {
        return request.header(IDEMPOTENCY_KEY).or(() -> request.header(EVENT_UUID)).orElseThrow(() ->
                Rejected.invalidPayload("neither the " + IDEMPOTENCY_KEY + " nor the " + EVENT_UUID + " header is "
                        + "present; Flowmeter needs one of them to count a redelivered webhook once",
                        List.of(new FieldError(IDEMPOTENCY_KEY, "header is required when " + EVENT_UUID
                                        + " is missing"),
                                new FieldError(EVENT_UUID, "header is required when " + IDEMPOTENCY_KEY
                                        + " is missing"))));
    }
}
