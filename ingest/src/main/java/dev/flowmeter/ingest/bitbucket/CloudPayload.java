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

    record Endpoint(CommitRef commit) {
    }

    record PullRequest(Long id, Endpoint source, @JsonProperty("merge_commit") CommitRef mergeCommit,
            @JsonProperty("created_on") String createdOn, @JsonProperty("updated_on") String updatedOn) {
    }

    /** Approvals and change requests carry the moment they were given. */
    record Verdict(String date) {
    }

    record PullRequestEvent(Repository repository, PullRequest pullrequest, Verdict approval,
            @JsonProperty("changes_request") Verdict changesRequest) {
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
