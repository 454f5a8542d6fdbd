package dev.flowmeter.ingest.bitbucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The parts of Bitbucket Cloud payloads that Flowmeter reads; everything else is ignored when binding. */
final class CloudPayload {

    private CloudPayload() {
    }

    record Repository(@JsonProperty("full_name") String fullName) {
    }

    record CommitRef(String hash) {
    }

    /** A commit as a push lists it; {@code parents} is null when Bitbucket left it out (not the same as none). */
    record Commit(String hash, String date, List<CommitRef> parents) {
    }

    record RefState(String type, Commit target) {
    }

    /** One ref a push moved: {@code before} is null for a new branch, {@code after} null for a deleted one. */
    record Change(@JsonProperty("old") RefState before, @JsonProperty("new") RefState after, List<Commit> commits,
            boolean truncated) {
    }

    record Push(List<Change> changes) {
    }

    record PushEvent(Repository repository, Push push) {
    }

    /** A Bitbucket Cloud account; {@code uuid} is the one id that stays when a user renames themselves. */
    record Account(String uuid) {
    }

    record Branch(String name) {
    }

    record Endpoint(CommitRef commit, Branch branch) {
    }

    record PullRequestLinks(Link html) {
    }

    /** {@code author} wrote the pull request, {@code destination} is where it would merge. */
    record PullRequest(Long id, String title, Account author, Endpoint source, Endpoint destination,
            @JsonProperty("merge_commit") CommitRef mergeCommit, @JsonProperty("created_on") String createdOn,
            @JsonProperty("updated_on") String updatedOn, PullRequestLinks links) {
    }

    /** Approvals and change requests carry the moment they were given, and who gave them. */
    record Verdict(String date, Account user) {
    }

    /** A comment on a pull request; its writer is {@code user} when sent, else the event's actor. */
    record Comment(@JsonProperty("created_on") String createdOn, Account user) {
    }

    record PullRequestEvent(Account actor, Repository repository, PullRequest pullrequest, Verdict approval,
            @JsonProperty("changes_request") Verdict changesRequest, Comment comment) {
    }

    record Link(String href) {
    }

    record StatusLinks(Link commit) {
    }

    record CommitStatus(String key, String state, @JsonProperty("created_on") String createdOn,
            @JsonProperty("updated_on") String updatedOn, CommitRef commit, StatusLinks links) {
    }

    record CommitStatusEvent(Repository repository, @JsonProperty("commit_status") CommitStatus commitStatus) {
    }
}
