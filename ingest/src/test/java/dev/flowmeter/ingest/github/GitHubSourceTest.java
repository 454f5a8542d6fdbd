package dev.flowmeter.ingest.github;

import static dev.flowmeter.ingest.testing.WebhookTests.assertEveryEventMeetsTheContract;
import static dev.flowmeter.ingest.testing.WebhookTests.editedFixture;
import static dev.flowmeter.ingest.testing.WebhookTests.fixtureBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
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
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WorkKinds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every GitHub mapping on the trimmed example payloads in {@code fixtures/github}. Expected events are read off the
 * fixtures by hand: shas, times and numbers below are copied from the payload text, never from program output.
 */
class GitHubSourceTest {

    static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    static final String DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    static final Secret SECRET = Secret.of("It's a Secret to Everybody");

    private static final String HELLO_WORLD = "Codertocat/Hello-World";
    private static final String OCTO_REPO = "octo-org/octo-repo";
    private static final String SAMPLE_APP = "terraform-test-github/sample-app";
    /** The commit of push.json; also the {@code before} of push.two-commits.json. */
    private static final String INITIAL = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private static final String CART = "7a3c2d8e5f9b1a4c6e8d0f2b4a6c8e0d2f4b6a81";
    private static final String CHARGE = "b5e1f0c3d2a4968877665544332211ffeeddccbb";
    private static final String PR_HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    private static final String MERGE = "c4295bd74fb0f4fda03689c3df3f2803b658fd85";
    private static final String DEPLOYED = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
    private static final String RUN = "289782451";
    private static final String APPROVAL_RUN = "5453085689";
    /** Issue 1 of Codertocat/Hello-World, in every issues fixture: the id its opening and resolution share. */
    private static final String INCIDENT = "github:Codertocat/Hello-World#1";
    /** Issue 1 of Codertocat/Hello-World, in the work item fixtures. */
    private static final String ISSUE_TITLE = "Spelling error in the README file";
    private static final String ISSUE_URL = "https://github.com/Codertocat/Hello-World/issues/1";

    private final GitHubSource source = new GitHubSource(SECRET, ServiceMap.IDENTITY);

    @TempDir
    Path tempDir;

    // ---- push

    @Test
    void shouldRecordTheCommitWithoutAParentWhenThePushCreatesABranch() {
        WebhookResult result = map(source, "push", fixtureBytes("github/push.json"));

        assertThat(result.events()).containsExactly(new CommitRecorded(id("commit", INITIAL),
                Instant.parse("2019-05-15T15:19:25Z"), HELLO_WORLD, INITIAL, List.of(), "Initial commit", List.of()));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldChainParentsFromBeforeThroughTheListedCommitsWhenThePushHasSeveralCommits() {
        WebhookResult result = map(source, "push", fixtureBytes("github/push.two-commits.json"));

        // The first commit is stamped 17:10:00+02:00, which is 15:10:00 UTC.
        assertThat(result.events()).containsExactly(
                new CommitRecorded(id("commit", CART), Instant.parse("2019-05-15T15:10:00Z"), HELLO_WORLD, CART,
                        List.of(INITIAL), "Add the cart service", List.of()),
                new CommitRecorded(id("commit", CHARGE), Instant.parse("2019-05-15T15:40:30Z"), HELLO_WORLD, CHARGE,
                        List.of(CART), "Charge for the cart", List.of()));
    }

    @Test
    void shouldRecordTheCommitOncePerServiceItTouchedWhenTheRepositoryIsSplitByPath() throws IOException {
        Path map = Files.writeString(tempDir.resolve("services.txt"), """
                Codertocat/Hello-World:services/cart/ = shop/cart
                Codertocat/Hello-World:services/payments/ = shop/payments
                """);
        GitHubSource split = new GitHubSource(SECRET, ServiceMap.load(map));

        WebhookResult result = map(split, "push", fixtureBytes("github/push.two-commits.json"));

        // CART added services/cart/Cart.java and modified README.md: only shop/cart. CHARGE modified
        // services/payments/Charge.java and services/cart/Cart.java: both services, in that order.
        assertThat(result.events()).containsExactly(
                new CommitRecorded(id("commit", CART, "shop/cart"), Instant.parse("2019-05-15T15:10:00Z"),
                        "shop/cart", CART, List.of(INITIAL), "Add the cart service", List.of()),
                new CommitRecorded(id("commit", CHARGE, "shop/payments"), Instant.parse("2019-05-15T15:40:30Z"),
                        "shop/payments", CHARGE, List.of(CART), "Charge for the cart", List.of()),
                new CommitRecorded(id("commit", CHARGE, "shop/cart"), Instant.parse("2019-05-15T15:40:30Z"),
                        "shop/cart", CHARGE, List.of(CART), "Charge for the cart", List.of()));
    }

    @Test
    void shouldNameTheServiceFromTheServiceMapWhenTheRepositoryIsRenamed() throws IOException {
        Path map = Files.writeString(tempDir.resolve("services.txt"), "Codertocat/Hello-World = shop/hello\n");
        GitHubSource renamed = new GitHubSource(SECRET, ServiceMap.load(map));

        WebhookResult result = map(renamed, "push", fixtureBytes("github/push.json"));

        assertThat(result.events()).containsExactly(new CommitRecorded(id("commit", INITIAL),
                Instant.parse("2019-05-15T15:19:25Z"), "shop/hello", INITIAL, List.of(), "Initial commit", List.of()));
    }

    @Test
    void shouldIgnoreThePushWhenItDeletesARef() {
        WebhookResult result = map(source, "push", fixtureBytes("github/push.deleted.json"));

        assertThat(result.isIgnored()).isTrue();
        assertThat(result.ignoredReason()).isEqualTo("the push deleted refs/tags/simple-tag; a deletion records no "
                + "commits");
    }

    @Test
    void shouldIgnoreThePushWhenItListsNoCommits() {
        byte[] body = editedFixture("github/push.json", json -> json.putArray("commits"));

        WebhookResult result = map(source, "push", body);

        assertThat(result.ignoredReason()).isEqualTo("the push lists no commits (a tag, or a branch created at an "
                + "existing commit); there is nothing to record");
    }

    @Test
    void shouldLowerCaseShasWhenGitHubSendsThemInUpperCase() {
        byte[] body = editedFixture("github/push.json", json -> ((ObjectNode) json.get("commits").get(0))
                .put("id", INITIAL.toUpperCase(Locale.ROOT)));

        WebhookResult result = map(source, "push", body);

        assertThat(result.events()).singleElement()
                .satisfies(event -> assertThat(((CommitRecorded) event).sha()).isEqualTo(INITIAL));
    }

    @Test
    void shouldKeepOnlyTheSubjectLineWhenACommitMessageHasSeveralLines() {
        byte[] body = editedFixture("github/push.two-commits.json", json -> ((ObjectNode) json.get("commits").get(1))
                .put("message", "Charge for the cart (#2)\r\n\nThe total now includes the fee.\nCloses #1"));

        WebhookResult result = map(source, "push", body);

        assertThat(result.events()).extracting(event -> ((CommitRecorded) event).message())
                .containsExactly("Add the cart service", "Charge for the cart (#2)");
        assertThat(result.events()).allSatisfy(event -> assertThat(((CommitRecorded) event).items()).isEmpty());
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldCutTheSubjectToTheContractWhenItIsTooLongOrHasTabs() {
        // 490 letters, a tab, then 20 more: the tab becomes a space and the line is cut at 500 characters.
        String subject = "a".repeat(490) + "\t" + "b".repeat(20);
        byte[] body = editedFixture("github/push.json",
                json -> ((ObjectNode) json.get("commits").get(0)).put("message", subject + "\n\nbody"));

        WebhookResult result = map(source, "push", body);

        assertThat(result.events()).singleElement().isInstanceOfSatisfying(CommitRecorded.class, commit ->
                assertThat(commit.message()).isEqualTo("a".repeat(490) + " " + "b".repeat(9)));
        assertEveryEventMeetsTheContract(result);
    }

    // ---- pull_request

    @Test
    void shouldQueueThePullRequestAtCodeReviewWhenAReviewIsRequested() {
        WebhookResult result = map(source, "pull_request", fixtureBytes("github/pull_request.review_requested.json"));

        assertThat(result.events()).containsExactly(new GateQueued(id("gate.queued"),
                Instant.parse("2019-05-15T15:20:33Z"), HELLO_WORLD, "code-review", "2"));
    }

    @Test
    void shouldPassReviewAndLinkTheMergeCommitToThePullRequestHeadWhenThePullRequestIsMerged() {
        WebhookResult result = map(source, "pull_request", fixtureBytes("github/pull_request.closed-merged.json"));

        assertThat(result.events()).containsExactly(
                new GateFinished(id("gate.finished"), Instant.parse("2019-05-15T15:21:18Z"), HELLO_WORLD,
                        "code-review", "2", GateOutcome.PASSED),
                new CommitRecorded(id("commit", MERGE), Instant.parse("2019-05-15T15:21:18Z"), HELLO_WORLD, MERGE,
                        List.of(PR_HEAD)),
                new ChangeMerged(id("change.merged"), Instant.parse("2019-05-15T15:21:18Z"), HELLO_WORLD, "2", MERGE,
                        List.of()));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldFailReviewWhenThePullRequestIsClosedWithoutMerging() {
        WebhookResult result = map(source, "pull_request", fixtureBytes("github/pull_request.closed.json"));

        assertThat(result.events()).containsExactly(
                new GateFinished(id("gate.finished"), Instant.parse("2019-05-15T15:21:18Z"), HELLO_WORLD,
                        "code-review", "2", GateOutcome.FAILED),
                new ChangeClosed(id("change.closed"), Instant.parse("2019-05-15T15:21:18Z"), HELLO_WORLD, "2"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldOnlyLeaveReviewWhenTheMergeCommitIsTheHeadItself() {
        byte[] body = editedFixture("github/pull_request.closed-merged.json",
                json -> ((ObjectNode) json.get("pull_request")).put("merge_commit_sha", PR_HEAD));

        WebhookResult result = map(source, "pull_request", body);

        // A fast-forward: the push of the base branch records the commit; the head itself is what landed.
        assertThat(result.events()).containsExactly(
                new GateFinished(id("gate.finished"), Instant.parse("2019-05-15T15:21:18Z"), HELLO_WORLD,
                        "code-review", "2", GateOutcome.PASSED),
                new ChangeMerged(id("change.merged"), Instant.parse("2019-05-15T15:21:18Z"), HELLO_WORLD, "2",
                        PR_HEAD, List.of()));
    }

    @Test
    void shouldOpenTheChangeWhenThePullRequestIsOpened() {
        WebhookResult result = map(source, "pull_request", fixtureBytes("github/pull_request.opened.json"));

        // The head's ref is the branch the pull request comes from.
        assertThat(result.events()).containsExactly(new ChangeOpened(id("change.opened"),
                Instant.parse("2019-05-15T15:20:33Z"), HELLO_WORLD, "2", PR_HEAD, List.of(), "master",
                "Update the README with new information.", "https://github.com/Codertocat/Hello-World/pull/2",
                "changes", List.of()));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldOpenTheChangeAgainAtTheReopeningWhenThePullRequestIsReopened() {
        // GitHub's example keeps updated_at at the creation time; a real reopening moves it to the reopening.
        byte[] body = editedFixture("github/pull_request.reopened.json",
                json -> ((ObjectNode) json.get("pull_request")).put("updated_at", "2019-05-16T09:00:00Z"));

        WebhookResult result = map(source, "pull_request", body);

        assertThat(result.events()).containsExactly(new ChangeOpened(id("change.opened"),
                Instant.parse("2019-05-16T09:00:00Z"), HELLO_WORLD, "2", PR_HEAD, List.of(), "master",
                "Update the README with new information.", "https://github.com/Codertocat/Hello-World/pull/2",
                "changes", List.of()));
    }

    @Test
    void shouldKeepTheTitleToOneLineAndTheBranchToTheContractWhenGitHubSendsOtherCharacters() {
        byte[] body = editedFixture("github/pull_request.opened.json", json -> {
            ObjectNode pullRequest = (ObjectNode) json.get("pull_request");
            pullRequest.put("title", "Fix\tthe README\n" + "x".repeat(600));
            pullRequest.put("html_url", "not a link");
            ((ObjectNode) pullRequest.get("base")).put("ref", "release/2.0 (EU)");
        });

        WebhookResult result = map(source, "pull_request", body);

        assertThat(result.events()).singleElement().isInstanceOfSatisfying(ChangeOpened.class, opened -> {
            assertThat(opened.title()).startsWith("Fix the README xxx").hasSize(500);
            assertThat(opened.url()).isEmpty();
            assertThat(opened.target()).isEqualTo("release/2.0--EU-");
        });
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldLeaveTheBranchOutButOpenTheChangeWhenTheHeadBranchBreaksTheContract() {
        byte[] body = editedFixture("github/pull_request.opened.json",
                json -> ((ObjectNode) json.get("pull_request").get("head")).put("ref", "fix/#1 spelling"));

        WebhookResult result = map(source, "pull_request", body);

        // '#' and the space are not allowed in a branch. The name is not rewritten: the topology reads keys in it.
        assertThat(result.events()).singleElement().isInstanceOfSatisfying(ChangeOpened.class, opened -> {
            assertThat(opened.branch()).isEmpty();
            assertThat(opened.change()).isEqualTo("2");
            assertThat(opened.target()).isEqualTo("master");
        });
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldRefuseNamingTheFieldWhenTheOpenedPullRequestHasNoHead() {
        byte[] body = editedFixture("github/pull_request.opened.json",
                json -> ((ObjectNode) json.get("pull_request").get("head")).remove("sha"));

        assertRejected(() -> map(source, "pull_request", body), 400, "the payload's pull_request.head.sha is required",
                new FieldError("pull_request.head.sha", "is required"));
    }

    @Test
    void shouldIgnoreThePullRequestWhenTheActionChangesNoMetric() {
        byte[] body = editedFixture("github/pull_request.opened.json", json -> json.put("action", "synchronize"));

        WebhookResult result = map(source, "pull_request", body);

        assertThat(result.ignoredReason()).isEqualTo("pull_request action 'synchronize' changes no metric; "
                + "Flowmeter reads opened, reopened, review_requested and closed");
    }

    // ---- pull_request_review

    @Test
    void shouldPassCodeReviewWhenAReviewApproves() {
        WebhookResult result = map(source, "pull_request_review",
                fixtureBytes("github/pull_request_review.submitted-approved.json"));

        // octocat reviews Codertocat's pull request.
        assertThat(result.events()).containsExactly(
                new GateFinished(id("gate.finished"), Instant.parse("2019-05-15T15:25:41Z"), HELLO_WORLD,
                        "code-review", "2", GateOutcome.PASSED),
                new ChangeReviewed(id("change.reviewed"), Instant.parse("2019-05-15T15:25:41Z"), HELLO_WORLD, "2"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldFailCodeReviewWhenAReviewRequestsChanges() {
        WebhookResult result = map(source, "pull_request_review",
                fixtureBytes("github/pull_request_review.submitted-changes_requested.json"));

        assertThat(result.events()).containsExactly(
                new GateFinished(id("gate.finished"), Instant.parse("2019-05-15T15:23:02Z"), HELLO_WORLD,
                        "code-review", "2", GateOutcome.FAILED),
                new ChangeReviewed(id("change.reviewed"), Instant.parse("2019-05-15T15:23:02Z"), HELLO_WORLD, "2"));
    }

    @Test
    void shouldKeepTheVerdictButNotCountAReviewWhenTheAuthorReviewsTheirOwnPullRequest() {
        byte[] body = editedFixture("github/pull_request_review.submitted-approved.json",
                json -> ((ObjectNode) json.get("review").get("user")).put("login", "codertocat"));

        WebhookResult result = map(source, "pull_request_review", body);

        // Logins are not case sensitive: codertocat is the author Codertocat.
        assertThat(result.events()).containsExactly(new GateFinished(id("gate.finished"),
                Instant.parse("2019-05-15T15:25:41Z"), HELLO_WORLD, "code-review", "2", GateOutcome.PASSED));
    }

    @Test
    void shouldMarkTheChangeReviewedWhenSomeoneElseOnlyComments() {
        byte[] body = editedFixture("github/pull_request_review.submitted.json",
                json -> ((ObjectNode) json.get("review").get("user")).put("login", "octocat"));

        WebhookResult result = map(source, "pull_request_review", body);

        assertThat(result.events()).containsExactly(new ChangeReviewed(id("change.reviewed"),
                Instant.parse("2019-05-15T15:20:38Z"), HELLO_WORLD, "2"));
    }

    @Test
    void shouldIgnoreTheReviewWhenTheAuthorOnlyComments() {
        WebhookResult result = map(source, "pull_request_review",
                fixtureBytes("github/pull_request_review.submitted.json"));

        assertThat(result.ignoredReason()).isEqualTo("a review in state 'commented' is not a verdict (Flowmeter "
                + "reads approved and changes_requested), and it is by the pull request's author, Codertocat, so it "
                + "does not count as reviewed");
    }

    @Test
    void shouldIgnoreTheCommentWhenThePayloadDoesNotSayWhoWroteIt() {
        byte[] body = editedFixture("github/pull_request_review.submitted.json",
                json -> ((ObjectNode) json.get("review")).remove("user"));

        WebhookResult result = map(source, "pull_request_review", body);

        assertThat(result.ignoredReason()).isEqualTo("a review in state 'commented' is not a verdict (Flowmeter "
                + "reads approved and changes_requested), and the payload does not say who wrote the review and the "
                + "pull request, so it cannot count as reviewed by someone other than the author");
    }

    @Test
    void shouldIgnoreTheReviewWhenItIsDismissed() {
        byte[] body = editedFixture("github/pull_request_review.submitted-approved.json",
                json -> json.put("action", "dismissed"));

        WebhookResult result = map(source, "pull_request_review", body);

        assertThat(result.ignoredReason()).isEqualTo("pull_request_review action 'dismissed' changes no metric; "
                + "Flowmeter reads submitted reviews");
    }

    // ---- workflow_run

    @Test
    void shouldQueueTheRunAtCiWhenAWorkflowRunIsRequested() {
        WebhookResult result = map(source, "workflow_run", fixtureBytes("github/workflow_run.requested.json"));

        assertThat(result.events()).containsExactly(new GateQueued(id("gate.queued"),
                Instant.parse("2020-10-05T16:33:24Z"), OCTO_REPO, "ci", RUN));
    }

    @Test
    void shouldQueueTheRerunWhenItWasRequestedRatherThanWhenTheRunWasCreated() {
        byte[] body = editedFixture("github/workflow_run.requested.json",
                json -> ((ObjectNode) json.get("workflow_run")).put("run_attempt", 2)
                        .put("run_started_at", "2020-10-05T17:02:00Z"));

        WebhookResult result = map(source, "workflow_run", body);

        assertThat(result.events()).containsExactly(new GateQueued(id("gate.queued"),
                Instant.parse("2020-10-05T17:02:00Z"), OCTO_REPO, "ci", RUN));
    }

    @Test
    void shouldStartTheRunAtCiWhenTheRunGoesInProgress() {
        WebhookResult result = map(source, "workflow_run", fixtureBytes("github/workflow_run.in_progress.json"));

        // updated_at (16:33:40), not run_started_at (16:33:24, the same as created_at).
        assertThat(result.events()).containsExactly(new GateStarted(id("gate.started"),
                Instant.parse("2020-10-05T16:33:40Z"), OCTO_REPO, "ci", RUN));
    }

    @Test
    void shouldPassCiWhenTheRunSucceeds() {
        WebhookResult result = map(source, "workflow_run", fixtureBytes("github/workflow_run.completed.json"));

        assertThat(result.events()).containsExactly(new GateFinished(id("gate.finished"),
                Instant.parse("2020-10-05T16:33:49Z"), OCTO_REPO, "ci", RUN, GateOutcome.PASSED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"failure", "timed_out", "startup_failure", "action_required"})
    void shouldFailCiWhenTheRunConcludesWithAFailure(String conclusion) {
        byte[] body = editedFixture("github/workflow_run.completed.json",
                json -> ((ObjectNode) json.get("workflow_run")).put("conclusion", conclusion));

        WebhookResult result = map(source, "workflow_run", body);

        assertThat(result.events()).containsExactly(new GateFinished(id("gate.finished"),
                Instant.parse("2020-10-05T16:33:49Z"), OCTO_REPO, "ci", RUN, GateOutcome.FAILED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cancelled", "skipped", "neutral", "stale"})
    void shouldOnlyEndTheWaitWhenTheRunConcludesWithoutAVerdict(String conclusion) {
        byte[] body = editedFixture("github/workflow_run.completed.json",
                json -> ((ObjectNode) json.get("workflow_run")).put("conclusion", conclusion));

        WebhookResult result = map(source, "workflow_run", body);

        assertThat(result.events()).containsExactly(new GateStarted(id("gate.started"),
                Instant.parse("2020-10-05T16:33:49Z"), OCTO_REPO, "ci", RUN));
    }

    // ---- deployment_status

    @Test
    void shouldRecordASuccessfulDeploymentWhenTheStatusIsSuccess() {
        WebhookResult result = map(source, "deployment_status", fixtureBytes("github/deployment_status.success.json"));

        assertThat(result.events()).containsExactly(new DeploymentFinished(id("deployment"),
                Instant.parse("2019-05-15T15:20:55Z"), HELLO_WORLD, "production", DEPLOYED, DeploymentStatus.SUCCESS,
                List.of()));
    }

    @Test
    void shouldRecordAFailedDeploymentWhenTheStatusIsFailure() {
        WebhookResult result = map(source, "deployment_status", fixtureBytes("github/deployment_status.failure.json"));

        assertThat(result.events()).containsExactly(new DeploymentFinished(id("deployment"),
                Instant.parse("2019-05-15T15:22:10Z"), HELLO_WORLD, "production", DEPLOYED, DeploymentStatus.FAILURE,
                List.of()));
    }

    @Test
    void shouldRecordAFailedDeploymentWhenTheStatusIsError() {
        byte[] body = editedFixture("github/deployment_status.failure.json",
                json -> ((ObjectNode) json.get("deployment_status")).put("state", "error"));

        WebhookResult result = map(source, "deployment_status", body);

        assertThat(result.events()).singleElement()
                .satisfies(e -> assertThat(((DeploymentFinished) e).status()).isEqualTo(DeploymentStatus.FAILURE));
    }

    @Test
    void shouldQueueTheRunAtTheEnvironmentsApprovalGateWhenTheStatusIsWaiting() {
        WebhookResult result = map(source, "deployment_status", fixtureBytes("github/deployment_status.waiting.json"));

        assertThat(result.events()).containsExactly(new GateQueued(id("gate.queued"),
                Instant.parse("2023-07-04T09:28:15Z"), SAMPLE_APP, "approval:tst", APPROVAL_RUN));
    }

    @Test
    void shouldIgnoreTheWaitingStatusWhenNoWorkflowRunHoldsTheDeployment() {
        byte[] body = editedFixture("github/deployment_status.waiting.json", json -> json.remove("workflow_run"));

        WebhookResult result = map(source, "deployment_status", body);

        assertThat(result.ignoredReason()).isEqualTo("a waiting deployment status without a workflow run cannot be "
                + "matched with its approval, which GitHub reports per workflow run");
    }

    @Test
    void shouldIgnoreTheDeploymentStatusWhenItIsNeitherAResultNorAWait() {
        WebhookResult result = map(source, "deployment_status",
                fixtureBytes("github/deployment_status.in_progress.json"));

        assertThat(result.ignoredReason()).isEqualTo("deployment status 'in_progress' is neither a result nor a "
                + "wait for approval; Flowmeter reads success, failure, error and waiting");
    }

    @Test
    void shouldNormaliseTheEnvironmentWhenItHoldsCharactersFlowmeterNamesCannot() {
        byte[] body = editedFixture("github/deployment_status.success.json",
                json -> ((ObjectNode) json.get("deployment")).put("environment", "Production EU/West"));

        WebhookResult result = map(source, "deployment_status", body);

        assertThat(result.events()).singleElement().satisfies(e ->
                assertThat(((DeploymentFinished) e).environment()).isEqualTo("production-eu-west"));
        assertThat(GitHubMapper.name("x".repeat(150), "environment", 100)).isEqualTo("x".repeat(100));
        assertThat(GitHubMapper.name(" Stage_2.b:blue ", "environment", 100)).isEqualTo("stage_2.b:blue");
    }

    // ---- deployment_review

    @Test
    void shouldQueueTheRunAtTheApprovalGateWhenAReviewIsRequested() {
        WebhookResult result = map(source, "deployment_review",
                fixtureBytes("github/deployment_review.requested.json"));

        assertThat(result.events()).containsExactly(new GateQueued(id("gate.queued"),
                Instant.parse("2023-07-04T09:28:15Z"), SAMPLE_APP, "approval:tst", APPROVAL_RUN));
    }

    @Test
    void shouldPassEveryApprovedEnvironmentWhenTheReviewApproves() {
        WebhookResult result = map(source, "deployment_review", fixtureBytes("github/deployment_review.approved.json"));

        // "Load Test (EU)" becomes load-test--eu-: lower case, and ' ', '(' and ')' each replaced by '-'.
        assertThat(result.events()).containsExactly(
                new GateFinished(id("gate.finished", "approval:tst"), Instant.parse("2023-07-04T09:41:02Z"),
                        SAMPLE_APP, "approval:tst", APPROVAL_RUN, GateOutcome.PASSED),
                new GateFinished(id("gate.finished", "approval:load-test--eu-"),
                        Instant.parse("2023-07-04T09:41:03Z"), SAMPLE_APP, "approval:load-test--eu-", APPROVAL_RUN,
                        GateOutcome.PASSED));
    }

    @Test
    void shouldFailTheApprovalGateWhenTheReviewRejects() {
        WebhookResult result = map(source, "deployment_review", fixtureBytes("github/deployment_review.rejected.json"));

        assertThat(result.events()).containsExactly(new GateFinished(id("gate.finished", "approval:tst"),
                Instant.parse("2023-07-04T09:35:47Z"), SAMPLE_APP, "approval:tst", APPROVAL_RUN, GateOutcome.FAILED));
    }

    @Test
    void shouldTakeTheDeliveryTimeWhenNoJobRunMovedPastTheRequest() {
        byte[] body = editedFixture("github/deployment_review.rejected.json",
                json -> ((ObjectNode) json.get("workflow_job_runs").get(0)).put("updated_at", "2023-07-04T09:28:15Z"));

        WebhookResult result = map(source, "deployment_review", body);

        assertThat(result.events()).containsExactly(new GateFinished(id("gate.finished", "approval:tst"), NOW,
                SAMPLE_APP, "approval:tst", APPROVAL_RUN, GateOutcome.FAILED));
    }

    // ---- issues: incidents

    @Test
    void shouldOpenTheIncidentAtCreationWhenAnIssueIsOpenedWithTheIncidentLabel() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.opened.json"));

        assertThat(result.events()).containsExactly(new IncidentOpened(id("incident.opened"),
                Instant.parse("2019-05-15T15:20:18Z"), HELLO_WORLD, INCIDENT, "", ""));
    }

    @Test
    void shouldOpenTheIncidentWhenTheLabelIsAddedToAnOpenIssue() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.labeled.json"));

        // The label's time is the issue's updated_at, which GitHub sets as it adds the label.
        assertThat(result.events()).containsExactly(new IncidentOpened(id("incident.opened"),
                Instant.parse("2019-05-15T15:42:07Z"), HELLO_WORLD, INCIDENT, "", ""));
    }

    @Test
    void shouldOpenTheIncidentAgainWhenAnIssueWithTheLabelIsReopened() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.reopened.json"));

        assertThat(result.events()).containsExactly(new IncidentOpened(id("incident.opened"),
                Instant.parse("2021-10-11T16:40:56Z"), HELLO_WORLD, INCIDENT, "", ""));
    }

    @Test
    void shouldResolveTheIncidentOfTheSameIdWhenAnIssueWithTheLabelIsClosed() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.closed.json"));

        assertThat(result.events()).containsExactly(new IncidentResolved(id("incident.resolved"),
                Instant.parse("2019-05-15T17:02:45Z"), HELLO_WORLD, INCIDENT, "", ""));
    }

    @Test
    void shouldIgnoreTheRemovalWhenTheIncidentLabelIsTakenOffAnOpenIssue() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.unlabeled.json"));

        assertThat(result.isIgnored()).isTrue();
        assertThat(result.ignoredReason()).isEqualTo("taking the incident label 'incident' off issue #1 does not "
                + "resolve the incident; closing the issue does");
    }

    @ParameterizedTest
    @CsvSource({"issues.opened.json, work.created", "issues.reopened.json, work.reopened",
        "issues.closed.json, work.done"})
    void shouldMakeAWorkItemAndNoIncidentWhenTheIssueCarriesNoIncidentLabel(String fixture, String type) {
        byte[] body = editedFixture("github/" + fixture,
                json -> ((ArrayNode) json.get("issue").get("labels")).remove(1));

        WebhookResult result = map(source, "issues", body);

        assertThat(result.events()).singleElement().isInstanceOfSatisfying(WorkItemChanged.class, work -> {
            assertThat(work.type().wireName()).isEqualTo(type);
            assertThat(work.item()).isEqualTo("#1");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"issues.labeled.json", "issues.unlabeled.json"})
    void shouldIgnoreTheLabelChangeWhenTheLabelIsNotAnIncidentLabel(String fixture) {
        byte[] body = editedFixture("github/" + fixture,
                json -> ((ObjectNode) json.get("label")).put("name", "bug"));

        WebhookResult result = map(source, "issues", body);

        assertThat(result.ignoredReason()).isEqualTo("the label 'bug' is not an incident label; "
                + "FLOWMETER_INCIDENT_LABELS names incident");
    }

    @Test
    void shouldIgnoreTheLabelWhenItIsAddedToAClosedIssue() {
        byte[] body = editedFixture("github/issues.labeled.json", json -> {
            ((ObjectNode) json.get("issue")).put("state", "closed");
            ((ObjectNode) json.get("issue")).put("closed_at", "2019-05-15T15:30:00Z");
        });

        WebhookResult result = map(source, "issues", body);

        assertThat(result.ignoredReason()).isEqualTo("issue #1 is closed; labelling a closed issue opens no "
                + "incident");
    }

    /** What a work item reads changes nothing of an incident; in particular no work item is made of one. */
    @ParameterizedTest
    @ValueSource(strings = {"assigned", "deleted", "transferred"})
    void shouldIgnoreTheIncidentWhenTheActionOnlyMovesAWorkItem(String action) {
        byte[] body = editedFixture("github/issues.opened.json", json -> json.put("action", action));

        WebhookResult result = map(source, "issues", body);

        assertThat(result.ignoredReason()).isEqualTo("issue #1 carries an incident label, so it is an incident, and "
                + "issues action '" + action + "' neither opens nor resolves an incident");
    }

    @Test
    void shouldMatchTheConfiguredLabelsWithoutRegardToCaseWhenSeveralAreConfigured() {
        GitHubSource sev = new GitHubSource(SECRET, ServiceMap.IDENTITY, List.of("Sev1", " SEV2 "));
        byte[] labeled = editedFixture("github/issues.labeled.json",
                json -> ((ObjectNode) json.get("label")).put("name", "sev2"));

        WebhookResult opened = map(sev, "issues", labeled);
        WebhookResult notIncident = map(sev, "issues", fixtureBytes("github/issues.opened.json"));

        assertThat(opened.events()).containsExactly(new IncidentOpened(id("incident.opened"),
                Instant.parse("2019-05-15T15:42:07Z"), HELLO_WORLD, INCIDENT, "", ""));
        // Labelled bug and incident, neither of them configured: a work item, not an incident.
        assertThat(notIncident.events()).singleElement().isInstanceOfSatisfying(WorkItemChanged.class,
                work -> assertThat(work.type()).isEqualTo(EventType.WORK_CREATED));
    }

    @Test
    void shouldKeepTheIncidentIdOfTheRepositoryWhenTheServiceMapRenamesIt() throws IOException {
        Path map = Files.writeString(tempDir.resolve("services.txt"), "Codertocat/Hello-World = shop/hello\n");
        GitHubSource renamed = new GitHubSource(SECRET, ServiceMap.load(map));

        WebhookResult result = map(renamed, "issues", fixtureBytes("github/issues.closed.json"));

        assertThat(result.events()).containsExactly(new IncidentResolved(id("incident.resolved"),
                Instant.parse("2019-05-15T17:02:45Z"), "shop/hello", INCIDENT, "", ""));
    }

    @Test
    void shouldRefuseNamingTheFieldWhenAClosedIncidentHasNoCloseTime() {
        byte[] body = editedFixture("github/issues.closed.json",
                json -> ((ObjectNode) json.get("issue")).putNull("closed_at"));

        assertRejected(() -> map(source, "issues", body), 400, "the payload's issue.closed_at is required",
                new FieldError("issue.closed_at", "is required"));
    }

    @Test
    void shouldRefuseNamingTheFieldWhenTheIssueHasNoNumber() {
        byte[] body = editedFixture("github/issues.opened.json",
                json -> ((ObjectNode) json.get("issue")).remove("number"));

        assertRejected(() -> map(source, "issues", body), 400, "the payload's issue.number is required",
                new FieldError("issue.number", "is required"));
    }

    @Test
    void shouldRefuseToBuildTheSourceWhenAnIncidentLabelIsEmpty() {
        assertThatThrownBy(() -> new GitHubSource(SECRET, ServiceMap.IDENTITY, List.of("incident", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("an incident label must not be empty");
        assertThatThrownBy(() -> new GitHubSource(SECRET, ServiceMap.IDENTITY, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one incident label is needed");
    }

    // ---- issues: work items

    @Test
    void shouldCreateTheWorkItemWithItsMilestoneAsReleaseWhenAnIssueIsOpened() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.opened-work-item.json"));

        // Labelled bug (a defect by the default kinds), in milestone v1.0; no incident label.
        assertThat(result.events()).containsExactly(new WorkItemChanged(id("work.created"), EventType.WORK_CREATED,
                Instant.parse("2019-05-15T15:20:18Z"), HELLO_WORLD, "#1", WorkKind.DEFECT, ISSUE_TITLE, ISSUE_URL,
                "v1.0"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldStartTheWorkItemAtTheUpdateWhenTheIssueIsAssigned() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.assigned.json"));

        // GitHub's example assigns the issue as it is created: updated_at is still 15:20:18Z.
        assertThat(result.events()).containsExactly(new WorkItemChanged(id("work.started"), EventType.WORK_STARTED,
                Instant.parse("2019-05-15T15:20:18Z"), HELLO_WORLD, "#1", WorkKind.DEFECT, ISSUE_TITLE, ISSUE_URL,
                "v1.0"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldFinishTheWorkItemAtTheCloseWhenTheIssueIsClosedAsCompleted() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.closed-completed.json"));

        assertThat(result.events()).containsExactly(new WorkItemChanged(id("work.done"), EventType.WORK_DONE,
                Instant.parse("2019-05-15T17:02:45Z"), HELLO_WORLD, "#1", WorkKind.DEFECT, ISSUE_TITLE, ISSUE_URL,
                "v1.0"));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldFinishTheWorkItemWhenTheCloseGivesNoReason() {
        // Payloads from before GitHub had close reasons, and GitHub's own closed example, carry no state_reason.
        byte[] body = editedFixture("github/issues.closed-completed.json",
                json -> ((ObjectNode) json.get("issue")).remove("state_reason"));

        WebhookResult result = map(source, "issues", body);

        assertThat(result.events()).singleElement().isInstanceOfSatisfying(WorkItemChanged.class,
                work -> assertThat(work.type()).isEqualTo(EventType.WORK_DONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not_planned", "duplicate"})
    void shouldCancelTheWorkItemWhenTheIssueIsClosedWithoutBeingDone(String reason) {
        byte[] body = editedFixture("github/issues.closed-completed.json",
                json -> ((ObjectNode) json.get("issue")).put("state_reason", reason));

        WebhookResult result = map(source, "issues", body);

        assertThat(result.events()).containsExactly(new WorkItemChanged(id("work.cancelled"),
                EventType.WORK_CANCELLED, Instant.parse("2019-05-15T17:02:45Z"), HELLO_WORLD, "#1", WorkKind.DEFECT,
                ISSUE_TITLE, ISSUE_URL, "v1.0"));
    }

    @Test
    void shouldReopenTheWorkItemAtTheUpdateWhenTheIssueIsReopened() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.reopened-work-item.json"));

        // Created 2021-07-05, closed 18:07:10Z that day, reopened (updated_at) 2021-10-11T16:40:56Z.
        assertThat(result.events()).containsExactly(new WorkItemChanged(id("work.reopened"), EventType.WORK_REOPENED,
                Instant.parse("2021-10-11T16:40:56Z"), HELLO_WORLD, "#1", WorkKind.DEFECT, ISSUE_TITLE, ISSUE_URL,
                "v1.0"));
    }

    @Test
    void shouldCancelTheWorkItemAtTheDeliveryWhenTheIssueIsDeleted() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.deleted.json"));

        // The payload is the issue as it was: its updated_at (2021-10-11) is its last change before the deletion.
        assertThat(result.events()).containsExactly(new WorkItemChanged(id("work.cancelled"),
                EventType.WORK_CANCELLED, NOW, HELLO_WORLD, "#1", WorkKind.DEFECT, ISSUE_TITLE, ISSUE_URL, "v1.0"));
    }

    @Test
    void shouldCancelTheWorkItemInTheOldRepositoryWhenTheIssueIsTransferred() {
        WebhookResult result = map(source, "issues", fixtureBytes("github/issues.transferred.json"));

        // Issue 1 of octo-org/octo-repo went to Codertocat/Hello-World: no labels and no milestone, so a feature
        // without a release. The link is the payload's own (it points at a pull request page).
        assertThat(result.events()).containsExactly(new WorkItemChanged(id("work.cancelled"),
                EventType.WORK_CANCELLED, NOW, OCTO_REPO, "#1", WorkKind.FEATURE, "Update package.json",
                "https://github.com/octo-org/hello-world-npm/pull/1", ""));
        assertEveryEventMeetsTheContract(result);
    }

    @Test
    void shouldTakeTheKindFromTheIssueTypeWhenThePayloadNamesOne() {
        byte[] task = editedFixture("github/issues.opened-work-item.json", json -> {
            ObjectNode issue = (ObjectNode) json.get("issue");
            issue.putArray("labels");
            issue.putObject("type").put("id", 1).put("name", "Task");
        });
        byte[] securityTask = editedFixture("github/issues.opened-work-item.json", json -> {
            ObjectNode issue = (ObjectNode) json.get("issue");
            ((ObjectNode) issue.get("labels").get(0)).put("name", "Security");
            issue.putObject("type").put("id", 1).put("name", "Task");
        });

        // Task is debt by default; a label rule (security = risk) wins over the type.
        assertThat(kinds(map(source, "issues", task))).containsExactly(WorkKind.DEBT);
        assertThat(kinds(map(source, "issues", securityTask))).containsExactly(WorkKind.RISK);
    }

    @Test
    void shouldTakeTheKindFromTheConfiguredRulesWhenFlowmeterWorkKindsIsSet() {
        GitHubSource configured = new GitHubSource(SECRET, ServiceMap.IDENTITY, GitHubSource.DEFAULT_INCIDENT_LABELS,
                WorkKinds.parse("label:bug=debt, *=risk"));
        byte[] unlabelled = editedFixture("github/issues.opened-work-item.json",
                json -> ((ObjectNode) json.get("issue")).putArray("labels"));

        assertThat(kinds(map(configured, "issues", fixtureBytes("github/issues.opened-work-item.json"))))
                .containsExactly(WorkKind.DEBT);
        assertThat(kinds(map(configured, "issues", unlabelled))).containsExactly(WorkKind.RISK);
    }

    @Test
    void shouldIgnoreTheIssueWhenTheActionChangesNoWorkItemNorIncident() {
        WebhookResult milestoned = map(source, "issues", fixtureBytes("github/issues.milestoned.json"));

        assertThat(milestoned.ignoredReason()).isEqualTo("issues action 'milestoned' changes no metric; Flowmeter "
                + "reads opened, assigned, closed, reopened, deleted and transferred of work items, and opened, "
                + "labeled, reopened and closed of incidents");
        for (String action : List.of("edited", "unassigned", "demilestoned", "locked", "pinned")) {
            byte[] body = editedFixture("github/issues.opened-work-item.json", json -> json.put("action", action));
            assertThat(map(source, "issues", body).ignoredReason()).as(action)
                    .startsWith("issues action '" + action + "' changes no metric");
        }
    }

    @Test
    void shouldIgnoreTheLabelWhenItIsAddedToAWorkItem() {
        byte[] body = editedFixture("github/issues.opened-work-item.json", json -> {
            json.put("action", "labeled");
            json.putObject("label").put("name", "bug");
        });

        WebhookResult result = map(source, "issues", body);

        assertThat(result.ignoredReason()).isEqualTo("the label 'bug' is not an incident label; "
                + "FLOWMETER_INCIDENT_LABELS names incident");
    }

    @Test
    void shouldGiveTheSameWorkItemIdWhenTheSameDeliveryIsRedelivered() {
        List<String> first = ids(map(source, "issues", fixtureBytes("github/issues.assigned.json")));
        List<String> again = ids(map(source, "issues", fixtureBytes("github/issues.assigned.json")));

        assertThat(again).isEqualTo(first).containsExactly("github:" + DELIVERY + ":work.started");
    }

    @Test
    void shouldRefuseNamingTheFieldWhenTheIssueNumberIsTooLongForAWorkItemKey() {
        byte[] body = editedFixture("github/issues.opened-work-item.json",
                json -> ((ObjectNode) json.get("issue")).put("number", 1_000_000_000_000_000_000L));

        assertRejected(() -> map(source, "issues", body), 400,
                "the payload's issue.number must be an issue number of 1-18 digits",
                new FieldError("issue.number", "must be an issue number of 1-18 digits"));
    }

    // ---- other events, ids, payload errors

    @Test
    void shouldIgnorePingWhenTheWebhookIsCreated() {
        WebhookResult result = map(source, "ping", fixtureBytes("github/ping.json"));

        assertThat(result.ignoredReason())
                .isEqualTo("ping only checks that the webhook is set up; it changes no metric");
    }

    @Test
    void shouldIgnoreTheEventWhenFlowmeterDoesNotUseIt() {
        WebhookResult result = map(source, "check_suite",
                "{\"action\":\"completed\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(result.ignoredReason()).isEqualTo("GitHub 'check_suite' events are not used by Flowmeter; it reads "
                + "push, pull_request, pull_request_review, workflow_run, deployment_status, deployment_review and "
                + "issues");
    }

    @Test
    void shouldGiveTheSameIdsWhenTheSameDeliveryIsRedelivered() {
        List<String> first = ids(map(source, "push", fixtureBytes("github/push.two-commits.json")));
        List<String> again = ids(map(source, "push", fixtureBytes("github/push.two-commits.json")));

        assertThat(again).isEqualTo(first).containsExactly(
                "github:" + DELIVERY + ":commit:" + CART, "github:" + DELIVERY + ":commit:" + CHARGE);
    }

    @Test
    void shouldRefuseNamingTheFieldWhenACommitIdIsNotAFullSha() {
        byte[] body = editedFixture("github/push.two-commits.json",
                json -> ((ObjectNode) json.get("commits").get(1)).put("id", "b5e1f0c"));

        assertRejected(() -> map(source, "push", body), 400,
                "the payload's commits[1].id must be a full commit id: 40 or 64 hexadecimal characters",
                new FieldError("commits[1].id", "must be a full commit id: 40 or 64 hexadecimal characters"));
    }

    /** The topology reads no event from before 1970; the commit is refused by its field, not acknowledged and lost. */
    @Test
    void shouldRefuseNamingTheFieldWhenATimestampIsBefore1970() {
        byte[] body = editedFixture("github/push.json",
                json -> ((ObjectNode) json.get("commits").get(0)).put("timestamp", "1969-12-31T23:59:59-00:00"));

        assertRejected(() -> map(source, "push", body), 400,
                "the payload's commits[0].timestamp must not be before 1970-01-01T00:00:00Z",
                new FieldError("commits[0].timestamp", "must not be before 1970-01-01T00:00:00Z"));
    }

    @Test
    void shouldRefuseNamingTheFieldWhenATimestampCannotBeRead() {
        byte[] body = editedFixture("github/push.json",
                json -> ((ObjectNode) json.get("commits").get(0)).put("timestamp", "yesterday"));

        assertRejected(() -> map(source, "push", body), 400,
                "the payload's commits[0].timestamp is not a timestamp Flowmeter can read",
                new FieldError("commits[0].timestamp", "is not a timestamp Flowmeter can read"));
    }

    @Test
    void shouldRefuseNamingTheFieldWhenTheRepositoryIsMissing() {
        byte[] body = editedFixture("github/pull_request.review_requested.json", json -> json.remove("repository"));

        assertRejected(() -> map(source, "pull_request", body), 400,
                "the payload's repository.full_name is required",
                new FieldError("repository.full_name", "is required"));
    }

    @Test
    void shouldRefuseNamingTheFieldWhenAFieldHasTheWrongType() {
        byte[] body = editedFixture("github/push.json", json -> json.put("commits", "6113728"));

        assertRejected(() -> map(source, "push", body), 400, "the payload's commits has the wrong type",
                new FieldError("commits", "has the wrong type"));
    }

    @Test
    void shouldRefuseWhenTheBodyIsNotAJsonObject() {
        assertRejected(() -> map(source, "push", "[1,2]".getBytes(StandardCharsets.UTF_8)), 400,
                "the payload is not a JSON object", new FieldError("", "must be a JSON object"));
        assertRejected(() -> map(source, "push", "{\"before\":".getBytes(StandardCharsets.UTF_8)), 400,
                "the request body is not valid JSON", new FieldError("", "is not valid JSON"));
        assertRejected(() -> map(source, "push", " \n".getBytes(StandardCharsets.UTF_8)), 400,
                "the request body is empty; expected a JSON payload", new FieldError("", "is empty"));
    }

    @Test
    void shouldRefuseNamingTheHeaderWhenTheDeliveryIdIsMissing() {
        byte[] body = fixtureBytes("github/push.json");
        Map<String, String> headers = headers("push", body);
        headers.remove("X-GitHub-Delivery");

        assertRejected(() -> source.map(new WebhookRequest(headers, body, NOW)), 400,
                "the X-GitHub-Delivery header is missing", new FieldError("X-GitHub-Delivery", "header is required"));
    }

    @Test
    void shouldRefuseNamingTheHeaderWhenTheEventNameIsMissing() {
        byte[] body = fixtureBytes("github/push.json");
        Map<String, String> headers = headers("push", body);
        headers.remove("X-GitHub-Event");

        assertRejected(() -> source.map(new WebhookRequest(headers, body, NOW)), 400,
                "the X-GitHub-Event header is missing", new FieldError("X-GitHub-Event", "header is required"));
    }

    @Test
    void shouldAcceptTheSignatureFromGitHubsDocumentationWhenTheSecretMatches() {
        // The test vector of GitHub's "Validating webhook deliveries" page.
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        String signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

        source.authenticate(new WebhookRequest(Map.of("X-Hub-Signature-256", signature), body, NOW));
        assertRejected(() -> new GitHubSource(Secret.of("another secret"), ServiceMap.IDENTITY)
                        .authenticate(new WebhookRequest(Map.of("X-Hub-Signature-256", signature), body, NOW)), 401,
                "X-Hub-Signature-256 does not match; check GITHUB_WEBHOOK_SECRET",
                new FieldError("", "X-Hub-Signature-256 does not match; check GITHUB_WEBHOOK_SECRET"));
    }

    // ---- helpers

    static WebhookResult map(GitHubSource source, String event, byte[] body) {
        WebhookRequest request = new WebhookRequest(headers(event, body), body, NOW);
        source.authenticate(request);
        return source.map(request);
    }

    static Map<String, String> headers(String event, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-GitHub-Event", event);
        headers.put("X-GitHub-Delivery", DELIVERY);
        headers.put("X-Hub-Signature-256", "sha256=" + Hmac.sha256Hex(SECRET, body));
        return headers;
    }

    private static String id(String... parts) {
        return "github:" + DELIVERY + ":" + String.join(":", parts);
    }

    private static List<WorkKind> kinds(WebhookResult result) {
        return result.events().stream().map(event -> ((WorkItemChanged) event).kind()).toList();
    }

    private static List<String> ids(WebhookResult result) {
        return result.events().stream().map(e -> e.id()).toList();
    }

    private static void assertRejected(Runnable call, int status, String detail, FieldError error) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(Rejected.class, rejected -> {
            assertThat(rejected.problem().status()).isEqualTo(status);
            assertThat(rejected.problem().detail()).isEqualTo(detail);
            assertThat(rejected.errors()).containsExactly(error);
        });
    }
}
