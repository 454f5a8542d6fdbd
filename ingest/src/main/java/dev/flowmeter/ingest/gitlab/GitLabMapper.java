package dev.flowmeter.ingest.gitlab;

import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.Deployment;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.FinishedJob;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.Incident;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.ManualJob;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.MergeRequest;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.Note;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.Pipeline;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.Push;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.PushCommit;
import dev.flowmeter.ingest.gitlab.GitLabPayloads.WorkItem;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WorkKinds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns GitLab payload records into delivery events. Every event id is the delivery id plus what tells the event apart
 * within the delivery, so a redelivered webhook yields the same ids. A pipeline hook repeats everything its payload
 * knows (queued, started, finished; a manual job's wait), so a lost or late earlier hook costs nothing: the gate
 * keeps the earliest queue time and the first verdict of every pass.
 */
final class GitLabMapper {

    static final String SOURCE = "gitlab";
    static final String CODE_REVIEW = "code-review";
    static final String CI = "ci";
    static final String APPROVAL = "approval:";

    private static final Set<String> MERGE_REQUEST_ACTIONS = Set.of("open", "reopen", "approved", "approval",
            "unapproved", "close", "merge");
    private static final Set<String> PIPELINE_WAITING = Set.of("created", "waiting_for_resource", "preparing",
            "pending");
    private static final Set<String> DEPLOYMENT_ENDS = Set.of("success", "failed");
    private static final Set<String> INCIDENT_ACTIONS = Set.of("open", "reopen", "close");
    private static final String INCIDENT_TYPE = "Incident";

    private static final Set<String> WORK_ITEM_ACTIONS = Set.of("open", "update", "close", "reopen");

    private final ServiceMap services;
    private final WorkKinds workKinds;

    GitLabMapper(ServiceMap services, WorkKinds workKinds) {
        this.services = services;
        this.workKinds = workKinds;
    }

    static boolean mapsMergeRequestAction(String action) {
        return MERGE_REQUEST_ACTIONS.contains(action);
    }

    static boolean mapsDeploymentStatus(String status) {
        return DEPLOYMENT_ENDS.contains(status);
    }

    static boolean mapsIncidentAction(String action) {
        return INCIDENT_ACTIONS.contains(action);
    }

    /** The actions of a work item that may change it; an {@code update} only when it gives the first assignee. */
    static boolean mapsWorkItemAction(String action) {
        return WORK_ITEM_ACTIONS.contains(action);
    }

    /**
     * Why an Issue Hook is not an incident, or empty when it is one. GitLab names the work item type from 17.2 on;
     * before that only incidents carry an escalation status, so that tells them apart.
     */
    static Optional<String> notAnIncident(String type, boolean escalationStatus) {
        if (type != null) {
            return type.equalsIgnoreCase(INCIDENT_TYPE) ? Optional.empty() : Optional.of("a work item of type '"
                    + type + "' is not an incident; Flowmeter reads work items of type " + INCIDENT_TYPE);
        }
        return escalationStatus ? Optional.empty() : Optional.of("the issue is not an incident: it has neither "
                + "object_attributes.type " + INCIDENT_TYPE + " (GitLab 17.2 and later) nor an escalation_status "
                + "(which GitLab sends for incidents only)");
    }

    /**
     * One commit event per pushed commit. GitLab lists the commits oldest first, so each one's parent is the one listed
     * before it, and the first one's is {@code before}, unless the branch is new (no parent known) or GitLab left
     * older commits out of the list (their parent is not {@code before}).
     */
    WebhookResult push(String delivery, Push push) {
        if (GitLabPayloads.isZeros(push.after())) {
            return WebhookResult.ignored("a branch deletion ships nothing");
        }
        if (push.commits().isEmpty()) {
            return WebhookResult.ignored("the push carries no new commits");
        }
        boolean split = services.splitsByPath(push.project());
        String parent = GitLabPayloads.isZeros(push.before()) || push.truncated() ? null : push.before();
        List<DeliveryEvent> events = new ArrayList<>();
        for (PushCommit commit : push.commits()) {
            List<String> parents = parent == null ? List.of() : List.of(parent);
            if (split) {
                for (String service : services.services(push.project(), commit.paths())) {
                    events.add(new CommitRecorded(id(delivery, "commit", commit.sha(), service), commit.time(),
                            service, commit.sha(), parents, commit.subject(), List.of()));
                }
            } else {
                events.add(new CommitRecorded(id(delivery, "commit", commit.sha()), commit.time(),
                        services.service(push.project()), commit.sha(), parents, commit.subject(), List.of()));
            }
            parent = commit.sha();
        }
        return WebhookResult.of(events);
    }

    /**
     * Code review as a gate per merge request (item = its iid): opened or reopened, queued; approved, passed; merged,
     * passed too (a project without required approvals merges unapproved) and the merge commit linked to the head,
     * so a squash or merge commit carries the lead time of the reviewed commits; closed unmerged, failed;
     * approval revoked, queued again.
     *
     * <p>Beside the gate, the merge request's life as a change (same iid): opened, reviewed (an approval by someone
     * other than its author; {@code approval} is each approver's, {@code approved} the one that met the rules), merged
     * or closed.
     */
    WebhookResult mergeRequest(String delivery, MergeRequest request) {
        String service = services.service(request.project());
        String item = request.iid();
        String action = request.action();
        String id = id(delivery, "merge-request", item, action);
        switch (action) {
            case "open":
                return WebhookResult.of(List.of(new GateQueued(id, request.createdAt(), service, CODE_REVIEW, item),
                        opened(delivery, request, request.createdAt(), service)));
            case "reopen":
                // Open again from the reopening, as a reopened incident is.
                return WebhookResult.of(List.of(new GateQueued(id, request.updatedAt(), service, CODE_REVIEW, item),
                        opened(delivery, request, request.updatedAt(), service)));
            case "unapproved":
                return WebhookResult.of(List.of(new GateQueued(id, request.updatedAt(), service, CODE_REVIEW, item)));
            case "approved": {
                List<DeliveryEvent> events = new ArrayList<>();
                events.add(new GateFinished(id, request.updatedAt(), service, CODE_REVIEW, item, GateOutcome.PASSED));
                if (notAReview(request).isEmpty()) {
                    events.add(reviewed(delivery, item, request.updatedAt(), service));
                }
                return WebhookResult.of(events);
            }
            case "approval": {
                Optional<String> notAReview = notAReview(request);
                if (notAReview.isPresent()) {
                    return WebhookResult.ignored("one approval moves no gate (approved does, once the rules are met), "
                            + "and " + notAReview.get());
                }
                return WebhookResult.of(List.of(reviewed(delivery, item, request.updatedAt(), service)));
            }
            case "close":
                return WebhookResult.of(List.of(
                        new GateFinished(id, request.updatedAt(), service, CODE_REVIEW, item, GateOutcome.FAILED),
                        new ChangeClosed(changeId(delivery, item, "closed"), request.updatedAt(), service, item)));
            case "merge":
                List<DeliveryEvent> events = new ArrayList<>();
                events.add(new GateFinished(id, request.updatedAt(), service, CODE_REVIEW, item, GateOutcome.PASSED));
                // GitLab sends no merged_at: updated_at is when the merge happened. A fast-forward merge has no merge
                // commit; the head commit itself is on the target branch and arrives with the push.
                if (request.mergeCommitSha() != null && !request.mergeCommitSha().equals(request.headSha())) {
                    events.add(new CommitRecorded(id(delivery, "commit", request.mergeCommitSha()),
                            request.updatedAt(), service, request.mergeCommitSha(), List.of(request.headSha())));
                }
                // Should a later GitLab send merged_at, it is the merge time; the payload lists no commits.
                Instant mergedAt = request.mergedAt() != null ? request.mergedAt() : request.updatedAt();
                events.add(new ChangeMerged(changeId(delivery, item, "merged"), mergedAt, service, item,
                        request.landedSha(), List.of()));
                return WebhookResult.of(events);
            default:
                return WebhookResult.ignored("merge request action '" + action + "' changes no metric");
        }
    }

    /**
     * A comment on a merge request by someone other than its author marks it reviewed, at the comment's creation. The
     * author's own comments (answers to a review, say) do not.
     */
    WebhookResult note(String delivery, Note note) {
        if (note.authorId() == null || note.mergeRequestAuthorId() == null) {
            return WebhookResult.ignored("the note does not say who wrote it and who wrote merge request "
                    + note.iid() + " (object_attributes.author_id, merge_request.author_id), so it cannot count as "
                    + "reviewed by someone other than the author");
        }
        if (note.authorId().equals(note.mergeRequestAuthorId())) {
            return WebhookResult.ignored("the note is by the author of merge request " + note.iid()
                    + ", so it does not count as reviewed");
        }
        return WebhookResult.of(List.of(new ChangeReviewed(changeId(delivery, note.iid(), "reviewed"),
                note.createdAt(), services.service(note.project()), note.iid())));
    }

    private static ChangeOpened opened(String delivery, MergeRequest request, Instant time, String service) {
        return new ChangeOpened(changeId(delivery, request.iid(), "opened"), time, service, request.iid(),
                request.headSha(), List.of(), request.target(), request.title(), request.url(), request.branch(),
                List.of());
    }

    private static ChangeReviewed reviewed(String delivery, String item, Instant time, String service) {
        return new ChangeReviewed(changeId(delivery, item, "reviewed"), time, service, item);
    }

    /** Why an approval is not a review by someone else, if it is not: its author approved, or the payload is silent. */
    private static Optional<String> notAReview(MergeRequest request) {
        if (request.actorId() == null || request.authorId() == null) {
            return Optional.of("the payload does not say who approved and who wrote merge request " + request.iid()
                    + " (user.id, object_attributes.author_id), so it cannot count as reviewed by someone other "
                    + "than the author");
        }
        if (request.actorId().equals(request.authorId())) {
            return Optional.of("the approval is by the author of merge request " + request.iid()
                    + ", so it does not count as reviewed");
        }
        return Optional.empty();
    }

    /**
     * The pipeline as an item of gate {@code ci}, plus every manual job that deploys to an environment as an item of
     * gate {@code approval:<environment>}: it waits from when it could be played until it starts.
     */
    WebhookResult pipeline(String delivery, Pipeline pipeline) {
        String service = services.service(pipeline.project());
        String item = pipeline.id();
        String status = pipeline.status();
        List<DeliveryEvent> events = new ArrayList<>();
        String reason = null;
        GateQueued queued = new GateQueued(id(delivery, "pipeline", item, "queued"), pipeline.createdAt(), service, CI,
                item);
        if (PIPELINE_WAITING.contains(status)) {
            events.add(queued);
        } else if ("running".equals(status)) {
            events.add(queued);
            events.add(started(delivery, pipeline, service));
        } else if ("success".equals(status) || "failed".equals(status)) {
            events.add(queued);
            if (pipeline.ran()) {
                events.add(started(delivery, pipeline, service));
            }
            events.add(new GateFinished(id(delivery, "pipeline", item, "finished"), pipeline.finishedAt(), service, CI,
                    item, "success".equals(status) ? GateOutcome.PASSED : GateOutcome.FAILED));
        } else if ("canceled".equals(status) && !pipeline.ran() && pipeline.finishedAt() != null) {
            // Canceled before it ever ran (say, superseded by a newer push): its wait ends here, or it would count as
            // waiting forever. Having never started, it gets no duration, so the outcome is recorded but not measured.
            events.add(queued);
            events.add(new GateFinished(id(delivery, "pipeline", item, "finished"), pipeline.finishedAt(), service, CI,
                    item, GateOutcome.FAILED));
        } else if ("canceled".equals(status)) {
            reason = "a pipeline canceled after it started has no verdict";
        } else if ("manual".equals(status)) {
            reason = "the pipeline waits for a manual job that deploys nowhere";
        } else {
            reason = "pipeline status '" + status + "' changes no metric";
        }
        for (ManualJob job : pipeline.manualJobs()) {
            approval(delivery, pipeline, job, service, events);
        }
        return events.isEmpty() ? WebhookResult.ignored(reason) : WebhookResult.of(events);
    }

    /**
     * An incident of the project's service, named {@code gitlab:<project>#<iid>} (GitLab's own reference to it), so
     * that its opening, reopening and close pair whichever deliveries carried them.
     */
    WebhookResult incident(String delivery, Incident incident) {
        String service = services.service(incident.project());
        String name = Identifiers.incidentId(SOURCE, incident.project() + "#" + incident.iid());
        String id = id(delivery, "incident", incident.iid(), incident.action());
        DeliveryEvent event = "close".equals(incident.action())
                ? new IncidentResolved(id, incident.time(), service, name, "", "")
                : new IncidentOpened(id, incident.time(), service, name, "", "");
        return WebhookResult.of(List.of(event));
    }

    /**
     * A work item of the project's service, {@code #<iid>}: opened (and started at once when it is opened with an
     * assignee), started (its first assignee), closed (done; or cancelled when the close moved it to another project
     * or marked it a duplicate), reopened.
     */
    WebhookResult workItem(String delivery, WorkItem item) {
        EventType type = switch (item.action()) {
            case "open" -> EventType.WORK_CREATED;
            case "update" -> EventType.WORK_STARTED;
            case "reopen" -> EventType.WORK_REOPENED;
            default -> item.closedAway() ? EventType.WORK_CANCELLED : EventType.WORK_DONE;
        };
        String service = services.service(item.project());
        WorkKind kind = workKinds.kindOf(Optional.ofNullable(item.type()), item.labels());
        List<DeliveryEvent> events = new ArrayList<>();
        events.add(new WorkItemChanged(id(delivery, "work", item.iid(), item.action()), type, item.time(), service,
                item.item(), kind, item.title(), item.url(), item.release()));
        if (item.assignedAtOpen()) {
            events.add(new WorkItemChanged(id(delivery, "work", item.iid(), item.action(), "assigned"),
                    EventType.WORK_STARTED, item.time(), service, item.item(), kind, item.title(), item.url(),
                    item.release()));
        }
        return WebhookResult.of(events);
    }

    /** A successful or failed deployment; its commits are derived from history, starting at the deployed sha. */
    WebhookResult deployment(String delivery, Deployment deployment) {
        DeploymentStatus status = "success".equals(deployment.status())
                ? DeploymentStatus.SUCCESS : DeploymentStatus.FAILURE;
        return WebhookResult.of(List.of(new DeploymentFinished(id(delivery, "deployment", deployment.id()),
                deployment.time(), services.service(deployment.project()), environment(deployment.environment()),
                deployment.sha(), status, List.of())));
    }

    /**
     * A bounded environment name for labels: the folder of a dynamic environment ({@code review/feature-x} gives
     * {@code review}, so one branch is not one time series), with characters outside the contract replaced.
     */
    static String environment(String name) {
        int slash = name.indexOf('/');
        String folder = slash > 0 ? name.substring(0, slash) : name;
        String label = folder.strip().replaceAll("[^A-Za-z0-9._:-]+", "-");
        return label.length() <= EventJson.MAX_NAME_LENGTH ? label : label.substring(0, EventJson.MAX_NAME_LENGTH);
    }

    static String approvalGate(String environment) {
        String gate = APPROVAL + environment(environment);
        return gate.length() <= EventJson.MAX_NAME_LENGTH ? gate : gate.substring(0, EventJson.MAX_NAME_LENGTH);
    }

    private static GateStarted started(String delivery, Pipeline pipeline, String service) {
        // No started_at in the payload: queued_duration is started_at - created_at in whole seconds, and GitLab sends
        // null rather than 0 for a pipeline that started at once.
        Duration queuedFor = pipeline.queuedFor() == null ? Duration.ZERO : pipeline.queuedFor();
        return new GateStarted(id(delivery, "pipeline", pipeline.id(), "started"),
                pipeline.createdAt().plus(queuedFor), service, CI, pipeline.id());
    }

    private static void approval(String delivery, Pipeline pipeline, ManualJob job, String service,
            List<DeliveryEvent> events) {
        boolean deploys = job.environment() != null
                && (job.environmentAction() == null || "start".equals(job.environmentAction()));
        if (!deploys) {
            return; // optional manual tasks, and jobs that stop an environment, are nobody's gate
        }
        String gate = approvalGate(job.environment());
        if ("manual".equals(job.status()) || job.startedAt() != null) {
            events.add(new GateQueued(id(delivery, "job", job.id(), "queued"), playableAt(pipeline, job), service,
                    gate, job.id()));
        }
        if (job.startedAt() != null) {
            // Someone played it: the approval is given, and the deployment itself is not time at the gate.
            events.add(new GateFinished(id(delivery, "job", job.id(), "finished"), job.startedAt(), service, gate,
                    job.id(), GateOutcome.PASSED));
        }
    }

    /**
     * When a manual job could first be played: once every job of the earlier stages finished. GitLab sends no time for
     * that; a job's created_at is when its pipeline was created, which would count the whole run before it as
     * waiting for approval. A job that {@code needs} fewer jobs may have been playable earlier.
     */
    private static Instant playableAt(Pipeline pipeline, ManualJob job) {
        int stage = pipeline.stages().indexOf(job.stage());
        Instant playable = job.createdAt();
        for (FinishedJob other : pipeline.finishedJobs()) {
            int otherStage = pipeline.stages().indexOf(other.stage());
            if (otherStage >= 0 && otherStage < stage && other.finishedAt().isAfter(playable)) {
                playable = other.finishedAt();
            }
        }
        return playable;
    }

    private static String changeId(String delivery, String iid, String what) {
        return id(delivery, "change", iid, what);
    }

    private static String id(String delivery, String... parts) {
        return Identifiers.eventId(SOURCE, delivery, parts);
    }
}
