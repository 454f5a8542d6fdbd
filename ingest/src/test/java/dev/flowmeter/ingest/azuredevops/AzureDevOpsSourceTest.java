package dev.flowmeter.ingest.azuredevops;

import static dev.flowmeter.ingest.testing.WebhookTests.assertEveryEventMeetsTheContract;
import static dev.flowmeter.ingest.testing.WebhookTests.fixture;
import static dev.flowmeter.ingest.testing.WebhookTests.fixtureJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
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
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureDevOpsSourceTest {

    private static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    private static final String USER = "flowmeter";
    private static final String PASSWORD = "azure-test-password";
    private static final String FIBER = "Fabrikam-Fiber-Git/Fabrikam-Fiber-Git";
    private static final String FABRIKAM = "Fabrikam/Fabrikam";
    private static final String C1 = "7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f";
    private static final String C2 = "8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a";
    private static final String C3 = "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b";
    private static final String OLD_MAIN = "33b55f7cb7e7e245323987634f960cf4a6e6bc74";

    private final FakePublisher publisher = new FakePublisher();

    @AfterEach
    void everyPublishedEventShouldMeetTheEventContract() {
        assertEveryEventMeetsTheContract(publisher);
    }

    private Javalin app(ServiceMap services) {
        return WebhookTests.app(new AzureDevOpsSource(USER, Secret.of(PASSWORD), services), publisher, NOW);
    }

    private Javalin app() {
        return app(ServiceMap.IDENTITY);
    }

    private static ObjectNode resource(JsonNode payload) {
        return (ObjectNode) payload.get("resource");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Response post(HttpClient client, String body) {
        return post(client, body, basic(USER, PASSWORD));
    }

    private static Response post(HttpClient client, String body, String authorization) {
        return client.request("/webhooks/azure-devops", request -> {
            request.post(BodyPublishers.ofString(body));
            request.header("Content-Type", "application/json; charset=utf-8");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
        });
    }

    private static String id(String delivery, String... parts) {
        return "azure-devops:" + delivery + ":" + String.join(":", parts);
    }

    @Test
    void shouldRecordThePushedCommitWithThePreviousHeadAsParentWhenMicrosoftsExampleArrives() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("azure-devops/git.push.json"));

            assertThat(response.code()).isEqualTo(202);
            String delivery = "03c164c2-8912-4d5e-8009-3707d5f83734";
            assertThat(response.body().string())
                    .isEqualTo("{\"accepted\":[\"" + id(delivery, "commit", OLD_MAIN) + "\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(new CommitRecorded(id(delivery, "commit", OLD_MAIN),
                    Instant.parse("2015-02-25T19:01:00Z"), FIBER, OLD_MAIN,
                    List.of("aad331d8d3b131fa9ae03cf5e53965b51942618a"))));
        });
    }

    /** The events expected from git.push.several-commits.json, whatever order its commits are listed in. */
    private static List<DeliveryEvent> severalCommits() {
        String delivery = "b7e2d1c0-4a5f-4e8b-9c3d-1f0a2b3c4d5e";
        return List.of(
                new CommitRecorded(id(delivery, "commit", C3), Instant.parse("2026-04-30T10:15:00Z"), FIBER, C3,
                        List.of(C2)),
                new CommitRecorded(id(delivery, "commit", C2), Instant.parse("2026-04-30T09:30:00.5Z"), FIBER, C2,
                        List.of(C1)),
                new CommitRecorded(id(delivery, "commit", C1), Instant.parse("2026-04-30T06:00:00Z"), FIBER, C1,
                        List.of(OLD_MAIN)));
    }

    @Test
    void shouldChainCommitsNewestFirstDownToThePreviousHeadWhenAPushListsSeveral() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/git.push.several-commits.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(severalCommits());
        });
    }

    @Test
    void shouldChainTheSameWayWhenThePushListsItsCommitsOldestFirst() {
        ObjectNode push = fixtureJson("azure-devops/git.push.several-commits.json");
        ArrayNode commits = (ArrayNode) resource(push).get("commits");
        ArrayNode reversed = EventJson.MAPPER.createArrayNode().add(commits.get(2)).add(commits.get(1))
                .add(commits.get(0));
        resource(push).set("commits", reversed);

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, push.toString()).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(severalCommits());
        });
    }

    @Test
    void shouldGiveTheOldestCommitNoParentWhenThePushCreatesTheBranch() {
        ObjectNode push = fixtureJson("azure-devops/git.push.several-commits.json");
        ((ObjectNode) resource(push).get("refUpdates").get(0))
                .put("oldObjectId", "0000000000000000000000000000000000000000");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, push.toString()).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch).last()
                    .isEqualTo(new CommitRecorded(id("b7e2d1c0-4a5f-4e8b-9c3d-1f0a2b3c4d5e", "commit", C1),
                            Instant.parse("2026-04-30T06:00:00Z"), FIBER, C1, List.of())));
        });
    }

    @Test
    void shouldQueueCodeReviewAtTheCreationDateWhenAPullRequestIsCreated() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/git.pullrequest.created.json")).code()).isEqualTo(202);

            Instant created = Instant.parse("2014-06-17T16:55:46.589889Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateQueued(id("2ab4e3d3-b7a6-425e-92b1-5a9982c1269e", "code-review", "queued"), created,
                            FABRIKAM, "code-review", "1"),
                    new ChangeOpened(id("2ab4e3d3-b7a6-425e-92b1-5a9982c1269e", "change", "opened"), created,
                            FABRIKAM, "1", "53d54ac915144006c2c9e90d2c7d3880920db49c", List.of(), "master",
                            "my first pull request",
                            "https://dev.azure.com/fabrikam/DefaultCollection/_git/Fabrikam/pullrequest/1")));
        });
    }

    @Test
    void shouldOpenTheChangeWithoutALinkWhenThePayloadHasNoRepositoryAddress() {
        ObjectNode created = fixtureJson("azure-devops/git.pullrequest.created.json");
        ((ObjectNode) resource(created).get("repository")).remove("remoteUrl");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, created.toString()).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch).last()
                    .isInstanceOfSatisfying(ChangeOpened.class, opened -> assertThat(opened.url()).isEmpty()));
        });
    }

    @Test
    void shouldLinkTheMergeCommitToThePullRequestHeadWhenTheMergeOfACompletedPullRequestArrives() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/git.pullrequest.merged.json")).code()).isEqualTo(202);

            String merge = "eef717f69257a6333f221566c1c987dc94cc0d72";
            Instant closed = Instant.parse("2014-06-30T18:59:12.3660573Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new CommitRecorded(id("6872ee8c-b333-4eff-bfb9-0d5274943566", "commit", merge), closed, FABRIKAM,
                            merge, List.of("53d54ac915144006c2c9e90d2c7d3880920db49c")),
                    new ChangeMerged(id("6872ee8c-b333-4eff-bfb9-0d5274943566", "change", "merged"), closed, FABRIKAM,
                            "1", merge, List.of())));
        });
    }

    @Test
    void shouldLinkTheMergeCommitWhenAnUpdateCompletesThePullRequest() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/git.pullrequest.updated.json")).code()).isEqualTo(202);

            String merge = "eef717f69257a6333f221566c1c987dc94cc0d72";
            Instant closed = Instant.parse("2014-06-30T18:59:12.3660573Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new CommitRecorded(id("af07be1b-f3ad-44c8-a7f1-c4835f2df06b", "commit", merge), closed, FABRIKAM,
                            merge, List.of("53d54ac915144006c2c9e90d2c7d3880920db49c")),
                    new ChangeMerged(id("af07be1b-f3ad-44c8-a7f1-c4835f2df06b", "change", "merged"), closed, FABRIKAM,
                            "1", merge, List.of())));
        });
    }

    @Test
    void shouldIgnoreTheMergeCommitWhenThePullRequestIsStillActive() {
        ObjectNode merged = fixtureJson("azure-devops/git.pullrequest.merged.json");
        resource(merged).put("status", "active");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, merged.toString());

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).isEqualTo("{\"ignored\":\"Azure DevOps created a merge commit for "
                    + "pull request 1, which is not completed yet; the merge counts when the pull request is "
                    + "completed\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldPassCodeReviewAtTheNotificationTimeWhenAReviewerApproves() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/git.pullrequest.updated.approved.json")).code())
                    .isEqualTo(202);

            // Normal Paulk votes on Jamal Hartnett's pull request.
            Instant voted = Instant.parse("2014-06-18T09:41:07.2213387Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateFinished(id("5f1a7c2e-93d4-4b6a-8e0f-2c7d9a1b3e45", "code-review", "finished"), voted,
                            FABRIKAM, "code-review", "1", GateOutcome.PASSED),
                    new ChangeReviewed(id("5f1a7c2e-93d4-4b6a-8e0f-2c7d9a1b3e45", "change", "reviewed"), voted,
                            FABRIKAM, "1")));
        });
    }

    @Test
    void shouldOnlyPassCodeReviewWhenTheOnlyVoteIsTheAuthorsOwn() {
        ObjectNode updated = fixtureJson("azure-devops/git.pullrequest.updated.approved.json");
        ((ObjectNode) resource(updated).get("reviewers").get(0)).put("id", "54D125F7-69F7-4191-904F-C5B96B6261C8");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, updated.toString()).code()).isEqualTo(202);

            // Identity ids are GUIDs, compared without regard to case: the voter is the author.
            assertThat(publisher.batches()).containsExactly(List.of(new GateFinished(
                    id("5f1a7c2e-93d4-4b6a-8e0f-2c7d9a1b3e45", "code-review", "finished"),
                    Instant.parse("2014-06-18T09:41:07.2213387Z"), FABRIKAM, "code-review", "1", GateOutcome.PASSED)));
        });
    }

    @Test
    void shouldFailCodeReviewWhenAnyReviewerWaitsForTheAuthorDespiteAnApproval() {
        ObjectNode updated = fixtureJson("azure-devops/git.pullrequest.updated.approved.json");
        ((ObjectNode) resource(updated).get("reviewers").get(1)).put("vote", -5);

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, updated.toString()).code()).isEqualTo(202);

            Instant voted = Instant.parse("2014-06-18T09:41:07.2213387Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateFinished(id("5f1a7c2e-93d4-4b6a-8e0f-2c7d9a1b3e45", "code-review", "finished"), voted,
                            FABRIKAM, "code-review", "1", GateOutcome.FAILED),
                    new ChangeReviewed(id("5f1a7c2e-93d4-4b6a-8e0f-2c7d9a1b3e45", "change", "reviewed"), voted,
                            FABRIKAM, "1")));
        });
    }

    @Test
    void shouldIgnoreAnUpdateWhenNoReviewerHasVoted() {
        ObjectNode updated = fixtureJson("azure-devops/git.pullrequest.updated.approved.json");
        ((ObjectNode) resource(updated).get("reviewers").get(0)).put("vote", 0);

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, updated.toString());

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string())
                    .isEqualTo("{\"ignored\":\"pull request 1 was updated, but no reviewer has voted yet\"}");
        });
    }

    @Test
    void shouldFailCodeReviewAtTheCloseTimeWhenThePullRequestIsAbandoned() {
        ObjectNode updated = fixtureJson("azure-devops/git.pullrequest.updated.approved.json");
        resource(updated).put("status", "abandoned").put("closedDate", "2014-06-19T07:00:00.25Z");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, updated.toString()).code()).isEqualTo(202);

            Instant abandoned = Instant.parse("2014-06-19T07:00:00.25Z");
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateFinished(id("5f1a7c2e-93d4-4b6a-8e0f-2c7d9a1b3e45", "code-review", "finished"),
                            abandoned, FABRIKAM, "code-review", "1", GateOutcome.FAILED),
                    new ChangeClosed(id("5f1a7c2e-93d4-4b6a-8e0f-2c7d9a1b3e45", "change", "closed"), abandoned,
                            FABRIKAM, "1")));
        });
    }

    @Test
    void shouldPassTheBuildThroughTheCiGateWhenABuildCompletes() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/build.complete.json")).code()).isEqualTo(202);

            String delivery = "e3a1f6b2-7c4d-4e9a-8b1f-0d2c3e4f5a6b";
            assertThat(publisher.batches()).containsExactly(List.of(
                    new GateQueued(id(delivery, "ci", "queued"), Instant.parse("2026-04-30T10:17:05.1234567Z"), FIBER,
                            "ci", "4711"),
                    new GateStarted(id(delivery, "ci", "started"), Instant.parse("2026-04-30T10:19:35.5Z"), FIBER,
                            "ci", "4711"),
                    new GateFinished(id(delivery, "ci", "finished"), Instant.parse("2026-04-30T10:26:40.25Z"), FIBER,
                            "ci", "4711", GateOutcome.FAILED)));
        });
    }

    @Test
    void shouldNameTheServiceAfterTheHostedRepositoryWhenTheBuildIsOfGitHubCode() {
        ObjectNode build = fixtureJson("azure-devops/build.complete.json");
        resource(build).put("result", "partiallySucceeded").putObject("repository").put("type", "GitHub")
                .put("name", "octo-org/octo-repo");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, build.toString()).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch).last()
                    .isEqualTo(new GateFinished(id("e3a1f6b2-7c4d-4e9a-8b1f-0d2c3e4f5a6b", "ci", "finished"),
                            Instant.parse("2026-04-30T10:26:40.25Z"), "octo-org/octo-repo", "ci", "4711",
                            GateOutcome.PASSED)));
        });
    }

    @Test
    void shouldRefuseWith400NamingTheProjectWhenALegacyBuildNamesNone() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("azure-devops/build.complete.xaml.json"));

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the payload has no resource.project.name\"")
                    .contains("{\"field\":\"resource.project.name\",\"problem\":\"is required\"}");
        });
    }

    @Test
    void shouldReplaceCharactersAServiceCannotHoldWhenProjectAndRepositoryHaveSpaces() {
        ObjectNode created = fixtureJson("azure-devops/git.pullrequest.created.json");
        ObjectNode repository = (ObjectNode) resource(created).get("repository");
        repository.put("name", "Web App (legacy)");
        ((ObjectNode) repository.get("project")).put("name", "Fabrikam Fiber");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, created.toString()).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch.get(0).service())
                    .isEqualTo("Fabrikam-Fiber/Web-App-legacy"));
        });
    }

    @Test
    void shouldNameTheServiceFromTheServiceMapWhenTheRepositoryIsRenamed(@TempDir Path dir) throws IOException {
        Path map = Files.writeString(dir.resolve("services.properties"), "Fabrikam/Fabrikam = shop/web\n");

        JavalinTest.test(app(ServiceMap.load(map)), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/git.pullrequest.created.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement()
                    .satisfies(batch -> assertThat(batch.get(0).service()).isEqualTo("shop/web"));
        });
    }

    @Test
    void shouldPublishTheSameIdsWhenAzureDevOpsRetriesANotification() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("azure-devops/build.complete.json")).code()).isEqualTo(202);
            assertThat(post(client, fixture("azure-devops/build.complete.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).hasSize(2);
            assertThat(publisher.batches().get(1)).isEqualTo(publisher.batches().get(0));
        });
    }

    @Test
    void shouldAnswerIgnoredWhenTheEventTypeChangesNoMetric() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, "{\"id\":\"x\",\"eventType\":\"workitem.updated\",\"resource\":{}}");

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string())
                    .isEqualTo("{\"ignored\":\"Azure DevOps event workitem.updated changes no Flowmeter metric\"}");
        });
    }

    @Test
    void shouldRefuseWith401WhenNoBasicAuthenticationIsSent() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("azure-devops/git.push.json"), null);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"Authorization (basic) is missing; set basic "
                    + "authentication on the Azure DevOps service hook to the values of AZURE_DEVOPS_USER and "
                    + "AZURE_DEVOPS_PASSWORD\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401AsMissingWhenTheAuthorizationIsNotBasic() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("azure-devops/git.push.json"), "Bearer " + PASSWORD);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"Authorization (basic) is missing;");
        });
    }

    @Test
    void shouldRefuseWith401WhenThePasswordIsWrong() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("azure-devops/git.push.json"), basic(USER, "guess"));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"Authorization (basic) does not match; check "
                    + "AZURE_DEVOPS_USER and AZURE_DEVOPS_PASSWORD\"");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheUserIsWrong() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("azure-devops/git.push.json"), basic("someone", PASSWORD));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"Authorization (basic) does not match;");
        });
    }

    @Test
    void shouldRefuseWith401WhenTheCredentialsAreNotBase64() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("azure-devops/git.push.json"), "Basic flowmeter:" + PASSWORD);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"Authorization (basic) does not match;");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheNotificationHasNoId() {
        ObjectNode push = fixtureJson("azure-devops/git.push.json");
        push.remove("id");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, push.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the payload has no id\"")
                    .contains("{\"field\":\"id\",\"problem\":\"is required\"}");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheBodyIsNotJson() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, "eventType=git.push");

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the request body is not valid JSON\"");
        });
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenACommitHasNoAuthorDate() {
        ObjectNode push = fixtureJson("azure-devops/git.push.json");
        ((ObjectNode) resource(push).get("commits").get(0)).remove("author");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, push.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string())
                    .contains("{\"field\":\"resource.commits[0].author.date\",\"problem\":\"is required\"}");
        });
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenAValueHasTheWrongType() {
        ObjectNode created = fixtureJson("azure-devops/git.pullrequest.created.json");
        resource(created).putArray("pullRequestId");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, created.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string())
                    .contains("{\"field\":\"resource.pullRequestId\",\"problem\":\"has the wrong type\"}");
        });
    }
}
