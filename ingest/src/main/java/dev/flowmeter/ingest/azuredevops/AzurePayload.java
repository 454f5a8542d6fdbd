package dev.flowmeter.ingest.azuredevops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The parts of Azure DevOps service hook payloads that Flowmeter reads; everything else is ignored when binding. */
final class AzurePayload {

    private AzurePayload() {
    }

    /** The notification around every resource: {@code id} is unique per notification and kept across retries. */
    record Envelope(String id, String eventType, String createdDate, JsonNode resource) {
    }

    record Project(String name) {
    }

    /**
     * {@code type} is only set on builds: {@code TfsGit} for Azure Repos, else where the code is hosted.
     * {@code remoteUrl} is the repository's web address, under which its pull requests live.
     */
    record Repository(String name, Project project, String type, String remoteUrl) {
    }

    record Person(String date) {
    }

    record Commit(String commitId, Person author) {
    }

    record RefUpdate(String name, String oldObjectId, String newObjectId) {
    }

    record Push(List<Commit> commits, List<RefUpdate> refUpdates, Repository repository) {
    }

    record CommitRef(String commitId) {
    }

    /** An identity: a person, or a team ({@code isContainer}). */
    record Identity(String id) {
    }

    /** Votes: 10 approved, 5 approved with suggestions, 0 none, -5 waiting for the author, -10 rejected. */
    record Reviewer(String id, Integer vote) {
    }

    /** {@code createdBy} wrote the pull request; {@code targetRefName} is the full ref it merges into. */
    record PullRequest(Long pullRequestId, String status, String mergeStatus, String creationDate, String closedDate,
            Identity createdBy, String title, String targetRefName, CommitRef lastMergeSourceCommit,
            CommitRef lastMergeCommit, List<Reviewer> reviewers, Repository repository) {
    }

    record Definition(Project project) {
    }

    /** A build; {@code result} is the verdict in current payloads, {@code status} held it in the oldest ones. */
    record Build(Long id, String status, String result, String queueTime, String startTime, String finishTime,
            Repository repository, Project project, Definition definition) {
    }
}
