package dev.flowmeter.ingest.gitlab;

import static dev.flowmeter.ingest.testing.WebhookTests.assertEveryEventMeetsTheContract;
import static dev.flowmeter.ingest.testing.WebhookTests.editedFixture;
import static dev.flowmeter.ingest.testing.WebhookTests.fixtureBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
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
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WorkKinds;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitLabSourceTest {

    private static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    private static final String TOKEN = "test-token";
    private static final String KEY = "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a9b";
    private static final String EVENT_UUID = "0d6a1f3c-9e2b-4a7d-8c5f-1b3e5a7c9d2f";

    private static final String BEFORE = "95790bf891e76fee5e1747ab589903a6a1f80f22";
    private static final String COMMIT_A = "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327";
    private static final String COMMIT_B = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
    private static final String MERGE_COMMIT = "ac3ca1559bc39abf963586372eff7f8fdded646e";
    private static final String MERGE_HEAD = "61b6a0d35dbaf915760233b637622e383d3cc9ec";
    private static final String DEPLOYED = "279484c09fbe69ededfced8c1bb6e6d24616b468";
    private static final String GITLAB_TEST = "gitlabhq/gitlab-test";
    /** Issue 23 of gitlabhq/gitlab-test, in every issue fixture: the id its opening and its close share. */
    private static final String INCIDENT = "gitlab:gitlabhq/gitlab-test#23";
    private static final String ISSUE_TITLE = "New API: create/update/delete file";
    private static final String ISSUE_URL = "http://example.com/diaspora/issues/23";

    private final GitLabSource source = new GitLabSource(Secret.of(TOKEN), ServiceMap.IDENTITY);
    private final FakePublisher publisher = new FakePublisher();
    private final IngestDependencies dependencies = WebhookTests.dependencies(publisher, NOW);

    @TempDir
    Path tempDir;

    // ---- Push Hook

    @Test
    void shouldChainPushedCommitsOldestFirstFromBeforeWhenThePushListsEveryCommit() {
        WebhookResult result = map("Push Hook",
                editedFixture("gitlab/push.json", json -> json.put("total_commits_count", 2)));

        // GitLab lists the oldest commit first: A (14:27:31 at +02:00) then B, whose parent is A. Each keeps the first
        // line of its message: A's is "Merge branch ...", then a blank line and more; B's is "fixed readme\n".
        assertThat(result.events()).containsExactly(
                new CommitRecorded("gitlab:" + KEY + ":commit:" + COMMIT_A, Instant.parse("2011-12-12T12:27:31Z"),
                        "mike/diaspora", COMMIT_A, List.of(BEFORE), "Merge branch 'some-feature' into 'master'",
                        List.of()),
                new CommitRecorded("gitlab:" + KEY + ":commit:" + COMMIT_B, Instant.parse("2012-01-03T21:36:29Z"),
                        "mike/diaspora", COMMIT_B, List.of(COMMIT_A), "fixed readme", List.of()));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldTakeTheSubjectFromTheTitleWhenACommitHasNoMessage() {
        WebhookResult result = map("Push Hook", editedFixture("gitlab/push.json", json -> {
            ((ObjectNode) json.withArrayProperty("commits").get(0)).remove("message");
            ((ObjectNode) json.withArrayProperty("commits").get(1))
                    .put("message", "\tfixed\treadme " + "x".repeat(600));
        }));

        // A's title is its message's first line; B's subject loses its tabs and is cut at 500 characters.
        assertThat(result.events()).extracting(event -> ((CommitRecorded) event).message()).containsExactly(
                "Merge branch 'some-feature' into 'master'", ("fixed readme " + "x".repeat(600)).substring(0, 500));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldNotLinkTheFirstListedCommitToBeforeWhenGitLabLeftOlderCommitsOut() {
        // As published: total_commits_count 4 but two commits listed, so A's parent is not before.
        WebhookResult result = map("Push Hook", fixtureBytes("gitlab/push.json"));

        assertThat(result.events()).extracting(event -> ((CommitRecorded) event).parents())
                .containsExactly(List.of(), List.of(COMMIT_A));
    }

    @Test
    void shouldNotLinkTheFirstCommitWhenThePushCreatesTheBranch() {
        WebhookResult result = map("Push Hook", editedFixture("gitlab/push.json", json -> {
            json.put("before", "0000000000000000000000000000000000000000");
            json.put("total_commits_count", 2);
        }));

        assertThat(result.events()).extracting(event -> ((CommitRecorded) event).parents())
                .containsExactly(List.of(), List.of(COMMIT_A));
    }

    @Test
    void shouldIgnoreThePushWhenTheBranchIsDeleted() {
        WebhookResult result = map("Push Hook", fixtureBytes("gitlab/push.branch-deleted.json"));

        assertThat(result.isIgnored()).isTrue();
        assertThat(result.ignoredReason()).isEqualTo("a branch deletion ships nothing");
    }

    @Test
    void shouldGiveEachCommitTheServicesOfItsPathsWhenTheRepositoryIsSplit() throws IOException {
        Path map = tempDir.resolve("services.map");
        Files.writeString(map, "mike/diaspora:app/ = diaspora/app\nmike/diaspora:lib/ = diaspora/lib\n");
        GitLabSource split = new GitLabSource(Secret.of(TOKEN), ServiceMap.load(map));
        byte[] body = editedFixture("gitlab/push.json", json -> {
            json.put("total_commits_count", 2);
            // B now touches lib/ and the README: lib/ is diaspora/lib, the README belongs to no split service.
            ObjectNode second = (ObjectNode) json.withArrayProperty("commits").get(1);
            second.putArray("added").add("lib/cart.rb");
            second.putArray("modified").add("README.md");
        });

        WebhookResult result = split.map(request("Push Hook", body, headers()));

        // A adds CHANGELOG (no split service) and modifies app/...: only diaspora/app, since one path matched.
        assertThat(result.events()).containsExactly(
                new CommitRecorded("gitlab:" + KEY + ":commit:" + COMMIT_A + ":diaspora/app",
                        Instant.parse("2011-12-12T12:27:31Z"), "diaspora/app", COMMIT_A, List.of(BEFORE),
                        "Merge branch 'some-feature' into 'master'", List.of()),
                new CommitRecorded("gitlab:" + KEY + ":commit:" + COMMIT_B + ":diaspora/lib",
                        Instant.parse("2012-01-03T21:36:29Z"), "diaspora/lib", COMMIT_B, List.of(COMMIT_A),
                        "fixed readme", List.of()));
    }

    @Test
    void shouldIgnoreTagPushesWhenTheyArrive() {
        WebhookResult result = map("Tag Push Hook", fixtureBytes("gitlab/tag_push.json"));

        assertThat(result.ignoredReason()).isEqualTo("tag pushes add no commits; branch pushes carry them");
    }

    // ---- Merge Request Hook

    @Test
    void shouldQueueTheMergeRequestForCodeReviewAndOpenTheChangeAtItsCreationWhenOpened() {
        WebhookResult result = map("Merge Request Hook", fixtureBytes("gitlab/merge_request.open.json"));

        Instant created = Instant.parse("2013-12-03T17:23:34Z");
        assertThat(result.events()).containsExactly(
                new GateQueued("gitlab:" + KEY + ":merge-request:1:open", created, GITLAB_TEST, "code-review", "1"),
                new ChangeOpened("gitlab:" + KEY + ":change:1:opened", created, GITLAB_TEST, "1", COMMIT_B,
                        List.of(), "master", "MS-Viewport", "http://example.com/diaspora/merge_requests/1",
                        "ms-viewport", List.of()));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldLeaveTheBranchOutButOpenTheChangeWhenTheSourceBranchBreaksTheContract() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.open.json",
                json -> json.withObjectProperty("object_attributes").put("source_branch", "viewport-für-ms")));

        // 'ü' is not allowed in a branch, and the name is not rewritten: the topology reads work item keys in it.
        assertThat(result.events()).filteredOn(ChangeOpened.class::isInstance).singleElement()
                .isInstanceOfSatisfying(ChangeOpened.class, opened -> {
                    assertThat(opened.branch()).isEmpty();
                    assertThat(opened.target()).isEqualTo("master");
                });
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldPassCodeReviewAndMarkTheChangeReviewedAtTheUpdateTimeWhenSomeoneElseApproves() {
        WebhookResult result = map("Merge Request Hook", fixtureBytes("gitlab/merge_request.approved.json"));

        // user 1 approves the merge request of author 51.
        Instant approved = Instant.parse("2013-12-04T09:10:00Z");
        assertThat(result.events()).containsExactly(
                new GateFinished("gitlab:" + KEY + ":merge-request:1:approved", approved, GITLAB_TEST, "code-review",
                        "1", GateOutcome.PASSED),
                new ChangeReviewed("gitlab:" + KEY + ":change:1:reviewed", approved, GITLAB_TEST, "1"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldOnlyPassCodeReviewWhenTheAuthorApprovesTheirOwnMergeRequest() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.approved.json",
                json -> json.withObjectProperty("user").put("id", 51)));

        assertThat(result.events()).containsExactly(new GateFinished("gitlab:" + KEY + ":merge-request:1:approved",
                Instant.parse("2013-12-04T09:10:00Z"), GITLAB_TEST, "code-review", "1", GateOutcome.PASSED));
    }

    @Test
    void shouldMarkTheChangeReviewedWhenOneApproverApproves() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.approved.json",
                json -> json.withObjectProperty("object_attributes").put("action", "approval")));

        assertThat(result.events()).containsExactly(new ChangeReviewed("gitlab:" + KEY + ":change:1:reviewed",
                Instant.parse("2013-12-04T09:10:00Z"), GITLAB_TEST, "1"));
    }

    @Test
    void shouldIgnoreTheApprovalWhenTheAuthorGivesIt() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.approved.json", json -> {
            json.withObjectProperty("object_attributes").put("action", "approval");
            json.withObjectProperty("user").put("id", 51);
        }));

        assertThat(result.ignoredReason()).isEqualTo("one approval moves no gate (approved does, once the rules are "
                + "met), and the approval is by the author of merge request 1, so it does not count as reviewed");
    }

    @Test
    void shouldIgnoreTheApprovalWhenThePayloadDoesNotSayWhoApproved() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.approved.json", json -> {
            json.withObjectProperty("object_attributes").put("action", "approval");
            json.withObjectProperty("user").remove("id");
        }));

        assertThat(result.ignoredReason()).isEqualTo("one approval moves no gate (approved does, once the rules are "
                + "met), and the payload does not say who approved and who wrote merge request 1 (user.id, "
                + "object_attributes.author_id), so it cannot count as reviewed by someone other than the author");
    }

    @Test
    void shouldQueueTheReviewAgainAndOpenTheChangeAgainAtTheUpdateTimeWhenReopened() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.approved.json",
                json -> json.withObjectProperty("object_attributes").put("action", "reopen")));

        Instant reopened = Instant.parse("2013-12-04T09:10:00Z");
        assertThat(result.events()).containsExactly(
                new GateQueued("gitlab:" + KEY + ":merge-request:1:reopen", reopened, GITLAB_TEST, "code-review",
                        "1"),
                new ChangeOpened("gitlab:" + KEY + ":change:1:opened", reopened, GITLAB_TEST, "1", COMMIT_B,
                        List.of(), "master", "MS-Viewport", "http://example.com/diaspora/merge_requests/1",
                        "ms-viewport", List.of()));
    }

    @Test
    void shouldQueueTheReviewAgainAtTheUpdateTimeWhenUnapproved() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.approved.json",
                json -> json.withObjectProperty("object_attributes").put("action", "unapproved")));

        assertThat(result.events()).containsExactly(new GateQueued("gitlab:" + KEY + ":merge-request:1:unapproved",
                Instant.parse("2013-12-04T09:10:00Z"), GITLAB_TEST, "code-review", "1"));
    }

    @Test
    void shouldFailCodeReviewAndCloseTheChangeWhenTheMergeRequestIsClosedUnmerged() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.approved.json",
                json -> json.withObjectProperty("object_attributes").put("action", "close")));

        Instant closed = Instant.parse("2013-12-04T09:10:00Z");
        assertThat(result.events()).containsExactly(
                new GateFinished("gitlab:" + KEY + ":merge-request:1:close", closed, GITLAB_TEST, "code-review", "1",
                        GateOutcome.FAILED),
                new ChangeClosed("gitlab:" + KEY + ":change:1:closed", closed, GITLAB_TEST, "1"));
    }

    @Test
    void shouldLinkTheMergeCommitToTheReviewedHeadPassTheReviewAndMergeTheChangeWhenMerged() {
        WebhookResult result = map("Merge Request Hook", fixtureBytes("gitlab/merge_request.merge.json"));

        // No merged_at in GitLab's payload: updated_at (2016-12-01 13:21:20 UTC) is when it merged.
        Instant merged = Instant.parse("2016-12-01T13:21:20Z");
        assertThat(result.events()).containsExactly(
                new GateFinished("gitlab:" + KEY + ":merge-request:1402:merge", merged,
                        "exm-namespace/example-project", "code-review", "1402", GateOutcome.PASSED),
                new CommitRecorded("gitlab:" + KEY + ":commit:" + MERGE_COMMIT, merged,
                        "exm-namespace/example-project", MERGE_COMMIT, List.of(MERGE_HEAD)),
                new ChangeMerged("gitlab:" + KEY + ":change:1402:merged", merged, "exm-namespace/example-project",
                        "1402", MERGE_COMMIT, List.of()));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldPassTheReviewAndMergeTheHeadWhenTheMergeWasAFastForward() {
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.merge.json",
                json -> json.withObjectProperty("object_attributes").putNull("merge_commit_sha")));

        Instant merged = Instant.parse("2016-12-01T13:21:20Z");
        assertThat(result.events()).containsExactly(
                new GateFinished("gitlab:" + KEY + ":merge-request:1402:merge", merged,
                        "exm-namespace/example-project", "code-review", "1402", GateOutcome.PASSED),
                new ChangeMerged("gitlab:" + KEY + ":change:1402:merged", merged, "exm-namespace/example-project",
                        "1402", MERGE_HEAD, List.of()));
    }

    @Test
    void shouldMergeTheSquashCommitAtMergedAtWhenASquashLandedWithoutAMergeCommit() {
        String squash = "0f8c1b2a3d4e5f60718293a4b5c6d7e8f9012345";
        WebhookResult result = map("Merge Request Hook", editedFixture("gitlab/merge_request.merge.json", json -> {
            json.withObjectProperty("object_attributes").putNull("merge_commit_sha");
            json.withObjectProperty("object_attributes").put("squash_commit_sha", squash);
            json.withObjectProperty("object_attributes").put("merged_at", "2016-12-01 13:21:19 UTC");
        }));

        // The gate keeps updated_at as before; the change takes merged_at when GitLab sends it.
        assertThat(result.events()).containsExactly(
                new GateFinished("gitlab:" + KEY + ":merge-request:1402:merge", Instant.parse("2016-12-01T13:21:20Z"),
                        "exm-namespace/example-project", "code-review", "1402", GateOutcome.PASSED),
                new ChangeMerged("gitlab:" + KEY + ":change:1402:merged", Instant.parse("2016-12-01T13:21:19Z"),
                        "exm-namespace/example-project", "1402", squash, List.of()));
    }

    @Test
    void shouldIgnoreTheMergeRequestWhenTheActionChangesNoMetric() {
        WebhookResult result = map("Merge Request Hook", fixtureBytes("gitlab/merge_request.update.json"));

        assertThat(result.ignoredReason()).isEqualTo("merge request action 'update' changes no metric");
    }

    // ---- Note Hook

    @Test
    void shouldMarkTheChangeReviewedAtTheCommentWhenSomeoneElseCommentsOnTheMergeRequest() {
        WebhookResult result = map("Note Hook", fixtureBytes("gitlab/note.merge_request.json"));

        // Note author 1 (root) on merge request !1 of author 8.
        assertThat(result.events()).containsExactly(new ChangeReviewed("gitlab:" + KEY + ":change:1:reviewed",
                Instant.parse("2015-05-17T18:21:36Z"), "gitlab-org/gitlab-test", "1"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldReadTheCommentAlikeWhenItIsConfidential() {
        WebhookResult result = map("Confidential Note Hook", fixtureBytes("gitlab/note.merge_request.json"));

        assertThat(result.events()).extracting(DeliveryEvent::id)
                .containsExactly("gitlab:" + KEY + ":change:1:reviewed");
    }

    @Test
    void shouldIgnoreTheCommentWhenTheAuthorWroteIt() {
        WebhookResult result = map("Note Hook", editedFixture("gitlab/note.merge_request.json",
                json -> json.withObjectProperty("merge_request").put("author_id", 1)));

        assertThat(result.ignoredReason()).isEqualTo("the note is by the author of merge request 1, so it does not "
                + "count as reviewed");
    }

    @Test
    void shouldIgnoreTheCommentWhenThePayloadDoesNotSayWhoWroteTheMergeRequest() {
        WebhookResult result = map("Note Hook", editedFixture("gitlab/note.merge_request.json",
                json -> json.withObjectProperty("merge_request").remove("author_id")));

        assertThat(result.ignoredReason()).isEqualTo("the note does not say who wrote it and who wrote merge request "
                + "1 (object_attributes.author_id, merge_request.author_id), so it cannot count as reviewed by "
                + "someone other than the author");
    }

    @Test
    void shouldIgnoreTheNoteWhenGitLabWroteItOrItIsNotOnAMergeRequest() {
        WebhookResult system = map("Note Hook", editedFixture("gitlab/note.merge_request.json",
                json -> json.withObjectProperty("object_attributes").put("system", true)));
        WebhookResult onIssue = map("Note Hook", editedFixture("gitlab/note.merge_request.json",
                json -> json.withObjectProperty("object_attributes").put("noteable_type", "Issue")));

        assertThat(system.ignoredReason()).isEqualTo("a system note is written by GitLab itself, not by a reviewer");
        assertThat(onIssue.ignoredReason()).isEqualTo("the note's noteable_type is 'Issue', not MergeRequest; only "
                + "comments on merge requests are reviews");
    }

    // ---- Pipeline Hook

    @Test
    void shouldQueueStartAndPassTheCiGateWhenThePipelineSucceeded() {
        WebhookResult result = map("Pipeline Hook", fixtureBytes("gitlab/pipeline.success.json"));

        // Created 15:23:28, queued for 12 s, finished 15:26:29. The manual production job was skipped: no approval.
        assertThat(result.events()).containsExactly(
                new GateQueued("gitlab:" + KEY + ":pipeline:31:queued", Instant.parse("2016-08-12T15:23:28Z"),
                        "gitlab-org/gitlab-test", "ci", "31"),
                new GateStarted("gitlab:" + KEY + ":pipeline:31:started", Instant.parse("2016-08-12T15:23:40Z"),
                        "gitlab-org/gitlab-test", "ci", "31"),
                new GateFinished("gitlab:" + KEY + ":pipeline:31:finished", Instant.parse("2016-08-12T15:26:29Z"),
                        "gitlab-org/gitlab-test", "ci", "31", GateOutcome.PASSED));
    }

    @Test
    void shouldFailTheCiGateWhenThePipelineFailed() {
        WebhookResult result = map("Pipeline Hook", editedFixture("gitlab/pipeline.success.json",
                json -> json.withObjectProperty("object_attributes").put("status", "failed")));

        assertThat(result.events()).last().isEqualTo(new GateFinished("gitlab:" + KEY + ":pipeline:31:finished",
                Instant.parse("2016-08-12T15:26:29Z"), "gitlab-org/gitlab-test", "ci", "31", GateOutcome.FAILED));
    }

    @Test
    void shouldOnlyQueueWhenThePipelineIsPending() {
        WebhookResult result = map("Pipeline Hook", fixtureBytes("gitlab/pipeline.pending.json"));

        assertThat(result.events()).containsExactly(new GateQueued("gitlab:" + KEY + ":pipeline:32:queued",
                Instant.parse("2016-08-12T17:00:00Z"), "gitlab-org/gitlab-test", "ci", "32"));
    }

    @Test
    void shouldStartTheCiGateAtCreationWhenGitLabSendsNoQueuedDuration() {
        // GitLab sends null rather than 0 for a pipeline that started in under a second.
        WebhookResult result = map("Pipeline Hook", editedFixture("gitlab/pipeline.running.json",
                json -> json.withObjectProperty("object_attributes").putNull("queued_duration")));

        assertThat(result.events()).contains(new GateStarted("gitlab:" + KEY + ":pipeline:31:started",
                Instant.parse("2016-08-12T15:23:28Z"), "gitlab-org/gitlab-test", "ci", "31"));
    }

    @Test
    void shouldQueueTheManualDeploymentJobForApprovalWhenThePipelineIsBlockedOnIt() {
        WebhookResult result = map("Pipeline Hook", fixtureBytes("gitlab/pipeline.manual.json"));

        // Playable once the build and test stages were done: build-image 15:25:26, test-build 15:26:29 (test-image
        // sent no finished_at). The blocked pipeline itself is already started: no ci event.
        assertThat(result.events()).containsExactly(new GateQueued("gitlab:" + KEY + ":job:380:queued",
                Instant.parse("2016-08-12T15:26:29Z"), "gitlab-org/gitlab-test", "approval:production", "380"));
    }

    @Test
    void shouldPassTheApprovalWhenTheManualJobWasPlayed() {
        WebhookResult result = map("Pipeline Hook", fixtureBytes("gitlab/pipeline.running.json"));

        assertThat(result.events()).containsExactly(
                new GateQueued("gitlab:" + KEY + ":pipeline:31:queued", Instant.parse("2016-08-12T15:23:28Z"),
                        "gitlab-org/gitlab-test", "ci", "31"),
                new GateStarted("gitlab:" + KEY + ":pipeline:31:started", Instant.parse("2016-08-12T15:23:40Z"),
                        "gitlab-org/gitlab-test", "ci", "31"),
                new GateQueued("gitlab:" + KEY + ":job:380:queued", Instant.parse("2016-08-12T15:26:29Z"),
                        "gitlab-org/gitlab-test", "approval:production", "380"),
                new GateFinished("gitlab:" + KEY + ":job:380:finished", Instant.parse("2016-08-12T16:02:05Z"),
                        "gitlab-org/gitlab-test", "approval:production", "380", GateOutcome.PASSED));
    }

    @Test
    void shouldNameTheApprovalGateAfterTheEnvironmentFolderWhenTheEnvironmentIsDynamic() {
        WebhookResult result = map("Pipeline Hook", editedFixture("gitlab/pipeline.manual.json",
                json -> build(json, 0).withObjectProperty("environment").put("name", "review/feature-x")));

        assertThat(result.events()).extracting(event -> ((GateQueued) event).gate())
                .containsExactly("approval:review");
    }

    @Test
    void shouldIgnoreTheBlockedPipelineWhenItsManualJobStopsAnEnvironment() {
        WebhookResult result = map("Pipeline Hook", editedFixture("gitlab/pipeline.manual.json",
                json -> build(json, 0).withObjectProperty("environment").put("action", "stop")));

        assertThat(result.ignoredReason()).isEqualTo("the pipeline waits for a manual job that deploys nowhere");
    }

    @Test
    void shouldEndTheWaitWhenThePipelineIsCanceledBeforeItRan() {
        WebhookResult result = map("Pipeline Hook", fixtureBytes("gitlab/pipeline.canceled.json"));

        assertThat(result.events()).containsExactly(
                new GateQueued("gitlab:" + KEY + ":pipeline:32:queued", Instant.parse("2016-08-12T17:00:00Z"),
                        "gitlab-org/gitlab-test", "ci", "32"),
                new GateFinished("gitlab:" + KEY + ":pipeline:32:finished", Instant.parse("2016-08-12T17:04:00Z"),
                        "gitlab-org/gitlab-test", "ci", "32", GateOutcome.FAILED));
    }

    @Test
    void shouldIgnoreACanceledPipelineWhenItHadStarted() {
        WebhookResult result = map("Pipeline Hook", editedFixture("gitlab/pipeline.canceled.json",
                json -> json.withObjectProperty("object_attributes").put("duration", 95)));

        assertThat(result.ignoredReason()).isEqualTo("a pipeline canceled after it started has no verdict");
    }

    @Test
    void shouldIgnoreTheJobHookWhenItArrives() {
        WebhookResult result = map("Job Hook", fixtureBytes("gitlab/job.success.json"));

        assertThat(result.ignoredReason()).isEqualTo("a job hook does not say whether the job is manual; Flowmeter "
                + "reads manual deployment jobs from the Pipeline Hook, so enable pipeline events instead");
    }

    // ---- Deployment Hook

    @Test
    void shouldRecordTheDeploymentWithTheShaAtTheEndOfTheCommitUrlWhenItSucceeded() {
        WebhookResult result = map("Deployment Hook", fixtureBytes("gitlab/deployment.success.json"));

        // status_changed_at 2021-04-28 21:50:00 +0200 is 19:50 UTC.
        assertThat(result.events()).containsExactly(new DeploymentFinished("gitlab:" + KEY + ":deployment:15",
                Instant.parse("2021-04-28T19:50:00Z"), "root/test-deployment-webhooks", "staging", DEPLOYED,
                DeploymentStatus.SUCCESS, List.of()));
    }

    @Test
    void shouldRecordAFailedDeploymentWhenTheStatusIsFailed() {
        WebhookResult result = map("Deployment Hook", editedFixture("gitlab/deployment.success.json",
                json -> json.put("status", "failed")));

        assertThat(result.events()).singleElement()
                .satisfies(event -> assertThat(((DeploymentFinished) event).status())
                        .isEqualTo(DeploymentStatus.FAILURE));
    }

    @Test
    void shouldIgnoreTheDeploymentWhenItIsStillRunning() {
        WebhookResult result = map("Deployment Hook", editedFixture("gitlab/deployment.success.json",
                json -> json.put("status", "running")));

        assertThat(result.ignoredReason())
                .isEqualTo("deployment status 'running' is not an end; only success and failed are deployments");
    }

    @Test
    void shouldRefuseTheDeploymentWhenTheCommitUrlDoesNotEndWithAFullSha() {
        byte[] body = editedFixture("gitlab/deployment.success.json", json -> json.put("commit_url",
                "http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c0"));

        assertThatThrownBy(() -> map("Deployment Hook", body)).isInstanceOfSatisfying(Rejected.class, rejected -> {
            assertThat(rejected.problem().status()).isEqualTo(400);
            assertThat(rejected.errors()).containsExactly(new FieldError("commit_url",
                    "must end with a full commit id: 40 or 64 hexadecimal characters"));
        });
    }

    @Test
    void shouldLabelTheEnvironmentWithinTheContractWhenTheNameHasOtherCharacters() {
        assertThat(GitLabMapper.environment("production")).isEqualTo("production");
        assertThat(GitLabMapper.environment("review/feature-x")).isEqualTo("review");
        assertThat(GitLabMapper.environment("Production EU")).isEqualTo("Production-EU");
        assertThat(GitLabMapper.approvalGate("x".repeat(150))).hasSize(100).startsWith("approval:xxx");
    }

    // ---- Headers, dedup and refusals

    @Test
    void shouldGiveTheSameIdsWhenTheSameDeliveryComesAgain() {
        byte[] body = fixtureBytes("gitlab/pipeline.running.json");

        assertThat(map("Pipeline Hook", body)).isEqualTo(map("Pipeline Hook", body));
    }

    @Test
    void shouldUseTheEventUuidWhenThereIsNoIdempotencyKey() {
        Map<String, String> headers = headers();
        headers.remove("Idempotency-Key");
        headers.put("X-Gitlab-Event-UUID", EVENT_UUID);

        WebhookResult result = source.map(request("Merge Request Hook", fixtureBytes("gitlab/merge_request.open.json"),
                headers));

        assertThat(result.events()).extracting(DeliveryEvent::id)
                .containsExactly("gitlab:" + EVENT_UUID + ":merge-request:1:open",
                        "gitlab:" + EVENT_UUID + ":change:1:opened");
    }

    @Test
    void shouldIgnoreEventsFlowmeterDoesNotUseWhenTheyArrive() {
        WebhookResult result = map("Wiki Page Hook",
                "{\"object_kind\":\"wiki_page\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(result.ignoredReason()).isEqualTo("GitLab event 'Wiki Page Hook' changes no metric; Flowmeter "
                + "reads push, merge request, note (merge request comments), pipeline, deployment and issue (work item "
                + "and incident) events");
    }

    // ---- Issue Hook: incidents

    @Test
    void shouldOpenTheIncidentAtItsCreationWhenAnIncidentIsOpened() {
        WebhookResult result = map("Issue Hook", fixtureBytes("gitlab/issue.open.incident.json"));

        assertThat(result.events()).containsExactly(new IncidentOpened("gitlab:" + KEY + ":incident:23:open",
                Instant.parse("2013-12-03T17:15:43Z"), GITLAB_TEST, INCIDENT, "", ""));
    }

    @Test
    void shouldResolveTheSameIncidentAtItsCloseTimeWhenTheIncidentIsClosed() {
        WebhookResult result = map("Issue Hook", fixtureBytes("gitlab/issue.close.incident.json"));

        assertThat(result.events()).containsExactly(new IncidentResolved("gitlab:" + KEY + ":incident:23:close",
                Instant.parse("2013-12-03T19:02:11Z"), GITLAB_TEST, INCIDENT, "", ""));
    }

    @Test
    void shouldResolveTheIncidentAtUpdatedAtWhenTheCloseHasNoCloseTime() {
        byte[] body = editedFixture("gitlab/issue.close.incident.json", json -> {
            json.withObjectProperty("object_attributes").remove("closed_at");
            json.withObjectProperty("object_attributes").put("updated_at", "2013-12-03 19:05:00 UTC");
        });

        WebhookResult result = map("Issue Hook", body);

        assertThat(result.events()).containsExactly(new IncidentResolved("gitlab:" + KEY + ":incident:23:close",
                Instant.parse("2013-12-03T19:05:00Z"), GITLAB_TEST, INCIDENT, "", ""));
    }

    @Test
    void shouldOpenTheIncidentAgainAtUpdatedAtWhenTheIncidentIsReopened() {
        byte[] body = editedFixture("gitlab/issue.close.incident.json", json -> {
            ObjectNode attributes = json.withObjectProperty("object_attributes");
            attributes.put("action", "reopen");
            attributes.put("state", "opened");
            attributes.put("updated_at", "2013-12-04T08:30:00Z");
        });

        WebhookResult result = map("Issue Hook", body);

        assertThat(result.events()).containsExactly(new IncidentOpened("gitlab:" + KEY + ":incident:23:reopen",
                Instant.parse("2013-12-04T08:30:00Z"), GITLAB_TEST, INCIDENT, "", ""));
    }

    @Test
    void shouldTakeTheIssueForAnIncidentWhenGitLabSendsNoTypeButAnEscalationStatus() {
        WebhookResult result = map("Issue Hook", fixtureBytes("gitlab/issue.open.escalation-status.json"));

        assertThat(result.events()).containsExactly(new IncidentOpened("gitlab:" + KEY + ":incident:23:open",
                Instant.parse("2013-12-03T17:15:43Z"), GITLAB_TEST, INCIDENT, "", ""));
    }

    @Test
    void shouldReadTheIncidentAlikeWhenItIsConfidentialOrSentAsAWorkItem() {
        byte[] workItem = editedFixture("gitlab/issue.open.incident.json",
                json -> json.put("object_kind", "work_item"));

        WebhookResult confidential = map("Confidential Issue Hook", fixtureBytes("gitlab/issue.open.incident.json"));
        WebhookResult asWorkItem = map("Issue Hook", workItem);

        IncidentOpened expected = new IncidentOpened("gitlab:" + KEY + ":incident:23:open",
                Instant.parse("2013-12-03T17:15:43Z"), GITLAB_TEST, INCIDENT, "", "");
        assertThat(confidential.events()).containsExactly(expected);
        assertThat(asWorkItem.events()).containsExactly(expected);
    }

    @Test
    void shouldMakeAWorkItemAndNoIncidentWhenTheIssueHasNeitherTheIncidentTypeNorAnEscalationStatus() {
        byte[] body = editedFixture("gitlab/issue.open.escalation-status.json",
                json -> json.withObjectProperty("object_attributes").remove("escalation_status"));

        WebhookResult result = map("Issue Hook", body);

        // As GitLab before 17.2 sends an ordinary issue: no type, so the kind is the default one, feature.
        assertThat(result.events()).containsExactly(new WorkItemChanged("gitlab:" + KEY + ":work:23:open",
                EventType.WORK_CREATED, Instant.parse("2013-12-03T17:15:43Z"), GITLAB_TEST, "#23", WorkKind.FEATURE,
                ISSUE_TITLE, ISSUE_URL, ""));
    }

    @Test
    void shouldIgnoreTheIncidentWhenItIsOnlyUpdated() {
        byte[] body = editedFixture("gitlab/issue.open.incident.json",
                json -> json.withObjectProperty("object_attributes").put("action", "update"));

        WebhookResult result = map("Issue Hook", body);

        assertThat(result.ignoredReason()).isEqualTo("incident action 'update' neither opens nor resolves it; "
                + "Flowmeter reads open, reopen and close");
    }

    @Test
    void shouldHashTheIncidentIdWhenTheProjectPathMakesItLongerThan200Characters() throws Exception {
        String path = "group/" + "very-long-subgroup/".repeat(10) + "project";
        Path map = Files.writeString(tempDir.resolve("services.map"), path + " = shop/checkout\n");
        GitLabSource renamed = new GitLabSource(Secret.of(TOKEN), ServiceMap.load(map));
        byte[] body = editedFixture("gitlab/issue.open.incident.json",
                json -> json.withObjectProperty("project").put("path_with_namespace", path));

        WebhookResult result = renamed.map(request("Issue Hook", body, headers()));

        String hashed = "gitlab:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(("gitlab:" + path + "#23").getBytes(StandardCharsets.UTF_8)));
        assertThat(result.events()).containsExactly(new IncidentOpened("gitlab:" + KEY + ":incident:23:open",
                Instant.parse("2013-12-03T17:15:43Z"), "shop/checkout", hashed, "", ""));
    }

    @Test
    void shouldRefuseNamingTheFieldWhenTheIncidentHasNoIid() {
        byte[] body = editedFixture("gitlab/issue.open.incident.json",
                json -> json.withObjectProperty("object_attributes").remove("iid"));

        assertThatThrownBy(() -> map("Issue Hook", body)).isInstanceOfSatisfying(Rejected.class, rejected -> {
            assertThat(rejected.problem().status()).isEqualTo(400);
            assertThat(rejected.problem().detail()).isEqualTo("the Issue Hook payload cannot be mapped: 1 problem; "
                    + "see errors");
            assertThat(rejected.errors()).containsExactly(new FieldError("object_attributes.iid", "is required"));
        });
    }

    // ---- Issue Hook: work items

    @Test
    void shouldCreateTheWorkItemAtItsCreationWhenAnIssueIsOpened() {
        WebhookResult result = map("Issue Hook", fixtureBytes("gitlab/issue.open.json"));

        // Type Issue, which the default kinds do not name, and no labels: a feature. GitLab names no milestone title.
        assertThat(result.events()).containsExactly(new WorkItemChanged("gitlab:" + KEY + ":work:23:open",
                EventType.WORK_CREATED, Instant.parse("2013-12-03T17:15:43Z"), GITLAB_TEST, "#23", WorkKind.FEATURE,
                ISSUE_TITLE, ISSUE_URL, ""));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldStartTheWorkItemAtTheUpdateWhenTheUpdateGivesTheFirstAssignee() {
        WebhookResult result = map("Issue Hook", fixtureBytes("gitlab/issue.update.assigned.json"));

        // changes.assignees went from [] to [User1] at 17:40:12Z.
        assertThat(result.events()).containsExactly(new WorkItemChanged("gitlab:" + KEY + ":work:23:update",
                EventType.WORK_STARTED, Instant.parse("2013-12-03T17:40:12Z"), GITLAB_TEST, "#23", WorkKind.FEATURE,
                ISSUE_TITLE, ISSUE_URL, ""));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldCreateAndStartTheWorkItemAtItsCreationWhenTheIssueIsOpenedWithAnAssignee() {
        // As in GitLab's own example: assignee_ids [51] at the opening. No update will assign it later.
        byte[] body = editedFixture("gitlab/issue.open.json",
                json -> json.withObjectProperty("object_attributes").putArray("assignee_ids").add(51));

        WebhookResult result = map("Issue Hook", body);

        Instant created = Instant.parse("2013-12-03T17:15:43Z");
        assertThat(result.events()).containsExactly(
                new WorkItemChanged("gitlab:" + KEY + ":work:23:open", EventType.WORK_CREATED, created, GITLAB_TEST,
                        "#23", WorkKind.FEATURE, ISSUE_TITLE, ISSUE_URL, ""),
                new WorkItemChanged("gitlab:" + KEY + ":work:23:open:assigned", EventType.WORK_STARTED, created,
                        GITLAB_TEST, "#23", WorkKind.FEATURE, ISSUE_TITLE, ISSUE_URL, ""));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldStartTheWorkItemWhenTheUpdateGivesTheFirstAssigneeIdInstead() {
        byte[] body = editedFixture("gitlab/issue.update.assigned.json", json -> {
            ObjectNode changes = json.withObjectProperty("changes");
            changes.remove("assignees");
            ObjectNode ids = changes.putObject("assignee_ids");
            ids.putArray("previous");
            ids.putArray("current").add(51);
        });

        WebhookResult result = map("Issue Hook", body);

        assertThat(result.events()).extracting(DeliveryEvent::type).containsExactly(EventType.WORK_STARTED);
    }

    @Test
    void shouldIgnoreTheUpdateWhenItGivesNoFirstAssignee() {
        byte[] another = editedFixture("gitlab/issue.update.assigned.json", json -> {
            ObjectNode assignees = json.withObjectProperty("changes").withObjectProperty("assignees");
            assignees.set("previous", assignees.get("current").deepCopy());
            assignees.withArrayProperty("current").addObject().put("name", "User2").put("username", "user2");
        });
        byte[] relabelled = editedFixture("gitlab/issue.update.assigned.json",
                json -> json.withObjectProperty("changes").remove("assignees"));

        String reason = "the update gives the work item no first assignee, the one change of an update that Flowmeter "
                + "reads (it starts the work)";
        assertThat(map("Issue Hook", another).ignoredReason()).isEqualTo(reason);
        assertThat(map("Issue Hook", relabelled).ignoredReason()).isEqualTo(reason);
    }

    @Test
    void shouldFinishTheWorkItemAtItsCloseTimeWhenTheIssueIsClosed() {
        WebhookResult result = map("Issue Hook", fixtureBytes("gitlab/issue.close.json"));

        assertThat(result.events()).containsExactly(new WorkItemChanged("gitlab:" + KEY + ":work:23:close",
                EventType.WORK_DONE, Instant.parse("2013-12-03T19:02:11Z"), GITLAB_TEST, "#23", WorkKind.FEATURE,
                ISSUE_TITLE, ISSUE_URL, ""));
    }

    @Test
    void shouldCancelTheWorkItemWhenTheCloseMarksItADuplicateOrMovesIt() {
        for (String field : List.of("duplicated_to_id", "moved_to_id")) {
            byte[] body = editedFixture("gitlab/issue.close.json",
                    json -> json.withObjectProperty("object_attributes").put(field, 24));

            WebhookResult result = map("Issue Hook", body);

            assertThat(result.events()).as(field).containsExactly(new WorkItemChanged(
                    "gitlab:" + KEY + ":work:23:close", EventType.WORK_CANCELLED, Instant.parse("2013-12-03T19:02:11Z"),
                    GITLAB_TEST, "#23", WorkKind.FEATURE, ISSUE_TITLE, ISSUE_URL, ""));
        }
    }

    @Test
    void shouldReopenTheWorkItemAtTheUpdateWhenTheIssueIsReopened() {
        byte[] body = editedFixture("gitlab/issue.close.json", json -> {
            ObjectNode attributes = json.withObjectProperty("object_attributes");
            attributes.put("action", "reopen");
            attributes.put("state", "opened");
            attributes.put("updated_at", "2013-12-04 08:30:00 UTC");
        });

        WebhookResult result = map("Issue Hook", body);

        assertThat(result.events()).containsExactly(new WorkItemChanged("gitlab:" + KEY + ":work:23:reopen",
                EventType.WORK_REOPENED, Instant.parse("2013-12-04T08:30:00Z"), GITLAB_TEST, "#23", WorkKind.FEATURE,
                ISSUE_TITLE, ISSUE_URL, ""));
    }

    @Test
    void shouldTakeTheKindFromTheTypeAndTheLabelTitlesWhenThePayloadHasThem() {
        byte[] task = editedFixture("gitlab/issue.open.json",
                json -> json.withObjectProperty("object_attributes").put("type", "Task"));
        byte[] olderTask = editedFixture("gitlab/issue.open.json", json -> {
            json.withObjectProperty("object_attributes").remove("type");
            json.withObjectProperty("object_attributes").put("issue_type", "task");
        });
        byte[] bug = editedFixture("gitlab/issue.update.assigned.json", json -> ((ObjectNode) json
                .withObjectProperty("object_attributes").withArrayProperty("labels").get(0)).put("title", "bug"));
        byte[] topLevelLabel = editedFixture("gitlab/issue.update.assigned.json", json -> {
            json.withObjectProperty("object_attributes").remove("labels");
            ((ObjectNode) json.withArrayProperty("labels").get(0)).put("title", "Security");
        });

        // Task is debt; the label bug a defect, security a risk, whatever the type (Issue here).
        assertThat(kinds(map("Issue Hook", task))).containsExactly(WorkKind.DEBT);
        assertThat(kinds(map("Issue Hook", olderTask))).containsExactly(WorkKind.DEBT);
        assertThat(kinds(map("Issue Hook", bug))).containsExactly(WorkKind.DEFECT);
        assertThat(kinds(map("Issue Hook", topLevelLabel))).containsExactly(WorkKind.RISK);
    }

    @Test
    void shouldTakeTheKindFromTheConfiguredRulesWhenFlowmeterWorkKindsIsSet() {
        GitLabSource configured = new GitLabSource(Secret.of(TOKEN), ServiceMap.IDENTITY,
                WorkKinds.parse("Issue=debt, label:API=risk"));

        WebhookResult opened = configured.map(request("Issue Hook", fixtureBytes("gitlab/issue.open.json"),
                headers()));
        WebhookResult assigned = configured.map(request("Issue Hook",
                fixtureBytes("gitlab/issue.update.assigned.json"), headers()));

        assertThat(kinds(opened)).containsExactly(WorkKind.DEBT);
        assertThat(kinds(assigned)).containsExactly(WorkKind.RISK);
    }

    @Test
    void shouldTakeTheMilestoneTitleAsReleaseWhenThePayloadCarriesOne() {
        // GitLab's own hooks name only milestone_id; a milestone object, should one come, gives the release.
        byte[] body = editedFixture("gitlab/issue.open.json", json -> json.withObjectProperty("object_attributes")
                .putObject("milestone").put("id", 1).put("title", "v1.0"));

        WebhookResult result = map("Issue Hook", body);

        assertThat(result.events()).singleElement().isInstanceOfSatisfying(WorkItemChanged.class,
                work -> assertThat(work.release()).isEqualTo("v1.0"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldMapATaskSentAsAWorkItemAndIgnoreAGroupsEpic() {
        byte[] task = editedFixture("gitlab/issue.open.json", json -> {
            json.put("object_kind", "work_item");
            json.withObjectProperty("object_attributes").put("type", "Task");
        });
        byte[] epic = editedFixture("gitlab/issue.update.work_item.json",
                json -> json.withObjectProperty("object_attributes").put("action", "open"));

        WebhookResult taskResult = map("Issue Hook", task);
        WebhookResult epicUpdate = map("Issue Hook", fixtureBytes("gitlab/issue.update.work_item.json"));
        WebhookResult epicOpened = map("Issue Hook", epic);

        assertThat(taskResult.events()).containsExactly(new WorkItemChanged("gitlab:" + KEY + ":work:23:open",
                EventType.WORK_CREATED, Instant.parse("2013-12-03T17:15:43Z"), GITLAB_TEST, "#23", WorkKind.DEBT,
                ISSUE_TITLE, ISSUE_URL, ""));
        // GitLab's example: an epic of a group, updated (its health status) without a project.
        assertThat(epicUpdate.ignoredReason()).isEqualTo("the update gives the work item no first assignee, the one "
                + "change of an update that Flowmeter reads (it starts the work)");
        assertThat(epicOpened.ignoredReason()).isEqualTo("the work item belongs to a group, not a project (an epic, "
                + "say), so it belongs to no service");
    }

    @Test
    void shouldIgnoreTheWorkItemWhenTheActionChangesNoMetric() {
        byte[] body = editedFixture("gitlab/issue.open.json",
                json -> json.withObjectProperty("object_attributes").put("action", "delete"));

        WebhookResult result = map("Confidential Issue Hook", body);

        assertThat(result.ignoredReason()).isEqualTo("work item action 'delete' changes no metric; Flowmeter reads "
                + "open, close, reopen, and the update that gives the first assignee");
    }

    @Test
    void shouldGiveTheSameWorkItemIdWhenTheSameDeliveryComesAgain() {
        byte[] body = fixtureBytes("gitlab/issue.update.assigned.json");

        assertThat(map("Issue Hook", body)).isEqualTo(map("Issue Hook", body));
        assertThat(map("Issue Hook", body).events()).extracting(DeliveryEvent::id)
                .containsExactly("gitlab:" + KEY + ":work:23:update");
    }

    @Test
    void shouldRefuseNamingTheFieldWhenTheIidCannotNameAWorkItem() {
        byte[] body = editedFixture("gitlab/issue.open.json",
                json -> json.withObjectProperty("object_attributes").put("iid", "23a"));

        assertThatThrownBy(() -> map("Issue Hook", body)).isInstanceOfSatisfying(Rejected.class, rejected ->
                assertThat(rejected.errors()).containsExactly(new FieldError("object_attributes.iid",
                        "must be an issue number of 1-18 digits")));
    }

    @Test
    void shouldPublishTheIncidentAndAnswer202WhenAnIncidentIsOpened() {
        Map<String, String> headers = headers();
        headers.put("X-Gitlab-Event", "Issue Hook");
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixtureBytes("gitlab/issue.open.incident.json"), headers);

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string())
                    .isEqualTo("{\"accepted\":[\"gitlab:" + KEY + ":incident:23:open\"]}");
            assertThat(publisher.batches()).hasSize(1);
            WebhookTests.assertEveryEventMeetsTheContract(publisher);
        });
    }

    @Test
    void shouldPublishTheEventsAndAnswer202WhenTheTokenMatches() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixtureBytes("gitlab/deployment.success.json"), headers());

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"gitlab:" + KEY + ":deployment:15\"]}");
            assertThat(publisher.batches()).hasSize(1);
        });
    }

    @Test
    void shouldRefuseWith401WhenTheTokenIsMissing() {
        Map<String, String> headers = headers();
        headers.remove("X-Gitlab-Token");
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixtureBytes("gitlab/deployment.success.json"), headers);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-Gitlab-Token is missing; set the webhook's "
                    + "secret token in GitLab to the value of GITLAB_WEBHOOK_TOKEN\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheTokenIsWrong() {
        Map<String, String> headers = headers();
        headers.put("X-Gitlab-Token", "test-tokeN");
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixtureBytes("gitlab/deployment.success.json"), headers);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string())
                    .contains("\"detail\":\"X-Gitlab-Token does not match; check GITLAB_WEBHOOK_TOKEN\"");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().snapshot()).isEqualTo(Map.of("gitlab", 1L));
        });
    }

    @Test
    void shouldRefuseWith400NamingBothHeadersWhenThereIsNoDeliveryId() {
        Map<String, String> headers = headers();
        headers.remove("Idempotency-Key");
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixtureBytes("gitlab/deployment.success.json"), headers);

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains(
                    "\"detail\":\"neither the Idempotency-Key nor the X-Gitlab-Event-UUID header is present; "
                            + "Flowmeter needs one of them to count a redelivered webhook once\"",
                    "{\"field\":\"Idempotency-Key\",\"problem\":\"header is required when X-Gitlab-Event-UUID is "
                            + "missing\"}",
                    "{\"field\":\"X-Gitlab-Event-UUID\",\"problem\":\"header is required when Idempotency-Key is "
                            + "missing\"}");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheEventHeaderIsMissing() {
        Map<String, String> headers = headers();
        headers.remove("X-Gitlab-Event");
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixtureBytes("gitlab/deployment.success.json"), headers);

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the X-Gitlab-Event header is missing\"");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheBodyIsNotJson() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, "{\"object_kind\":".getBytes(StandardCharsets.UTF_8), headers());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the request body is not valid JSON\"");
        });
    }

    @Test
    void shouldRefuseWith400NamingEveryBadFieldWhenThePayloadCannotBeMapped() {
        byte[] body = editedFixture("gitlab/push.json", json -> {
            json.remove("project");
            ((ObjectNode) json.withArrayProperty("commits").get(1)).put("id", "da15608");
            ((ObjectNode) json.withArrayProperty("commits").get(0)).put("timestamp", "last tuesday");
        });
        Map<String, String> headers = headers();
        headers.put("X-Gitlab-Event", "Push Hook");
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, body, headers);

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains(
                    "\"detail\":\"the Push Hook payload cannot be mapped: 3 problems; see errors\"",
                    "{\"field\":\"project.path_with_namespace\",\"problem\":\"is required\"}",
                    "{\"field\":\"commits[0].timestamp\",\"problem\":\"is not a timestamp Flowmeter can read\"}",
                    "{\"field\":\"commits[1].id\",\"problem\":\"must be a full commit id: 40 or 64 hexadecimal "
                            + "characters\"}");
            assertThat(publisher.rejections()).singleElement()
                    .satisfies(rejection -> assertThat(rejection.reason()).isEqualTo("invalid_payload"));
        });
    }

    @Test
    void shouldRefuseNamingTheFieldWhenATimestampIsBefore1970() {
        byte[] body = editedFixture("gitlab/push.json",
                json -> ((ObjectNode) json.withArrayProperty("commits").get(1))
                        .put("timestamp", "1969-07-20 20:17:40 UTC"));

        assertThatThrownBy(() -> map("Push Hook", body)).isInstanceOfSatisfying(Rejected.class, rejected -> {
            assertThat(rejected.problem().status()).isEqualTo(400);
            assertThat(rejected.errors()).containsExactly(
                    new FieldError("commits[1].timestamp", "must not be before 1970-01-01T00:00:00Z"));
        });
    }

    /**
     * GitLab project paths hold no spaces, so one that does is refused rather than renamed. The route checks every
     * mapped event against the contract, as the topology reads it back, and names the event.
     */
    @Test
    void shouldRefuseWith400WhenTheProjectPathBreaksTheServiceContract() {
        byte[] body = editedFixture("gitlab/deployment.success.json",
                json -> json.withObjectProperty("project").put("path_with_namespace", "root/test deployments"));
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, body, headers());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("{\"field\":\"service\",\"problem\":\"of the deployment "
                    + "event 'gitlab:" + KEY + ":deployment:");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    /** GitLab ids are 64-bit integers; a longer one would make an item the topology refuses, after a 202. */
    @Test
    void shouldRefuseNamingTheFieldWhenAnIdIsAnIntegerTooLongForAnId() {
        byte[] body = editedFixture("gitlab/merge_request.open.json", json -> json.withObjectProperty(
                "object_attributes").put("iid", new BigInteger("9".repeat(201))));

        assertThatThrownBy(() -> map("Merge Request Hook", body)).isInstanceOfSatisfying(Rejected.class, rejected ->
                assertThat(rejected.errors()).containsExactly(
                        new FieldError("object_attributes.iid", "must be an integer id")));
    }

    // ---- helpers

    private WebhookResult map(String event, byte[] body) {
        return source.map(request(event, body, headers()));
    }

    private static List<WorkKind> kinds(WebhookResult result) {
        return result.events().stream().map(event -> ((WorkItemChanged) event).kind()).toList();
    }

    private static WebhookRequest request(String event, byte[] body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("X-Gitlab-Event", event);
        return new WebhookRequest(all, body, NOW);
    }

    private static Map<String, String> headers() {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Gitlab-Event", "Deployment Hook");
        headers.put("X-Gitlab-Token", TOKEN);
        headers.put("Idempotency-Key", KEY);
        return headers;
    }

    private Javalin app() {
        return WebhookTests.app(source, dependencies);
    }

    private static Response post(HttpClient client, byte[] body, Map<String, String> headers) {
        return client.request("/webhooks/gitlab", request -> {
            request.post(BodyPublishers.ofByteArray(body));
            request.header("Content-Type", "application/json");
            headers.forEach(request::header);
        });
    }

    private static ObjectNode build(ObjectNode pipeline, int index) {
        return (ObjectNode) pipeline.withArrayProperty("builds").get(index);
    }
}
