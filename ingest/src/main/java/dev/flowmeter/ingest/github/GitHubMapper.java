package dev.flowmeter.ingest.github;

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
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Timestamps;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WorkKinds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns GitHub payloads into delivery events. Every event id is the delivery id plus what tells the events of one
 * delivery apart, so a redelivery (same {@code X-GitHub-Delivery}) yields the same ids and is counted once.
 */
final class GitHubMapper {

    static final String CODE_REVIEW = "code-review";
    static final String CI = "ci";
    static final String APPROVAL_PREFIX = "approval:";

    private static final Pattern ZERO_SHA = Pattern.compile("0{40}|0{64}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    private static final Pattern NAME_CHARACTER = Pattern.compile("[a-z0-9._:-]");
    private static final Set<String> FAILED_RUNS = Set.of("failure", "timed_out", "startup_failure", "action_required");
    private static final Set<String> RUNS_WITHOUT_VERDICT = Set.of("cancelled", "skipped", "neutral", "stale");

    /** The issues actions read of an incident (labeled and unlabeled for an incident label only). */
    private static final Set<String> INCIDENT_ACTIONS = Set.of("opened", "labeled", "reopened", "closed",
            "unlabeled");
    /** The issues actions read of a work item. */
    private static final Set<String> WORK_ACTIONS = Set.of("opened", "assigned", "closed", "reopened", "deleted",
            "transferred");
    /** The {@code state_reason}s that close an issue without doing it. */
    private static final Set<String> CANCELLING_REASONS = Set.of("not_planned", "duplicate");

    private final ServiceMap services;
    /** Lower case, in the order configured. */
    private final Set<String> incidentLabels;
    private final WorkKinds workKinds;

    GitHubMapper(ServiceMap services, Set<String> incidentLabels, WorkKinds workKinds) {
        this.services = services;
        this.incidentLabels = incidentLabels;
        this.workKinds = workKinds;
    }

    /**
     * One commit event per listed commit, each the parent of the next, the first a child of {@code before}. For a
     * repository split by path, one event per service the commit touched.
     */
    WebhookResult push(Payloads.Push push, String delivery) {
        String repository = repository(push.repository());
        if (push.deleted() || isZero(push.after())) {
            return WebhookResult.ignored("the push deleted " + (push.ref() == null ? "a ref" : push.ref())
                    + "; a deletion records no commits");
        }
        List<Payloads.Commit> commits = push.commits() == null ? List.of() : push.commits();
        if (commits.isEmpty()) {
            return WebhookResult.ignored("the push lists no commits (a tag, or a branch created at an existing "
                    + "commit); there is nothing to record");
        }
        boolean split = services.splitsByPath(repository);
        String service = split ? null : service(repository);
        String parent = push.before() == null || isZero(push.before()) ? null : sha(push.before(), "before");
        List<DeliveryEvent> events = new ArrayList<>();
        for (int i = 0; i < commits.size(); i++) {
            Payloads.Commit commit = commits.get(i);
            String field = "commits[" + i + "]";
            if (commit == null) {
                throw invalid(field, "is required");
            }
            String sha = sha(commit.id(), field + ".id");
            Instant time = time(commit.timestamp(), field + ".timestamp");
            List<String> parents = parent == null ? List.of() : List.of(parent);
            // The subject only: the topology looks for work item keys in it, and the contract keeps no more.
            String subject = PayloadFields.subject(commit.message());
            if (split) {
                // One event per service, so the service must be part of the id to keep the ids apart.
                for (String part : services.services(repository, commit.paths())) {
                    events.add(new CommitRecorded(Identifiers.eventId(GitHubSource.NAME, delivery, "commit", sha, part),
                            time, part, sha, parents, subject, List.of()));
                }
            } else {
                events.add(new CommitRecorded(Identifiers.eventId(GitHubSource.NAME, delivery, "commit", sha),
                        time, service, sha, parents, subject, List.of()));
            }
            parent = sha;
        }
        return WebhookResult.of(events);
    }

    /**
     * A review request queues the pull request at the code-review gate. Closing it leaves the gate: merged passes,
     * closed unmerged fails (the first verdict of a pass counts, so a review given before stays the verdict), and a
     * review requested but never given stops waiting. A merge also records the merge commit with the pull request's
     * head as its parent, so a squash or rebase merge still reaches the commits it replaced.
     *
     * <p>Beside the gate, the pull request's life as a change: opened (and opened again when reopened), then merged
     * or closed.
     */
    WebhookResult pullRequest(Payloads.PullRequestEvent event, String delivery) {
        String action = required(event.action(), "action");
        Payloads.PullRequest pullRequest = event.pullRequest();
        if (action.equals("opened") || action.equals("reopened")) {
            requirePresent(pullRequest, "pull_request");
            // A reopening is dated when it happened (updated_at), as a reopened incident is: the change is open
            // again from then on. created_at would put the opening before the close it undoes.
            Instant time = action.equals("opened") ? time(pullRequest.createdAt(), "pull_request.created_at")
                    : time(pullRequest.updatedAt(), "pull_request.updated_at");
            return WebhookResult.of(List.of(changeOpened(pullRequest, time, service(repository(event.repository())),
                    delivery)));
        }
        if (action.equals("review_requested")) {
            requirePresent(pullRequest, "pull_request");
            return WebhookResult.of(List.of(new GateQueued(
                    Identifiers.eventId(GitHubSource.NAME, delivery, "gate.queued"),
                    time(pullRequest.updatedAt(), "pull_request.updated_at"), service(repository(event.repository())),
                    CODE_REVIEW, number(pullRequest))));
        }
        if (!action.equals("closed")) {
            return WebhookResult.ignored("pull_request action '" + action + "' changes no metric; Flowmeter reads "
                    + "opened, reopened, review_requested and closed");
        }
        requirePresent(pullRequest, "pull_request");
        String service = service(repository(event.repository()));
        Instant closedAt = time(pullRequest.closedAt(), "pull_request.closed_at");
        GateFinished leftReview = new GateFinished(Identifiers.eventId(GitHubSource.NAME, delivery, "gate.finished"),
                closedAt, service, CODE_REVIEW, number(pullRequest),
                pullRequest.merged() ? GateOutcome.PASSED : GateOutcome.FAILED);
        if (!pullRequest.merged()) {
            return WebhookResult.of(List.of(leftReview, new ChangeClosed(changeId(delivery, "change.closed"),
                    closedAt, service, number(pullRequest))));
        }
        String mergeCommit = sha(pullRequest.mergeCommitSha(), "pull_request.merge_commit_sha");
        requirePresent(pullRequest.head(), "pull_request.head");
        String head = sha(pullRequest.head().sha(), "pull_request.head.sha");
        Instant mergedAt = time(pullRequest.mergedAt(), "pull_request.merged_at");
        // The payload does not list the pull request's commits; they are linked through the merge commit's parent.
        ChangeMerged merged = new ChangeMerged(changeId(delivery, "change.merged"), mergedAt, service,
                number(pullRequest), mergeCommit, List.of());
        if (mergeCommit.equals(head)) {
            // A fast-forward: the push of the base branch records the commit.
            return WebhookResult.of(List.of(leftReview, merged));
        }
        return WebhookResult.of(List.of(leftReview, new CommitRecorded(
                Identifiers.eventId(GitHubSource.NAME, delivery, "commit", mergeCommit), mergedAt, service,
                mergeCommit, List.of(head)), merged));
    }

    private static ChangeOpened changeOpened(Payloads.PullRequest pullRequest, Instant time, String service,
            String delivery) {
        requirePresent(pullRequest.head(), "pull_request.head");
        requirePresent(pullRequest.base(), "pull_request.base");
        return new ChangeOpened(changeId(delivery, "change.opened"), time, service, number(pullRequest),
                sha(pullRequest.head().sha(), "pull_request.head.sha"), List.of(),
                PayloadFields.branch(pullRequest.base().ref(), "pull_request.base.ref"),
                PayloadFields.title(pullRequest.title()), PayloadFields.url(pullRequest.htmlUrl()),
                PayloadFields.sourceBranch(pullRequest.head().ref()), List.of());
    }

    /**
     * An approval passes the pull request's code-review gate, a request for changes fails it. Any submitted review by
     * someone other than the pull request's author, a comment too, also marks the change as reviewed; the author's
     * own reviews do not.
     */
    WebhookResult pullRequestReview(Payloads.PullRequestReviewEvent event, String delivery) {
        String action = required(event.action(), "action");
        if (!action.equals("submitted")) {
            return WebhookResult.ignored("pull_request_review action '" + action + "' changes no metric; Flowmeter "
                    + "reads submitted reviews");
        }
        requirePresent(event.review(), "review");
        String state = required(event.review().state(), "review.state").toLowerCase(Locale.ROOT);
        GateOutcome outcome = null;
        if (state.equals("approved")) {
            outcome = GateOutcome.PASSED;
        } else if (state.equals("changes_requested")) {
            outcome = GateOutcome.FAILED;
        }
        Optional<String> notAReview = notAReview(event);
        if (outcome == null && notAReview.isPresent()) {
            return WebhookResult.ignored("a review in state '" + state + "' is not a verdict (Flowmeter reads "
                    + "approved and changes_requested), and " + notAReview.get());
        }
        requirePresent(event.pullRequest(), "pull_request");
        Instant time = time(event.review().submittedAt(), "review.submitted_at");
        String service = service(repository(event.repository()));
        String number = number(event.pullRequest());
        List<DeliveryEvent> events = new ArrayList<>();
        if (outcome != null) {
            events.add(new GateFinished(Identifiers.eventId(GitHubSource.NAME, delivery, "gate.finished"), time,
                    service, CODE_REVIEW, number, outcome));
        }
        if (notAReview.isEmpty()) {
            events.add(new ChangeReviewed(changeId(delivery, "change.reviewed"), time, service, number));
        }
        return WebhookResult.of(events);
    }

    /**
     * Why a review does not count as someone else's review of the change, if it does not: its author wrote the pull
     * request (GitHub logins are not case sensitive), or the payload does not say who wrote either.
     */
    private static Optional<String> notAReview(Payloads.PullRequestReviewEvent event) {
        String reviewer = event.review().user() == null ? null : event.review().user().login();
        String author = event.pullRequest() == null || event.pullRequest().user() == null
                ? null : event.pullRequest().user().login();
        if (reviewer == null || author == null) {
            return Optional.of("the payload does not say who wrote the review and the pull request, so it cannot "
                    + "count as reviewed by someone other than the author");
        }
        if (reviewer.equalsIgnoreCase(author)) {
            return Optional.of("it is by the pull request's author, " + author + ", so it does not count as reviewed");
        }
        return Optional.empty();
    }

    /** A workflow run passes through the {@code ci} gate: requested, in progress, completed. */
    WebhookResult workflowRun(Payloads.WorkflowRunEvent event, String delivery) {
        String action = required(event.action(), "action");
        Payloads.WorkflowRun run = event.workflowRun();
        requirePresent(run, "workflow_run");
        if (action.equals("requested")) {
            // A re-run keeps the run's id and created_at; run_started_at is reset when the attempt is requested.
            boolean rerun = run.runAttempt() != null && run.runAttempt() > 1 && run.runStartedAt() != null;
            Instant queued = rerun ? time(run.runStartedAt(), "workflow_run.run_started_at")
                    : time(run.createdAt(), "workflow_run.created_at");
            return WebhookResult.of(List.of(new GateQueued(gateId(delivery, "gate.queued"), queued,
                    service(repository(event.repository())), CI, runId(run))));
        }
        if (action.equals("in_progress")) {
            // run_started_at is when the attempt was created, not when a runner took it; updated_at is the change to
            // in_progress this delivery reports.
            return WebhookResult.of(List.of(new GateStarted(gateId(delivery, "gate.started"),
                    time(run.updatedAt(), "workflow_run.updated_at"), service(repository(event.repository())), CI,
                    runId(run))));
        }
        if (!action.equals("completed")) {
            return WebhookResult.ignored("workflow_run action '" + action + "' changes no metric; Flowmeter reads "
                    + "requested, in_progress and completed");
        }
        String conclusion = required(run.conclusion(), "workflow_run.conclusion").toLowerCase(Locale.ROOT);
        Instant time = time(run.updatedAt(), "workflow_run.updated_at");
        String service = service(repository(event.repository()));
        if (conclusion.equals("success") || FAILED_RUNS.contains(conclusion)) {
            GateOutcome outcome = conclusion.equals("success") ? GateOutcome.PASSED : GateOutcome.FAILED;
            return WebhookResult.of(List.of(new GateFinished(gateId(delivery, "gate.finished"), time, service, CI,
                    runId(run), outcome)));
        }
        if (RUNS_WITHOUT_VERDICT.contains(conclusion)) {
            // Not a verdict, so no gate.finished; but the run has left the queue. Without this a run cancelled or
            // skipped before a runner took it would count as waiting forever. For a run already in progress it
            // changes nothing: only the first start counts.
            return WebhookResult.of(List.of(new GateStarted(gateId(delivery, "gate.started"), time, service, CI,
                    runId(run))));
        }
        return WebhookResult.ignored("a workflow run concluded '" + conclusion + "' is not a conclusion Flowmeter "
                + "knows");
    }

    /**
     * A deployment status that is a result becomes a deployment; {@code waiting} queues the run at the environment's
     * approval gate.
     */
    WebhookResult deploymentStatus(Payloads.DeploymentStatusEvent event, String delivery) {
        requirePresent(event.deploymentStatus(), "deployment_status");
        requirePresent(event.deployment(), "deployment");
        String state = required(event.deploymentStatus().state(), "deployment_status.state")
                .toLowerCase(Locale.ROOT);
        DeploymentStatus status;
        if (state.equals("success")) {
            status = DeploymentStatus.SUCCESS;
        } else if (state.equals("failure") || state.equals("error")) {
            status = DeploymentStatus.FAILURE;
        } else if (state.equals("waiting")) {
            return approvalQueued(event, delivery);
        } else {
            return WebhookResult.ignored("deployment status '" + state + "' is neither a result nor a wait for "
                    + "approval; Flowmeter reads success, failure, error and waiting");
        }
        String environment = name(event.deployment().environment(), "deployment.environment",
                EventJson.MAX_NAME_LENGTH);
        return WebhookResult.of(List.of(new DeploymentFinished(
                Identifiers.eventId(GitHubSource.NAME, delivery, "deployment"),
                time(event.deploymentStatus().createdAt(), "deployment_status.created_at"),
                service(repository(event.repository())), environment,
                sha(event.deployment().sha(), "deployment.sha"), status, List.of())));
    }

    private WebhookResult approvalQueued(Payloads.DeploymentStatusEvent event, String delivery) {
        if (event.workflowRun() == null || event.workflowRun().id() == null) {
            return WebhookResult.ignored("a waiting deployment status without a workflow run cannot be matched with "
                    + "its approval, which GitHub reports per workflow run");
        }
        String gate = approvalGate(event.deployment().environment(), "deployment.environment");
        return WebhookResult.of(List.of(new GateQueued(gateId(delivery, "gate.queued"),
                time(event.deploymentStatus().createdAt(), "deployment_status.created_at"),
                service(repository(event.repository())), gate, runId(event.workflowRun()))));
    }

    /**
     * Environment approvals of a workflow run: requested queues the run at {@code approval:<environment>}, approved
     * and rejected finish it there, for every environment the decision covered.
     */
    WebhookResult deploymentReview(Payloads.DeploymentReviewEvent event, String delivery, Instant receivedAt) {
        String action = required(event.action(), "action");
        boolean approved = action.equals("approved");
        if (!approved && !action.equals("rejected") && !action.equals("requested")) {
            return WebhookResult.ignored("deployment_review action '" + action + "' changes no metric; Flowmeter "
                    + "reads requested, approved and rejected");
        }
        if (event.workflowRun() == null || event.workflowRun().id() == null) {
            return WebhookResult.ignored("a deployment review without a workflow run cannot be matched with the run "
                    + "it holds back");
        }
        String item = runId(event.workflowRun());
        String service = service(repository(event.repository()));
        Instant since = time(event.since(), "since");
        if (action.equals("requested")) {
            String environment = event.environment() != null || event.workflowJobRun() == null
                    ? event.environment() : event.workflowJobRun().environment();
            return WebhookResult.of(List.of(new GateQueued(gateId(delivery, "gate.queued"), since, service,
                    approvalGate(environment, "environment"), item)));
        }
        Map<String, Instant> decidedAt = decisionTimes(event, since, receivedAt);
        GateOutcome outcome = approved ? GateOutcome.PASSED : GateOutcome.FAILED;
        List<DeliveryEvent> events = new ArrayList<>();
        decidedAt.forEach((gate, time) -> events.add(new GateFinished(
                Identifiers.eventId(GitHubSource.NAME, delivery, "gate.finished", gate), time, service, gate, item,
                outcome)));
        return WebhookResult.of(events);
    }

    /**
     * The payload has no decision time ({@code since} is when the wait began). Approving or rejecting moves the job
     * runs that waited on the environment on, so the newest {@code updated_at} among them is the decision; if none is
     * later than {@code since}, the delivery's arrival, which GitHub sends as the decision is made.
     */
    private Map<String, Instant> decisionTimes(Payloads.DeploymentReviewEvent event, Instant since,
            Instant receivedAt) {
        List<Payloads.JobRun> jobs = new ArrayList<>();
        String field = "workflow_job_runs";
        if (event.workflowJobRuns() != null) {
            jobs.addAll(event.workflowJobRuns());
        }
        if (jobs.isEmpty() && event.workflowJobRun() != null) {
            jobs.add(event.workflowJobRun());
            field = "workflow_job_run";
        }
        if (jobs.isEmpty()) {
            throw invalid("workflow_job_runs", "is required: it names the environments the decision covers");
        }
        Map<String, Instant> latest = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            Payloads.JobRun job = jobs.get(i);
            String prefix = field.equals("workflow_job_run") ? field : field + "[" + i + "]";
            requirePresent(job, prefix);
            String gate = approvalGate(job.environment(), prefix + ".environment");
            Instant updated = job.updatedAt() == null ? since : time(job.updatedAt(), prefix + ".updated_at");
            latest.merge(gate, updated, (a, b) -> a.isAfter(b) ? a : b);
        }
        Instant fallback = receivedAt.isAfter(since) ? receivedAt : since;
        latest.replaceAll((gate, time) -> time.isAfter(since) ? time : fallback);
        return latest;
    }

    /**
     * An issue carrying one of the incident labels is an incident of its repository's service. Opening it with the
     * label, adding the label while it is open, and reopening it open the incident; closing it resolves it. Every
     * event of one issue names the incident {@code github:<owner>/<repo>#<number>}, so an opening and its resolution
     * pair whichever deliveries carried them.
     *
     * <p>Every other issue is a work item of the repository's service, {@code #<number>}: opened, assigned (started),
     * closed (done, or cancelled when closed as not planned or a duplicate), reopened, and deleted or transferred
     * away (cancelled). {@code receivedAt} dates the last two, whose payloads carry no time of their own.
     */
    WebhookResult issues(Payloads.IssuesEvent event, String delivery, Instant receivedAt) {
        String action = required(event.action(), "action");
        if (!INCIDENT_ACTIONS.contains(action) && !WORK_ACTIONS.contains(action)) {
            return WebhookResult.ignored("issues action '" + action + "' changes no metric; Flowmeter reads opened, "
                    + "assigned, closed, reopened, deleted and transferred of work items, and opened, labeled, "
                    + "reopened and closed of incidents");
        }
        Payloads.Issue issue = event.issue();
        requirePresent(issue, "issue");
        String repository = repository(event.repository());
        String number = issueNumber(issue);
        if (action.equals("labeled") || action.equals("unlabeled")) {
            String label = required(event.label() == null ? null : event.label().name(), "label.name");
            if (!isIncidentLabel(label)) {
                return WebhookResult.ignored("the label '" + label + "' is not an incident label; "
                        + "FLOWMETER_INCIDENT_LABELS names " + String.join(", ", incidentLabels));
            }
            if (action.equals("unlabeled")) {
                // Taking the label off says the issue was not an incident after all, or nothing; it is not recovery.
                return WebhookResult.ignored("taking the incident label '" + label + "' off issue #" + number
                        + " does not resolve the incident; closing the issue does");
            }
            if ("closed".equals(issue.state())) {
                return WebhookResult.ignored("issue #" + number + " is closed; labelling a closed issue opens no "
                        + "incident");
            }
        } else if (!hasIncidentLabel(issue)) {
            return workItem(action, issue, repository, number, delivery, receivedAt);
        } else if (!INCIDENT_ACTIONS.contains(action)) {
            return WebhookResult.ignored("issue #" + number + " carries an incident label, so it is an incident, "
                    + "and issues action '" + action + "' neither opens nor resolves an incident");
        }
        String service = service(repository);
        String incident = Identifiers.incidentId(GitHubSource.NAME, repository + "#" + number);
        return switch (action) {
            case "opened" -> WebhookResult.of(List.of(new IncidentOpened(
                    Identifiers.eventId(GitHubSource.NAME, delivery, "incident.opened"),
                    time(issue.createdAt(), "issue.created_at"), service, incident, "", "")));
            // GitHub sets updated_at as it adds the label or reopens the issue: the moment it became an incident.
            case "labeled", "reopened" -> WebhookResult.of(List.of(new IncidentOpened(
                    Identifiers.eventId(GitHubSource.NAME, delivery, "incident.opened"),
                    time(issue.updatedAt(), "issue.updated_at"), service, incident, "", "")));
            default -> WebhookResult.of(List.of(new IncidentResolved(
                    Identifiers.eventId(GitHubSource.NAME, delivery, "incident.resolved"),
                    time(issue.closedAt(), "issue.closed_at"), service, incident, "", "")));
        };
    }

    /** The change to a work item that an issues action of an issue without an incident label is. */
    private WebhookResult workItem(String action, Payloads.Issue issue, String repository, String number,
            String delivery, Instant receivedAt) {
        EventType type;
        Instant time;
        switch (action) {
            case "opened" -> {
                type = EventType.WORK_CREATED;
                time = time(issue.createdAt(), "issue.created_at");
            }
            case "assigned" -> {
                // Sent for every assignee added; GitHub sets updated_at as it adds one. The topology keeps the first
                // start, so a second assignee changes nothing.
                type = EventType.WORK_STARTED;
                time = time(issue.updatedAt(), "issue.updated_at");
            }
            case "closed" -> {
                String reason = issue.stateReason() == null ? "" : issue.stateReason().toLowerCase(Locale.ROOT);
                type = CANCELLING_REASONS.contains(reason) ? EventType.WORK_CANCELLED : EventType.WORK_DONE;
                time = time(issue.closedAt(), "issue.closed_at");
            }
            case "reopened" -> {
                type = EventType.WORK_REOPENED;
                time = time(issue.updatedAt(), "issue.updated_at");
            }
            default -> {
                // deleted, transferred: the payload is the issue as it was, and GitHub sends the delivery as the issue
                // goes, so its arrival is the time; never before the issue's own last change, whatever the clocks say.
                type = EventType.WORK_CANCELLED;
                Instant updated = issue.updatedAt() == null ? receivedAt : time(issue.updatedAt(), "issue.updated_at");
                time = receivedAt.isAfter(updated) ? receivedAt : updated;
            }
        }
        String item = PayloadFields.issueKey(number)
                .orElseThrow(() -> invalid("issue.number", PayloadFields.ISSUE_NUMBER_RULE));
        String release = issue.milestone() == null ? ""
                : PayloadFields.line(issue.milestone().title(), EventJson.MAX_NAME_LENGTH);
        return WebhookResult.of(List.of(new WorkItemChanged(
                Identifiers.eventId(GitHubSource.NAME, delivery, type.wireName()), type, time, service(repository),
                item, kind(issue), PayloadFields.title(issue.title()), PayloadFields.url(issue.htmlUrl()), release)));
    }

    /** The issue's flow kind from its issue type, when the payload names one, and its labels. */
    private WorkKind kind(Payloads.Issue issue) {
        Optional<String> type = issue.type() == null || issue.type().name() == null || issue.type().name().isBlank()
                ? Optional.empty() : Optional.of(issue.type().name());
        List<String> labels = new ArrayList<>();
        if (issue.labels() != null) {
            for (Payloads.Label label : issue.labels()) {
                if (label != null && label.name() != null) {
                    labels.add(label.name());
                }
            }
        }
        return workKinds.kindOf(type, labels);
    }

    private boolean hasIncidentLabel(Payloads.Issue issue) {
        if (issue.labels() == null) {
            return false;
        }
        return issue.labels().stream().anyMatch(label -> label != null && label.name() != null
                && isIncidentLabel(label.name()));
    }

    /** GitHub label names are not case sensitive: "Incident" and "incident" cannot both exist in a repository. */
    private boolean isIncidentLabel(String name) {
        return incidentLabels.contains(name.strip().toLowerCase(Locale.ROOT));
    }

    private static String issueNumber(Payloads.Issue issue) {
        if (issue.number() == null) {
            throw invalid("issue.number", "is required");
        }
        return Long.toString(issue.number());
    }

    private String service(String repository) {
        String service = services.service(repository);
        if (!SERVICE.matcher(service).matches()) {
            throw invalid("repository.full_name", "must give a service name of 1-200 letters, digits, '.', '_', '/' "
                    + "or '-'; rename the repository in FLOWMETER_SERVICE_MAP");
        }
        return service;
    }

    private static String repository(Payloads.Repository repository) {
        return required(repository == null ? null : repository.fullName(), "repository.full_name");
    }

    private static String gateId(String delivery, String kind) {
        return Identifiers.eventId(GitHubSource.NAME, delivery, kind);
    }

    private static String number(Payloads.PullRequest pullRequest) {
        if (pullRequest.number() == null) {
            throw invalid("pull_request.number", "is required");
        }
        return Long.toString(pullRequest.number());
    }

    private static String changeId(String delivery, String kind) {
        return Identifiers.eventId(GitHubSource.NAME, delivery, kind);
    }

    private static String runId(Payloads.WorkflowRun run) {
        if (run.id() == null) {
            throw invalid("workflow_run.id", "is required");
        }
        return Long.toString(run.id());
    }

    private static String approvalGate(String environment, String field) {
        return APPROVAL_PREFIX + name(environment, field, EventJson.MAX_NAME_LENGTH - APPROVAL_PREFIX.length());
    }

    /**
     * A GitHub environment name as a Flowmeter name: lower case (GitHub's environment names are not case sensitive,
     * so "Production" and "production" are one environment), every character outside {@code [a-z0-9._:-]} replaced by
     * '-', and cut to {@code maxLength}.
     */
    static String name(String environment, String field, int maxLength) {
        String text = required(environment, field).strip().toLowerCase(Locale.ROOT);
        StringBuilder name = new StringBuilder();
        text.codePoints().limit(maxLength).forEach(c -> {
            String character = new String(Character.toChars(c));
            name.append(NAME_CHARACTER.matcher(character).matches() ? character : "-");
        });
        return name.toString();
    }

    private static String sha(String value, String field) {
        String sha = required(value, field);
        if (!PayloadFields.isFullSha(sha)) {
            throw invalid(field, PayloadFields.FULL_SHA_RULE);
        }
        return sha.toLowerCase(Locale.ROOT);
    }

    private static boolean isZero(String sha) {
        return sha != null && ZERO_SHA.matcher(sha).matches();
    }

    private static Instant time(String value, String field) {
        return Timestamps.eventTime(Timestamps.parse(required(value, field))
                .orElseThrow(() -> invalid(field, "is not a timestamp Flowmeter can read")), field);
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw invalid(field, "is required");
        }
        return value;
    }

    private static void requirePresent(Object value, String field) {
        if (value == null) {
            throw invalid(field, "is required");
        }
    }

    static Rejected invalid(String field, String problem) {
        return Rejected.invalidPayload("the payload's " + field + " " + problem,
                List.of(new FieldError(field, problem)));
    }
}
