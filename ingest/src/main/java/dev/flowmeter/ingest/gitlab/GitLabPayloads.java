package dev.flowmeter.ingest.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.ingest.webhook.PayloadFields;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The parts of GitLab's webhook payloads that Flowmeter reads, as small records, and how they are read. GitLab's field
 * names live here and nowhere else. Fields a mapping does not need for a given action are not required, so a payload is
 * refused only for what Flowmeter actually uses. {@code null} in a record means the field was absent.
 */
final class GitLabPayloads {

    static final String PROJECT = "project.path_with_namespace";

    /** A push to a branch: GitLab lists at most the 20 latest commits, oldest first. */
    record Push(String project, String before, String after, boolean truncated, List<PushCommit> commits) {
        Push {
            commits = List.copyOf(commits);
        }
    }

    /**
     * One pushed commit, its subject line (already cut to the contract), and the paths it added, modified or removed
     * (for monorepos split by path).
     */
    record PushCommit(String sha, Instant time, String subject, List<String> paths) {
        PushCommit {
            paths = List.copyOf(paths);
        }
    }

    /**
     * A merge request as one action left it. {@code actorId} is the user who acted ({@code user.id}), {@code authorId}
     * the one who wrote it; {@code landedSha} (merges only) is what landed on the target branch; {@code target},
     * {@code title}, {@code url} and {@code branch} (the source branch, "" when the contract cannot hold it) are read
     * for openings only. {@code mergedAt} is null when GitLab sends none.
     */
    record MergeRequest(String project, String iid, String action, Instant createdAt, Instant updatedAt,
            String mergeCommitSha, String headSha, String landedSha, Instant mergedAt, String actorId, String authorId,
            String target, String title, String url, String branch) {
    }

    /** A comment on a merge request: who wrote it, who wrote the merge request, and when. */
    record Note(String project, String iid, String authorId, String mergeRequestAuthorId, Instant createdAt) {
    }

    /** A pipeline, with its manual jobs and when each of its other jobs finished. */
    record Pipeline(String project, String id, String status, Instant createdAt, Instant finishedAt,
            Duration queuedFor, boolean ran, List<String> stages, List<ManualJob> manualJobs,
            List<FinishedJob> finishedJobs) {
        Pipeline {
            stages = List.copyOf(stages);
            manualJobs = List.copyOf(manualJobs);
            finishedJobs = List.copyOf(finishedJobs);
        }
    }

    /** A job with {@code when: manual}; {@code environment} is null when it deploys nowhere. */
    record ManualJob(String id, String stage, String status, Instant createdAt, Instant startedAt,
            String environment, String environmentAction) {
    }

    record FinishedJob(String stage, Instant finishedAt) {
    }

    record Deployment(String project, String id, String status, String environment, String sha, Instant time) {
    }

    /** An incident of an Issue Hook: {@code time} is when the action happened (see {@link #incident}). */
    record Incident(String project, String iid, String action, Instant time) {
    }

    /**
     * An issue (or another work item) of an Issue Hook that is not an incident. {@code item} is {@code #<iid>};
     * {@code time} is when the action happened (see {@link #workItem}); {@code type} is the work item type, or null
     * when the payload names none; {@code closedAway} says a close moved the issue elsewhere or marked it a duplicate,
     * {@code assignedAtOpen} that an opening already has an assignee. {@code title}, {@code url} and {@code release}
     * are "" when the payload has none that fits the contract.
     */
    record WorkItem(String project, String iid, String item, String action, Instant time, String type,
            List<String> labels, String title, String url, String release, boolean closedAway,
            boolean assignedAtOpen) {
        WorkItem {
            labels = List.copyOf(labels);
        }
    }

    private static final Set<String> MERGE_REQUEST_UPDATED_AT = Set.of("reopen", "approved", "approval",
            "unapproved", "close", "merge");
    private static final Set<String> MERGE_REQUEST_OPENINGS = Set.of("open", "reopen");
    private static final Set<String> MERGE_REQUEST_REVIEWS = Set.of("approved", "approval");

    private GitLabPayloads() {
    }

    static Push push(JsonNode json) {
        PayloadReader payload = PayloadReader.of(json);
        String project = payload.text(PROJECT);
        String before = payload.sha("before");
        String after = payload.sha("after");
        List<PushCommit> commits = new ArrayList<>();
        int size = payload.size("commits");
        for (int i = 0; i < size; i++) {
            PayloadReader commit = payload.element("commits", i);
            List<String> paths = new ArrayList<>(commit.texts("added"));
            paths.addAll(commit.texts("modified"));
            paths.addAll(commit.texts("removed"));
            // The whole message, else GitLab's title (its first line), which every commit of a push carries.
            String message = commit.optionalText("message");
            String subject = PayloadFields.subject(message != null ? message : commit.optionalText("title"));
            commits.add(new PushCommit(commit.sha("id"), commit.time("timestamp"), subject, paths));
        }
        // total_commits_count counts every commit of the push; only the latest 20 are listed.
        boolean truncated = payload.has("total_commits_count")
                && json.path("total_commits_count").asInt(size) > size;
        payload.check("Push Hook");
        return new Push(project, before, after, truncated, commits);
    }

    /** GitLab's null sha: {@code before} of a new branch, {@code after} of a deleted one. */
    static boolean isZeros(String sha) {
        return sha.chars().allMatch(c -> c == '0');
    }

    /** The action of a Merge Request Hook, or an empty string. */
    static String mergeRequestAction(JsonNode json) {
        return json.path("object_attributes").path("action").asText("");
    }

    static MergeRequest mergeRequest(JsonNode json) {
        PayloadReader payload = PayloadReader.of(json);
        String project = payload.text(PROJECT);
        String iid = payload.id("object_attributes.iid");
        String action = payload.text("object_attributes.action");
        Instant createdAt = "open".equals(action)
                ? payload.time("object_attributes.created_at") : payload.optionalTime("object_attributes.created_at");
        Instant updatedAt = MERGE_REQUEST_UPDATED_AT.contains(action)
                ? payload.time("object_attributes.updated_at") : payload.optionalTime("object_attributes.updated_at");
        String mergeCommitSha = null;
        String headSha = null;
        String landedSha = null;
        Instant mergedAt = null;
        if ("merge".equals(action)) {
            // merge_commit_sha is null for a fast-forward merge: the head itself landed on the target branch, or, for
            // a squash without a merge commit, the squash commit.
            mergeCommitSha = payload.optionalSha("object_attributes.merge_commit_sha");
            headSha = payload.sha("object_attributes.last_commit.id");
            String squashSha = payload.optionalSha("object_attributes.squash_commit_sha");
            landedSha = mergeCommitSha != null ? mergeCommitSha : squashSha != null ? squashSha : headSha;
            mergedAt = payload.optionalTime("object_attributes.merged_at");
        }
        String target = null;
        String title = null;
        String url = null;
        String source = null;
        if (MERGE_REQUEST_OPENINGS.contains(action)) {
            headSha = payload.sha("object_attributes.last_commit.id");
            String branch = payload.text("object_attributes.target_branch");
            target = branch == null ? null : PayloadFields.branch(branch, "object_attributes.target_branch");
            title = PayloadFields.title(payload.optionalText("object_attributes.title"));
            url = PayloadFields.url(payload.optionalText("object_attributes.url"));
            source = PayloadFields.sourceBranch(payload.optionalText("object_attributes.source_branch"));
        }
        String actorId = null;
        String authorId = null;
        if (MERGE_REQUEST_REVIEWS.contains(action)) {
            actorId = payload.optionalId("user.id");
            authorId = payload.optionalId("object_attributes.author_id");
        }
        payload.check("Merge Request Hook");
        return new MergeRequest(project, iid, action, createdAt, updatedAt, mergeCommitSha, headSha, landedSha,
                mergedAt, actorId, authorId, target, title, url, source);
    }

    /** What a Note Hook is about ({@code MergeRequest}, {@code Issue}, {@code Commit}, ...), or an empty string. */
    static String noteableType(JsonNode json) {
        return json.path("object_attributes").path("noteable_type").asText("");
    }

    /** Whether the note is one GitLab wrote itself ("added 1 commit", "approved this merge request", ...). */
    static boolean isSystemNote(JsonNode json) {
        return json.path("object_attributes").path("system").asBoolean(false);
    }

    /**
     * A comment on a merge request. Its writer is {@code object_attributes.author_id}, else the hook's {@code user};
     * the merge request's writer is {@code merge_request.author_id}. Either may be missing, and then the note cannot
     * be told apart from the author's own.
     */
    static Note note(JsonNode json) {
        PayloadReader payload = PayloadReader.of(json);
        String project = payload.text(PROJECT);
        String iid = payload.id("merge_request.iid");
        String authorId = payload.optionalId("object_attributes.author_id");
        if (authorId == null) {
            authorId = payload.optionalId("user.id");
        }
        String mergeRequestAuthorId = payload.optionalId("merge_request.author_id");
        Instant createdAt = payload.time("object_attributes.created_at");
        payload.check("Note Hook");
        return new Note(project, iid, authorId, mergeRequestAuthorId, createdAt);
    }

    static Pipeline pipeline(JsonNode json) {
        PayloadReader payload = PayloadReader.of(json);
        String project = payload.text(PROJECT);
        String id = payload.id("object_attributes.id");
        String status = payload.text("object_attributes.status");
        Instant createdAt = payload.time("object_attributes.created_at");
        Instant finishedAt = "success".equals(status) || "failed".equals(status)
                ? payload.time("object_attributes.finished_at")
                : payload.optionalTime("object_attributes.finished_at");
        Double queued = payload.optionalSeconds("object_attributes.queued_duration");
        // GitLab sets duration once a pipeline has started, and leaves it null for one that never ran.
        boolean ran = payload.has("object_attributes.duration");
        List<String> stages = payload.texts("object_attributes.stages");
        List<ManualJob> manualJobs = new ArrayList<>();
        List<FinishedJob> finishedJobs = new ArrayList<>();
        int size = payload.size("builds");
        for (int i = 0; i < size; i++) {
            PayloadReader build = payload.element("builds", i);
            String stage = build.optionalText("stage");
            Instant finished = build.optionalTime("finished_at");
            if (stage != null && finished != null) {
                finishedJobs.add(new FinishedJob(stage, finished));
            }
            if ("manual".equals(build.optionalText("when"))) {
                manualJobs.add(new ManualJob(build.id("id"), stage, build.text("status"), build.time("created_at"),
                        build.optionalTime("started_at"), build.optionalText("environment.name"),
                        build.optionalText("environment.action")));
            }
        }
        payload.check("Pipeline Hook");
        Duration queuedFor = queued == null ? null : Duration.ofMillis(Math.round(queued * 1000));
        return new Pipeline(project, id, status, createdAt, finishedAt, queuedFor, ran, stages, manualJobs,
                finishedJobs);
    }

    /** The action of an Issue Hook, or an empty string. */
    static String issueAction(JsonNode json) {
        return json.path("object_attributes").path("action").asText("");
    }

    /**
     * The work item type of an Issue Hook ({@code Issue}, {@code Incident}, {@code Task}, ...), or {@code null} when
     * the payload has none: GitLab sends {@code object_attributes.type} from 17.2 on.
     */
    static String issueType(JsonNode json) {
        JsonNode type = json.path("object_attributes").path("type");
        return type.isTextual() && !type.textValue().isBlank() ? type.textValue().strip() : null;
    }

    /** Whether the Issue Hook has an escalation status, which GitLab sends for incidents only. */
    static boolean hasEscalationStatus(JsonNode json) {
        JsonNode status = json.path("object_attributes").path("escalation_status");
        return !status.isMissingNode() && !status.isNull();
    }

    /**
     * The incident of an Issue Hook whose action is {@code open}, {@code reopen} or {@code close}. Opening is dated
     * {@code created_at}; reopening {@code updated_at}, which the reopening sets; closing {@code closed_at}, or
     * {@code updated_at} when the payload has no close time.
     */
    static Incident incident(JsonNode json) {
        PayloadReader payload = PayloadReader.of(json);
        String project = payload.text(PROJECT);
        String iid = payload.id("object_attributes.iid");
        String action = payload.text("object_attributes.action");
        Instant time;
        if ("open".equals(action)) {
            time = payload.time("object_attributes.created_at");
        } else if ("close".equals(action) && payload.has("object_attributes.closed_at")) {
            time = payload.time("object_attributes.closed_at");
        } else {
            time = payload.time("object_attributes.updated_at");
        }
        payload.check("Issue Hook");
        return new Incident(project, iid, action, time);
    }

    /** Whether the Issue Hook's {@code object_kind} is {@code work_item}: a task, an epic, or another non-issue. */
    static boolean isWorkItem(JsonNode json) {
        return "work_item".equals(json.path("object_kind").asText(""));
    }

    /** Whether the Issue Hook names the project it belongs to; a group's work items (epics) belong to none. */
    static boolean hasProject(JsonNode json) {
        JsonNode path = json.path("project").path("path_with_namespace");
        return path.isTextual() && !path.textValue().isBlank();
    }

    /**
     * Whether an {@code update} gave the issue its first assignee: {@code changes.assignees} (the users) or
     * {@code changes.assignee_ids} went from empty (or absent) to non-empty.
     */
    static boolean firstAssigned(JsonNode json) {
        JsonNode changes = json.path("changes");
        for (String field : List.of("assignees", "assignee_ids")) {
            JsonNode change = changes.path(field);
            if (isEmptyList(change.path("previous")) && !isEmptyList(change.path("current"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEmptyList(JsonNode value) {
        return value.isMissingNode() || value.isNull() || value.isArray() && value.isEmpty();
    }

    /**
     * A work item of an Issue Hook whose action is {@code open}, {@code update} (a first assignee), {@code close} or
     * {@code reopen}. Opening is dated {@code created_at}; closing {@code closed_at}, or {@code updated_at} when the
     * payload has no close time; an update and a reopening {@code updated_at}, which they set. The kind comes from
     * {@code object_attributes.type} (else {@code issue_type}) and the label titles of {@code object_attributes.labels}
     * (else the top-level {@code labels}); the release from a milestone title, when the payload carries one (GitLab's
     * own hooks name only {@code milestone_id}).
     */
    static WorkItem workItem(JsonNode json) {
        PayloadReader payload = PayloadReader.of(json);
        String project = payload.text(PROJECT);
        String iid = payload.id("object_attributes.iid");
        String item = null;
        if (iid != null) {
            item = PayloadFields.issueKey(iid).orElse(null);
            if (item == null) {
                payload.problem("object_attributes.iid", PayloadFields.ISSUE_NUMBER_RULE);
            }
        }
        String action = payload.text("object_attributes.action");
        Instant time;
        if ("open".equals(action)) {
            time = payload.time("object_attributes.created_at");
        } else if ("close".equals(action) && payload.has("object_attributes.closed_at")) {
            time = payload.time("object_attributes.closed_at");
        } else {
            time = payload.time("object_attributes.updated_at");
        }
        String type = payload.optionalText("object_attributes.type");
        if (type == null) {
            type = payload.optionalText("object_attributes.issue_type");
        }
        String labelsAt = payload.has("object_attributes.labels") ? "object_attributes.labels" : "labels";
        List<String> labels = new ArrayList<>();
        int size = payload.size(labelsAt);
        for (int i = 0; i < size; i++) {
            String label = payload.element(labelsAt, i).optionalText("title");
            if (label != null) {
                labels.add(label);
            }
        }
        String title = PayloadFields.title(payload.optionalText("object_attributes.title"));
        String url = PayloadFields.url(payload.optionalText("object_attributes.url"));
        String release = PayloadFields.line(payload.optionalText("object_attributes.milestone.title"),
                EventJson.MAX_NAME_LENGTH);
        boolean closedAway = "close".equals(action) && (payload.has("object_attributes.moved_to_id")
                || payload.has("object_attributes.duplicated_to_id"));
        // An issue created with an assignee sends no update that assigns it: the opening is its start too.
        boolean assignedAtOpen = "open".equals(action) && (!isEmptyList(json.path("object_attributes")
                .path("assignee_ids")) || !isEmptyList(json.path("assignees")));
        payload.check("Issue Hook");
        return new WorkItem(project, iid, item, action, time, type == null ? null : type.strip(), labels, title, url,
                release, closedAway, assignedAtOpen);
    }

    /** The status of a Deployment Hook, or an empty string. */
    static String deploymentStatus(JsonNode json) {
        return json.path("status").asText("");
    }

    static Deployment deployment(JsonNode json) {
        PayloadReader payload = PayloadReader.of(json);
        String project = payload.text(PROJECT);
        String id = payload.id("deployment_id");
        String status = payload.text("status");
        String environment = payload.text("environment");
        // The payload has no full sha field; commit_url ends with it (short_sha is only 8 characters).
        String commitUrl = payload.text("commit_url");
        String sha = null;
        if (commitUrl != null) {
            String trimmed = commitUrl.endsWith("/") ? commitUrl.substring(0, commitUrl.length() - 1) : commitUrl;
            String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
            if (PayloadFields.isFullSha(last)) {
                sha = payload.shaValue("commit_url", last);
            } else {
                payload.problem("commit_url", "must end with a full commit id: 40 or 64 hexadecimal characters");
            }
        }
        Instant time = payload.time("status_changed_at");
        payload.check("Deployment Hook");
        return new Deployment(project, id, status, environment, sha, time);
    }
}
