package dev.flowmeter.ingest.github;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of GitHub's webhook payloads Flowmeter reads, one record per payload shape, named as GitHub names them.
 * Everything else in a payload is skipped while parsing, so a large push costs little more than its commit list.
 * Absent fields read as {@code null}; the mapper decides which ones it needs.
 */
final class Payloads {

    private Payloads() {
    }

    record Repository(@JsonProperty("full_name") String fullName) {
    }

    /** {@code push}: the ref moved from {@code before} to {@code after} through {@code commits}, oldest first. */
    record Push(String ref, String before, String after, boolean deleted, List<Commit> commits,
            Repository repository) {
    }

    /** {@code message} is the whole commit message, subject line first. */
    record Commit(String id, String timestamp, String message, List<String> added, List<String> modified,
            List<String> removed) {

        /** Every path the commit touched, for splitting a monorepo into services. */
        List<String> paths() {
            List<String> paths = new ArrayList<>();
            for (List<String> part : List.of(orEmpty(added), orEmpty(modified), orEmpty(removed))) {
                paths.addAll(part);
            }
            return paths;
        }

        private static List<String> orEmpty(List<String> paths) {
            return paths == null ? List.of() : paths;
        }
    }

    record PullRequestEvent(String action, @JsonProperty("pull_request") PullRequest pullRequest,
            Repository repository) {
    }

    /** {@code user} is the pull request's author. */
    record PullRequest(Long number, String title, @JsonProperty("html_url") String htmlUrl, User user,
            @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt,
            boolean merged, @JsonProperty("closed_at") String closedAt, @JsonProperty("merged_at") String mergedAt,
            @JsonProperty("merge_commit_sha") String mergeCommitSha, Head head, Base base) {
    }

    /** The pull request's head: its latest commit, and the branch it comes from. */
    record Head(String sha, String ref) {
    }

    /** The branch the pull request would merge into. */
    record Base(String ref) {
    }

    record User(String login) {
    }

    record PullRequestReviewEvent(String action, Review review, @JsonProperty("pull_request") PullRequest pullRequest,
            Repository repository) {
    }

    /** {@code user} wrote the review. */
    record Review(String state, @JsonProperty("submitted_at") String submittedAt, User user) {
    }

    record WorkflowRunEvent(String action, @JsonProperty("workflow_run") WorkflowRun workflowRun,
            Repository repository) {
    }

    record WorkflowRun(Long id, @JsonProperty("run_attempt") Integer runAttempt, String conclusion,
            @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt,
            @JsonProperty("run_started_at") String runStartedAt) {
    }

    record DeploymentStatusEvent(@JsonProperty("deployment_status") DeploymentStatus deploymentStatus,
            Deployment deployment, @JsonProperty("workflow_run") WorkflowRun workflowRun, Repository repository) {
    }

    record DeploymentStatus(String state, @JsonProperty("created_at") String createdAt) {
    }

    record Deployment(String environment, String sha) {
    }

    record DeploymentReviewEvent(String action, String since, String environment,
            @JsonProperty("workflow_run") WorkflowRun workflowRun,
            @JsonProperty("workflow_job_run") JobRun workflowJobRun,
            @JsonProperty("workflow_job_runs") List<JobRun> workflowJobRuns, Repository repository) {
    }

    record JobRun(String environment, @JsonProperty("updated_at") String updatedAt) {
    }

    /** {@code issues}: {@code label} is the label that {@code labeled} added or {@code unlabeled} took off. */
    record IssuesEvent(String action, Issue issue, Label label, Repository repository) {
    }

    /**
     * An issue as it is after the action, so {@code labels} already holds a label just added. {@code stateReason} says
     * why a closed issue was closed ({@code completed}, {@code not_planned}, {@code duplicate}); {@code type} is the
     * organisation's issue type, which only newer payloads carry.
     */
    record Issue(Long number, String title, @JsonProperty("html_url") String htmlUrl, String state,
            @JsonProperty("state_reason") String stateReason, List<Label> labels, Milestone milestone,
            IssueType type, @JsonProperty("created_at") String createdAt,
            @JsonProperty("updated_at") String updatedAt, @JsonProperty("closed_at") String closedAt) {
    }

    record Label(String name) {
    }

    record Milestone(String title) {
    }

    record IssueType(String name) {
    }
}
