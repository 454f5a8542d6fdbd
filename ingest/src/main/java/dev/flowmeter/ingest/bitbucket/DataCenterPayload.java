package dev.flowmeter.ingest.bitbucket;

import java.util.List;

/**
 * The parts of Bitbucket Data Center (formerly Server) payloads that Flowmeter reads. Entity times are epoch
 * milliseconds; the event's own {@code date} is ISO-8601 with an offset such as {@code +0100}.
 */
final class DataCenterPayload {

    private DataCenterPayload() {
    }

    record Project(String key) {
    }

    record Repository(String slug, Project project) {
    }

    record Ref(String type) {
    }

    /** One ref a push moved: {@code fromHash} is all zeros for a new ref, {@code toHash} for a deleted one. */
    record Change(Ref ref, String fromHash, String toHash, String type) {
    }

    record RefsChanged(String date, Repository repository, List<Change> changes) {
    }

    /** {@code id} is the full ref name ({@code refs/heads/master}), {@code displayId} the branch ({@code master}). */
    record PullRequestRef(String id, String displayId, String latestCommit, Repository repository) {
    }

    record MergeCommit(String id) {
    }

    record Properties(MergeCommit mergeCommit) {
    }

    /** A user; {@code name} is the unique user name. */
    record User(String name) {
    }

    /** A participant of a pull request: its author, a reviewer. */
    record Participant(User user) {
    }

    record Link(String href) {
    }

    record Links(List<Link> self) {
    }

    record PullRequest(Long id, String title, Participant author, Long createdDate, Long closedDate,
            PullRequestRef fromRef, PullRequestRef toRef, Properties properties, Links links) {
    }

    /** A comment on a pull request; {@code createdDate} is epoch milliseconds. */
    record Comment(User author, Long createdDate) {
    }

    /** {@code participant} is the reviewer of a reviewer event, {@code comment} the comment of a comment event. */
    record PullRequestEvent(String date, User actor, PullRequest pullRequest, Participant participant,
            Comment comment) {
    }
}
