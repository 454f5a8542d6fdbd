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

    record PullRequestRef(String latestCommit, Repository repository) {
    }

    record MergeCommit(String id) {
    }

    record Properties(MergeCommit mergeCommit) {
    }

    record PullRequest(Long id, Long createdDate, Long closedDate, PullRequestRef fromRef, PullRequestRef toRef,
            Properties properties) {
    }

    record PullRequestEvent(String date, PullRequest pullRequest) {
    }
}
