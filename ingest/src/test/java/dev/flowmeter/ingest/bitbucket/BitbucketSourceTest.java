package dev.flowmeter.ingest.bitbucket;

import static dev.flowmeter.ingest.testing.WebhookTests.assertEveryEventMeetsTheContract;
import static dev.flowmeter.ingest.testing.WebhookTests.fixture;
import static dev.flowmeter.ingest.testing.WebhookTests.fixtureJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BitbucketSourceTest {

    private static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    private static final Secret SECRET = Secret.of("bitbucket-test-secret");
    private static final String UUID = "5b0e3cb4-1f0d-4f5e-9c55-4b6a2f6c8e01";
    private static final String REQUEST_ID = "d2a4c6e8-0b1d-4f3a-8c5e-7a9b1d3f5e70";
    private static final String CLOUD_REPO = "team_name/repo_name";
    private static final String DC_PERSONAL_REPO = "users/gopher/webhook-test";

    private final FakePublisher publisher = new FakePublisher();

    @AfterEach
    void everyPublishedEventShouldMeetTheEventContract() {
        assertEveryEventMeetsTheContract(publisher);
    }

    private Javalin app(ServiceMap services) {
        return WebhookTests.app(new BitbucketSource(SECRET, services), publisher, NOW);
    }

    private Javalin app() {
        return app(ServiceMap.IDENTITY);
    }

    private static String signature(String body) {
        return "sha256=" + Hmac.sha256Hex(SECRET, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A Bitbucket Cloud delivery: signed, with its event key and X-Request-UUID. */
    private static Response cloud(HttpClient client, String eventKey, String body) {
        return post(client, body, Map.of("X-Event-Key", eventKey, "X-Request-UUID", UUID,
                "X-Hub-Signature", signature(body)));
    }

    /** A Bitbucket Data Center delivery: signed, with its event key and X-Request-Id. */
    private static Response dataCenter(HttpClient client, String eventKey, String body) {
        return post(client, body, Map.of("X-Event-Key", eventKey, "X-Request-Id", REQUEST_ID,
                "X-Hub-Signature", signature(body)));
    }

    private static Response post(HttpClient client, String body, Map<String, String> headers) {
        return client.request("/webhooks/bitbucket", request -> {
            request.post(BodyPublishers.ofString(body));
            request.header("Content-Type", "application/json");
            headers.forEach(request::header);
        });
    }

    /** A fixture with one change made by the test, as the text to send. */
    private static String edited(String path, Consumer<ObjectNode> change) {
        return new String(WebhookTests.editedFixture(path, change), StandardCharsets.UTF_8);
    }

    private static String cloudId(String... parts) {
        return "bitbucket:" + UUID + ":" + String.join(":", parts);
    }

    private static String dataCenterId(String... parts) {
        return "bitbucket:" + REQUEST_ID + ":" + String.join(":", parts);
    }

    @Test
    void shouldRecordTheNewHeadWithItsParentWhenCloudPushesAtlassiansExample() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "repo:push", fixture("bitbucket/repo.push.json"));

            assertThat(response.code()).isEqualTo(202);
            String sha = "709d658dc5b6d6afcd46049c2f332ee3f515a67d";
            assertThat(response.body().string()).isEqualTo("{\"accepted\":[\"" + cloudId("commit", sha) + "\"]}");
            // The listed commit 03f4a72 carries no date in this example, so it cannot start a lead time.
            assertThat(publisher.batches()).containsExactly(List.of(new CommitRecorded(cloudId("commit", sha),
                    Instant.parse("2015-06-09T03:34:49Z"), CLOUD_REPO, sha,
                    List.of("1e65c05c1d5171631d92438a13901ca7dae9618c"))));
        });
    }

    @Test
    void shouldChainListedCommitsDownToThePreviousHeadWhenCloudListsNoParents() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "repo:push", fixture("bitbucket/repo.push.several-commits.json"));

            assertThat(response.code()).isEqualTo(202);
            String base = "a0c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9";
            String c1 = "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0";
            String c2 = "c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1";
            String c3 = "d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2";
            // c3's parents come from new.target; c2 and c1 list none, so they chain in list order down to old.target.
            // The tag and the deleted branch add nothing.
            assertThat(publisher.batches()).containsExactly(List.of(
                    new CommitRecorded(cloudId("commit", c3), Instant.parse("2026-04-30T10:15:00.123456Z"), CLOUD_REPO,
                            c3, List.of(c2)),
                    new CommitRecorded(cloudId("commit", c2), Instant.parse("2026-04-30T08:30:00Z"), CLOUD_REPO, c2,
                            List.of(c1)),
                    new CommitRecorded(cloudId("commit", c1), Instant.parse("2026-04-30T07:00:00Z"), CLOUD_REPO, c1,
                            List.of(base))));
        });
    }

    /**
     * An event holds at most 100 parents; a commit listing more was acknowledged and then skipped by the topology.
     * The whole push is refused, naming the event, and none of its commits is published.
     */
    @Test
    void shouldRefuseTheWholePushWhenACloudCommitListsMoreParentsThanAnEventHolds() {
        ObjectNode push = fixtureJson("bitbucket/repo.push.several-commits.json");
        ArrayNode parents = ((ObjectNode) push.at("/push/changes/0/commits/1")).putArray("parents");
        for (int i = 1; i <= 101; i++) {
            parents.addObject().put("hash", String.format("%040x", i));
        }

        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "repo:push", push.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("{\"field\":\"parents\",\"problem\":\"of the commit "
                    + "event '" + cloudId("commit", "c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1") + "' holds 101 commit "
                    + "ids, more than the limit of 100 per event");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldNotGuessTheOldestCommitsParentWhenCloudTruncatedTheList() {
        ObjectNode push = fixtureJson("bitbucket/repo.push.several-commits.json");
        ((ObjectNode) push.at("/push/changes/0")).put("truncated", true);

        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "repo:push", push.toString()).code()).isEqualTo(202);

            String c1 = "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0";
            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch).last()
                    .isEqualTo(new CommitRecorded(cloudId("commit", c1), Instant.parse("2026-04-30T07:00:00Z"),
                            CLOUD_REPO, c1, List.of())));
        });
    }

    @Test
    void shouldQueueCodeReviewWhenCloudPullRequestIsCreated() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:created", fixture("bitbucket/pullrequest.created.json")).code())
                    .isEqualTo(202);

            // The head d3022fc0ca3d is abbreviated, as Bitbucket Cloud sends it, so no change can be opened.
            assertThat(publisher.batches()).containsExactly(List.of(new GateQueued(cloudId("code-review", "queued"),
                    Instant.parse("2015-04-06T15:23:38.179678Z"), CLOUD_REPO, "code-review", "1")));
        });
    }

    @Test
    void shouldAlsoOpenTheChangeWhenCloudSendsTheHeadsFullHash() {
        String head = "d3022fc0ca3d5e2b8a3b8f5bd7d0a4b1c2e3f4a5";
        String body = edited("bitbucket/pullrequest.created.json",
                json -> json.withObjectProperty("pullrequest").withObjectProperty("source")
                        .withObjectProperty("commit").put("hash", head));
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:created", body).code()).isEqualTo(202);

            Instant created = Instant.parse("2015-04-06T15:23:38.179678Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateQueued(cloudId("code-review", "queued"), created, CLOUD_REPO, "code-review", "1"),
                    new ChangeOpened(cloudId("change", "opened"), created, CLOUD_REPO, "1", head, List.of(), "master",
                            "Title of pull request", "https://api.bitbucket.org/pullrequest_id")));
        });
    }

    @Test
    void shouldPassCodeReviewAtTheApprovalDateWhenCloudPullRequestIsApproved() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:approved", fixture("bitbucket/pullrequest.approved.json")).code())
                    .isEqualTo(202);

            // Emma approves her own pull request: a verdict for the gate, but no review by someone else.
            assertThat(publisher.batches()).containsExactly(List.of(new GateFinished(
                    cloudId("code-review", "finished"), Instant.parse("2015-04-06T16:34:59.195330Z"), CLOUD_REPO,
                    "code-review", "1", GateOutcome.PASSED)));
        });
    }

    @Test
    void shouldAlsoMarkTheChangeReviewedWhenSomeoneElseApprovesOnCloud() {
        String body = edited("bitbucket/pullrequest.approved.json",
                json -> json.withObjectProperty("approval").withObjectProperty("user")
                        .put("uuid", "{3c7e0d5b-8f21-4a6c-9e0d-71b2f4c8a9e5}"));
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:approved", body).code()).isEqualTo(202);

            Instant approved = Instant.parse("2015-04-06T16:34:59.195330Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateFinished(cloudId("code-review", "finished"), approved, CLOUD_REPO, "code-review", "1",
                            GateOutcome.PASSED),
                    new ChangeReviewed(cloudId("change", "reviewed"), approved, CLOUD_REPO, "1")));
        });
    }

    @Test
    void shouldMarkTheChangeReviewedAtTheCommentWhenSomeoneElseCommentsOnCloud() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:comment_created",
                    fixture("bitbucket/pullrequest.comment_created.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(new ChangeReviewed(cloudId("change", "reviewed"),
                    Instant.parse("2015-04-06T16:52:29.982346Z"), CLOUD_REPO, "1")));
        });
    }

    @Test
    void shouldTakeTheActorAsTheCommenterWhenCloudNamesNoCommentUser() {
        String body = edited("bitbucket/pullrequest.comment_created.json",
                json -> json.withObjectProperty("comment").remove("user"));
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:comment_created", body).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch)
                    .extracting(event -> event.id()).containsExactly(cloudId("change", "reviewed")));
        });
    }

    @Test
    void shouldIgnoreTheCommentWhenTheCloudPullRequestsAuthorWritesIt() {
        String body = edited("bitbucket/pullrequest.comment_created.json", json -> {
            json.withObjectProperty("comment").withObjectProperty("user")
                    .put("uuid", "{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}");
        });
        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "pullrequest:comment_created", body);

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"ignored\":\"the comment is by the author of pull "
                    + "request 1, so it does not count as reviewed\"}");
        });
    }

    @Test
    void shouldFailCodeReviewWhenCloudReviewerRequestsChanges() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:changes_request_created",
                    fixture("bitbucket/pullrequest.changes_request_created.json")).code()).isEqualTo(202);

            // Emma asks for changes on her own pull request: a verdict for the gate, no review by someone else.
            assertThat(publisher.batches()).containsExactly(List.of(new GateFinished(
                    cloudId("code-review", "finished"), Instant.parse("2015-04-06T16:40:12.004211Z"), CLOUD_REPO,
                    "code-review", "1", GateOutcome.FAILED)));
        });
    }

    @Test
    void shouldFailCodeReviewWhenCloudPullRequestIsDeclined() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:rejected", fixture("bitbucket/pullrequest.rejected.json")).code())
                    .isEqualTo(202);

            Instant declined = Instant.parse("2015-04-06T15:23:38.205705Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateFinished(cloudId("code-review", "finished"), declined, CLOUD_REPO, "code-review", "1",
                            GateOutcome.FAILED),
                    new ChangeClosed(cloudId("change", "closed"), declined, CLOUD_REPO, "1")));
        });
    }

    @Test
    void shouldIgnoreTheMergeWhenCloudSendsAbbreviatedHashes() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "pullrequest:fulfilled", fixture("bitbucket/pullrequest.fulfilled.json"));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"ignored\":\"pull request 1 was merged, but the payload "
                    + "has no full merge_commit.hash and source.commit.hash (Bitbucket Cloud abbreviates them); the "
                    + "merge commit is recorded when its push arrives\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldLinkTheMergeCommitToThePullRequestHeadWhenCloudSendsFullHashes() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:fulfilled",
                    fixture("bitbucket/pullrequest.fulfilled.full-hashes.json")).code()).isEqualTo(202);

            String merge = "764413d85e29f0e1d2c3b4a5968778695a4b3c2d";
            Instant merged = Instant.parse("2015-04-06T15:23:38.205705Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new CommitRecorded(cloudId("commit", merge), merged, CLOUD_REPO, merge,
                            List.of("d3022fc0ca3d5e2b8a3b8f5bd7d0a4b1c2e3f4a5")),
                    new ChangeMerged(cloudId("change", "merged"), merged, CLOUD_REPO, "1", merge, List.of())));
        });
    }

    @Test
    void shouldOnlyMergeTheChangeWhenCloudAbbreviatesTheHeadButNotTheMergeCommit() {
        String merge = "764413d85e29f0e1d2c3b4a5968778695a4b3c2d";
        String body = edited("bitbucket/pullrequest.fulfilled.json",
                json -> json.withObjectProperty("pullrequest").withObjectProperty("merge_commit").put("hash", merge));
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "pullrequest:fulfilled", body).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(new ChangeMerged(cloudId("change", "merged"),
                    Instant.parse("2015-04-06T15:23:38.205705Z"), CLOUD_REPO, "1", merge, List.of())));
        });
    }

    @Test
    void shouldStartTheCiGateWhenCloudBuildStatusIsInProgress() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "repo:commit_status_created",
                    fixture("bitbucket/repo.commit_status_created.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(new GateStarted(cloudId("ci", "started"),
                    Instant.parse("2015-11-19T20:37:35.547563Z"), CLOUD_REPO, "ci",
                    "mybuildtool@9fec847784abb10b2fa567ee63b85bd238955d0e")));
        });
    }

    @Test
    void shouldPassTheCiGateOnTheSameItemWhenCloudBuildStatusSucceeds() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "repo:commit_status_updated",
                    fixture("bitbucket/repo.commit_status_updated.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(new GateFinished(cloudId("ci", "finished"),
                    Instant.parse("2015-11-20T08:01:16.433108Z"), CLOUD_REPO, "ci",
                    "mybuildtool@9fec847784abb10b2fa567ee63b85bd238955d0e", GateOutcome.PASSED)));
        });
    }

    @Test
    void shouldFailTheCiGateWhenCloudBuildIsStopped() {
        ObjectNode status = fixtureJson("bitbucket/repo.commit_status_updated.json");
        ((ObjectNode) status.get("commit_status")).put("state", "STOPPED")
                .putObject("commit").put("hash", "9fec847784abb10b2fa567ee63b85bd238955d0e");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(cloud(client, "repo:commit_status_updated", status.toString()).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(new GateFinished(cloudId("ci", "finished"),
                    Instant.parse("2015-11-20T08:01:16.433108Z"), CLOUD_REPO, "ci",
                    "mybuildtool@9fec847784abb10b2fa567ee63b85bd238955d0e", GateOutcome.FAILED)));
        });
    }

    @Test
    void shouldRecordEachMovedBranchHeadWithItsOldHeadWhenDataCenterPushes() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = dataCenter(client, "repo:refs_changed",
                    fixture("bitbucket/repo.refs_changed.update.json"));

            assertThat(response.code()).isEqualTo(202);
            Instant pushed = Instant.parse("2019-03-01T09:37:14Z"); // the event's date, 10:37:14+0100
            String master = "cbf26be7bfc8394906abbd571498fb8d28888b58";
            String feature = "32a0b8a740c2963c6f56bd8baf3dc05683d299e0";
            assertThat(publisher.batches()).containsExactly(List.of(
                    new CommitRecorded(dataCenterId("commit", master), pushed, "SHOP/checkout", master,
                            List.of("cde6c45a4210afe81638aa1f3aa960d633c66a90")),
                    new CommitRecorded(dataCenterId("commit", feature), pushed, "SHOP/checkout", feature, List.of())));
        });
    }

    /** Found by the fuzz test: a null where a ref change belongs was a 500; it is a 400 naming the element. */
    @Test
    void shouldRefuseANullRefChangeWithA400NamingItWhenDataCenterPushes() {
        JavalinTest.test(app(), (server, client) -> {
            String body = fixture("bitbucket/repo.refs_changed.update.json").replaceFirst("\"changes\"\\s*:\\s*\\[",
                    "\"changes\": [null, ");

            Response response = dataCenter(client, "repo:refs_changed", body);

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("{\"field\":\"changes[0]\",\"problem\":\"is required\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldIgnoreTheCallWhenDataCenterOnlyDeletesABranch() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = dataCenter(client, "repo:refs_changed", fixture("bitbucket/repo.refs_changed.json"));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"ignored\":\"the push moves no branch to a new commit "
                    + "(a deleted branch or a tag)\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldQueueCodeReviewAtTheCreationTimeWhenDataCenterPullRequestIsOpened() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(dataCenter(client, "pr:opened", fixture("bitbucket/pr.opened.json")).code()).isEqualTo(202);

            // createdDate 1551432675860 ms; the personal project ~gopher is written users/gopher.
            Instant opened = Instant.parse("2019-03-01T09:31:15.860Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateQueued(dataCenterId("code-review", "queued"), opened, DC_PERSONAL_REPO, "code-review",
                            "5"),
                    new ChangeOpened(dataCenterId("change", "opened"), opened, DC_PERSONAL_REPO, "5",
                            "32a0b8a740c2963c6f56bd8baf3dc05683d299e0", List.of(), "master", "Update README",
                            "https://server.bitbucket.local/users/gopher/repos/webhook-test/pull-requests/5")));
        });
    }

    @Test
    void shouldPassCodeReviewWhenDataCenterReviewerApproves() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(dataCenter(client, "pr:reviewer:approved", fixture("bitbucket/pr.reviewer.approved.json"))
                    .code()).isEqualTo(202);

            // tux approves gopher's pull request.
            Instant approved = Instant.parse("2019-03-01T09:35:38Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateFinished(dataCenterId("code-review", "finished"), approved, DC_PERSONAL_REPO,
                            "code-review", "5", GateOutcome.PASSED),
                    new ChangeReviewed(dataCenterId("change", "reviewed"), approved, DC_PERSONAL_REPO, "5")));
        });
    }

    @Test
    void shouldOnlyFinishCodeReviewWhenTheDataCenterVerdictIsTheAuthorsOwn() {
        String body = edited("bitbucket/pr.reviewer.approved.json",
                json -> json.withObjectProperty("participant").withObjectProperty("user").put("name", "Gopher"));
        JavalinTest.test(app(), (server, client) -> {
            assertThat(dataCenter(client, "pr:reviewer:needs_work", body).code()).isEqualTo(202);

            // User names are compared without regard to case: Gopher is the author gopher.
            assertThat(publisher.batches()).containsExactly(List.of(new GateFinished(
                    dataCenterId("code-review", "finished"), Instant.parse("2019-03-01T09:35:38Z"), DC_PERSONAL_REPO,
                    "code-review", "5", GateOutcome.FAILED)));
        });
    }

    @Test
    void shouldMarkTheChangeReviewedAtTheCommentWhenSomeoneElseCommentsOnDataCenter() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(dataCenter(client, "pr:comment:added", fixture("bitbucket/pr.comment.added.json")).code())
                    .isEqualTo(202);

            // createdDate 1551433202430 ms
            assertThat(publisher.batches()).containsExactly(List.of(new ChangeReviewed(
                    dataCenterId("change", "reviewed"), Instant.parse("2019-03-01T09:40:02.430Z"), DC_PERSONAL_REPO,
                    "5")));
        });
    }

    @Test
    void shouldIgnoreTheCommentWhenDataCenterCannotSayWhoWroteThePullRequest() {
        String body = edited("bitbucket/pr.comment.added.json",
                json -> json.withObjectProperty("pullRequest").remove("author"));
        JavalinTest.test(app(), (server, client) -> {
            Response response = dataCenter(client, "pr:comment:added", body);

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"ignored\":\"the payload does not say who commented "
                    + "and who wrote pull request 5, so the comment cannot count as reviewed by someone other than the "
                    + "author\"}");
        });
    }

    @Test
    void shouldFailCodeReviewAtTheCloseTimeWhenDataCenterPullRequestIsDeclined() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(dataCenter(client, "pr:declined", fixture("bitbucket/pr.declined.json")).code()).isEqualTo(202);

            // closedDate 1551431555605 ms
            Instant declined = Instant.parse("2019-03-01T09:12:35.605Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateFinished(dataCenterId("code-review", "finished"), declined, DC_PERSONAL_REPO,
                            "code-review", "2", GateOutcome.FAILED),
                    new ChangeClosed(dataCenterId("change", "closed"), declined, DC_PERSONAL_REPO, "2")));
        });
    }

    @Test
    void shouldLinkTheMergeCommitToThePullRequestHeadWhenDataCenterMerges() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(dataCenter(client, "pr:merged", fixture("bitbucket/pr.merged.json")).code()).isEqualTo(202);

            // closedDate 1551433034286 ms
            String merge = "cbf26be7bfc8394906abbd571498fb8d28888b58";
            Instant merged = Instant.parse("2019-03-01T09:37:14.286Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new CommitRecorded(dataCenterId("commit", merge), merged, DC_PERSONAL_REPO, merge,
                            List.of("32a0b8a740c2963c6f56bd8baf3dc05683d299e0")),
                    new ChangeMerged(dataCenterId("change", "merged"), merged, DC_PERSONAL_REPO, "5", merge,
                            List.of())));
        });
    }

    @Test
    void shouldNameTheServiceFromTheServiceMapWhenTheRepositoryIsRenamed(@TempDir Path dir) throws IOException {
        Path map = Files.writeString(dir.resolve("services.properties"), "team_name/repo_name = shop/checkout\n");

        JavalinTest.test(app(ServiceMap.load(map)), (server, client) -> {
            assertThat(cloud(client, "pullrequest:created", fixture("bitbucket/pullrequest.created.json")).code())
                    .isEqualTo(202);

            assertThat(publisher.batches()).singleElement()
                    .satisfies(batch -> assertThat(batch.get(0).service()).isEqualTo("shop/checkout"));
        });
    }

    @Test
    void shouldPublishTheSameIdsWhenBitbucketRedeliversACall() {
        JavalinTest.test(app(), (server, client) -> {
            String body = fixture("bitbucket/repo.push.several-commits.json");
            assertThat(cloud(client, "repo:push", body).code()).isEqualTo(202);
            assertThat(cloud(client, "repo:push", body).code()).isEqualTo(202);

            assertThat(publisher.batches()).hasSize(2);
            assertThat(publisher.batches().get(1)).isEqualTo(publisher.batches().get(0));
        });
    }

    @Test
    void shouldAnswerIgnoredWhenTheEventKeyChangesNoMetric() {
        JavalinTest.test(app(), (server, client) -> {
            String body = "{\"test\":true}";
            Response response = post(client, body, Map.of("X-Event-Key", "diagnostics:ping",
                    "X-Hub-Signature", signature(body)));

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string())
                    .isEqualTo("{\"ignored\":\"Bitbucket event diagnostics:ping changes no Flowmeter metric\"}");
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("bitbucket/repo.push.json"),
                    Map.of("X-Event-Key", "repo:push", "X-Request-UUID", UUID));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-Hub-Signature is missing; set a secret on "
                    + "the Bitbucket webhook and the same value in BITBUCKET_WEBHOOK_SECRET\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureIsMadeWithAnotherSecret() {
        JavalinTest.test(app(), (server, client) -> {
            String body = fixture("bitbucket/repo.push.json");
            Response response = post(client, body, Map.of("X-Event-Key", "repo:push", "X-Request-UUID", UUID,
                    "X-Hub-Signature", "sha256=" + Hmac.sha256Hex(Secret.of("another"), body.getBytes(
                            StandardCharsets.UTF_8))));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string())
                    .contains("\"detail\":\"X-Hub-Signature does not match; check BITBUCKET_WEBHOOK_SECRET\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureLacksTheSha256Prefix() {
        JavalinTest.test(app(), (server, client) -> {
            String body = fixture("bitbucket/repo.push.json");
            Response response = post(client, body, Map.of("X-Event-Key", "repo:push", "X-Request-UUID", UUID,
                    "X-Hub-Signature", Hmac.sha256Hex(SECRET, body.getBytes(StandardCharsets.UTF_8))));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string())
                    .contains("\"detail\":\"X-Hub-Signature does not match; check BITBUCKET_WEBHOOK_SECRET\"");
        });
    }

    @Test
    void shouldRefuseWith400NamingBothHeadersWhenNoDeliveryIdIsSent() {
        JavalinTest.test(app(), (server, client) -> {
            String body = fixture("bitbucket/repo.push.json");
            Response response = post(client, body, Map.of("X-Event-Key", "repo:push",
                    "X-Hub-Signature", signature(body)));

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the X-Request-UUID (Bitbucket Cloud) or "
                    + "X-Request-Id (Bitbucket Data Center) header is missing; Flowmeter needs it to recognise "
                    + "redeliveries\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith400WhenTheEventKeyIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            String body = fixture("bitbucket/repo.push.json");
            Response response = post(client, body, Map.of("X-Request-UUID", UUID, "X-Hub-Signature",
                    signature(body)));

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the X-Event-Key header is missing\"");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheBodyIsNotJson() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "repo:push", "{\"push\":");

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the request body is not valid JSON\"");
        });
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenAPushedCommitIdIsAbbreviated() {
        ObjectNode push = fixtureJson("bitbucket/repo.push.json");
        ((ObjectNode) push.at("/push/changes/0/new/target")).put("hash", "709d658dc5b6");

        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "repo:push", push.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string())
                    .contains("\"detail\":\"the payload's push.changes[0].new.target.hash is not a full commit id\"")
                    .contains("{\"field\":\"push.changes[0].new.target.hash\",\"problem\":\"must be a full commit "
                            + "id: 40 or 64 hexadecimal characters\"}");
        });
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenAValueHasTheWrongType() {
        ObjectNode created = fixtureJson("bitbucket/pullrequest.created.json");
        ((ObjectNode) created.get("pullrequest")).putObject("id");

        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "pullrequest:created", created.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string())
                    .contains("{\"field\":\"pullrequest.id\",\"problem\":\"has the wrong type\"}");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheRepositoryIsMissing() {
        ObjectNode created = fixtureJson("bitbucket/pullrequest.created.json");
        created.remove("repository");

        JavalinTest.test(app(), (server, client) -> {
            Response response = cloud(client, "pullrequest:created", created.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the payload has no repository.full_name\"");
        });
    }

    @Test
    void shouldKeyEventsByTheHeaderThatIsSentWhenADataCenterEventCarriesTheCloudHeader() {
        String body = fixture("bitbucket/pr.opened.json");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, body, Map.of("X-Event-Key", "pr:opened", "X-Request-UUID", UUID,
                    "X-Hub-Signature", signature(body))).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement()
                    .satisfies(batch -> assertThat(batch.get(0).id()).isEqualTo(cloudId("code-review", "queued")));
        });
    }
}
