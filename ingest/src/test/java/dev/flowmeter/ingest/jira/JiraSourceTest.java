package dev.flowmeter.ingest.jira;

import static dev.flowmeter.ingest.testing.WebhookTests.assertEveryEventMeetsTheContract;
import static dev.flowmeter.ingest.testing.WebhookTests.editedFixture;
import static dev.flowmeter.ingest.testing.WebhookTests.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.testing.WebhookTests;
import dev.flowmeter.ingest.webhook.Hmac;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WorkKinds;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every expected value below was read off the fixture files by hand: the times are the bodies' {@code timestamp}s
 * converted from epoch milliseconds, the ids are the bodies' event, issue id, changelog id and timestamp.
 */
class JiraSourceTest {

    private static final Instant NOW = Instant.parse("2026-05-02T08:00:00Z");
    private static final Secret SECRET = Secret.of("jira-test-secret");
    private static final String CLOUD_SITE = "https://some-instance-test.atlassian.net";
    private static final String SERVER_SITE = "http://some-instance-test.centralus.cloudapp.azure.com:8080";
    private static final String TES_41 = CLOUD_SITE + "/browse/TES-41";
    private static final String TES_4 = SERVER_SITE + "/browse/TES-4";

    private final FakePublisher publisher = new FakePublisher();

    @AfterEach
    void everyPublishedEventShouldMeetTheEventContract() {
        assertEveryEventMeetsTheContract(publisher);
    }

    private Javalin app(ServiceMap services, WorkKinds kinds) {
        return WebhookTests.app(new JiraSource(SECRET, services, kinds), publisher, NOW);
    }

    private Javalin app() {
        return app(ServiceMap.IDENTITY, WorkKinds.DEFAULTS);
    }

    private static String sha256(Secret secret, byte[] body) {
        return "sha256=" + Hmac.sha256Hex(secret, body);
    }

    private static Response post(HttpClient client, byte[] body) {
        return post(client, body, Map.of("X-Hub-Signature", sha256(SECRET, body)));
    }

    private static Response post(HttpClient client, String body) {
        return post(client, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Response post(HttpClient client, byte[] body, Map<String, String> headers) {
        return client.request("/webhooks/jira", request -> {
            request.post(BodyPublishers.ofByteArray(body));
            request.header("Content-Type", "application/json");
            headers.forEach(request::header);
        });
    }

    private static byte[] edited(String path, Consumer<ObjectNode> change) {
        return editedFixture("jira/" + path, change);
    }

    private static ObjectNode fields(ObjectNode body) {
        return (ObjectNode) body.at("/issue/fields");
    }

    private static void status(ObjectNode body, String name, String id, String category) {
        ObjectNode status = fields(body).putObject("status").put("name", name).put("id", id);
        if (category != null) {
            status.putObject("statusCategory").put("key", category);
        }
    }

    /** One event of Story TES-41 on the Cloud site, whose summary is "Unit test summary 1" once it was edited. */
    private static WorkItemChanged tes41(String id, EventType type, String time) {
        return new WorkItemChanged(id, type, Instant.parse(time), "TES", "TES-41", WorkKind.FEATURE,
                "Unit test summary 1", TES_41, "");
    }

    /** One event of Bug TES-4 on the Server site. */
    private static WorkItemChanged tes4(String id, EventType type, String time) {
        return new WorkItemChanged(id, type, Instant.parse(time), "TES", "TES-4", WorkKind.DEFECT,
                "Unit test summary 1", TES_4, "");
    }

    private void assertBody(Response response, String body) throws IOException {
        assertThat(response.code()).isEqualTo(202);
        assertThat(response.body().string()).isEqualTo(body);
    }

    private void assertRefused(Response response, String detail, String field, String problem) throws IOException {
        assertThat(response.code()).isEqualTo(400);
        assertThat(response.body().string()).contains("\"detail\":\"" + detail + "\"")
                .contains("{\"field\":\"" + field + "\",\"problem\":\"" + problem + "\"}");
        assertThat(publisher.batches()).isEmpty();
        assertThat(publisher.rejections()).extracting(Rejection::reason).containsExactly("invalid_payload");
    }

    // The TES-41 Cloud story, created, started, done and reopened.

    @Test
    void shouldCreateTheWorkItemWhenAStoryIsCreatedInAToDoStatus() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("jira/issue_created.story.json"));

            assertBody(response, "{\"accepted\":[\"jira:issue_created:10040:10222:1550286113023:created\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(new WorkItemChanged(
                    "jira:issue_created:10040:10222:1550286113023:created", EventType.WORK_CREATED,
                    Instant.parse("2019-02-16T03:01:53.023Z"), "TES", "TES-41", WorkKind.FEATURE,
                    "Unit test summary", TES_41, "")));
        });
    }

    @Test
    void shouldStartTheWorkItemWhenItMovesToAnInProgressStatus() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("jira/issue_updated.started.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(tes41(
                    "jira:issue_updated:10040:10227:1550286862039:started", EventType.WORK_STARTED,
                    "2019-02-16T03:14:22.039Z")));
        });
    }

    @Test
    void shouldFinishTheWorkItemWhenItMovesToADoneStatusResolvedAsDone() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("jira/issue_updated.done.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(tes41(
                    "jira:issue_updated:10040:10228:1550286940507:done", EventType.WORK_DONE,
                    "2019-02-16T03:15:40.507Z")));
        });
    }

    @Test
    void shouldReopenTheWorkItemWhenItMovesBackToToDoAndItsResolutionIsCleared() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("jira/issue_updated.reopened.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(tes41(
                    "jira:issue_updated:10040:10229:1550287026531:reopened", EventType.WORK_REOPENED,
                    "2019-02-16T03:17:06.531Z")));
        });
    }

    @Test
    void shouldReopenAndStartTheWorkItemWhenADoneItemGoesStraightBackToInProgress() {
        // TES-41's reopening, had it gone from Done to In Progress: the resolution is still cleared.
        byte[] body = edited("issue_updated.reopened.json", json -> {
            status(json, "In Progress", "3", "indeterminate");
            ((ObjectNode) json.at("/changelog/items/1")).put("to", "3").put("toString", "In Progress");
        });

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, body).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(
                    tes41("jira:issue_updated:10040:10229:1550287026531:reopened", EventType.WORK_REOPENED,
                            "2019-02-16T03:17:06.531Z"),
                    tes41("jira:issue_updated:10040:10229:1550287026531:started", EventType.WORK_STARTED,
                            "2019-02-16T03:17:06.531Z")));
        });
    }

    @Test
    void shouldCancelTheWorkItemWhenItIsDoneWithTheResolutionWontDo() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("jira/issue_updated.wont-do.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(tes41(
                    "jira:issue_updated:10040:10228:1550286940507:cancelled", EventType.WORK_CANCELLED,
                    "2019-02-16T03:15:40.507Z")));
        });
    }

    @Test
    void shouldCancelTheWorkItemWhateverTheCaseOfTheCancellingResolution() {
        byte[] duplicate = edited("issue_updated.done.json",
                json -> fields(json).putObject("resolution").put("name", "DUPLICATE"));
        byte[] typographic = edited("issue_updated.done.json",
                json -> fields(json).putObject("resolution").put("name", "Won\u2019t fix"));
        byte[] fixed = edited("issue_updated.done.json",
                json -> fields(json).putObject("resolution").put("name", "Fixed"));

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, duplicate).code()).isEqualTo(202);
            assertThat(post(client, typographic).code()).isEqualTo(202);
            assertThat(post(client, fixed).code()).isEqualTo(202);

            assertThat(publisher.batches()).extracting(batch -> batch.get(0).type())
                    .containsExactly(EventType.WORK_CANCELLED, EventType.WORK_CANCELLED, EventType.WORK_DONE);
        });
    }

    // The TES-4 Server bug: resolved, reopened, in progress, closed.

    @Test
    void shouldFollowTheServerBugThroughResolvedReopenedInProgressAndClosed() {
        JavalinTest.test(app(), (server, client) -> {
            for (String step : List.of("server-resolved", "server-reopened", "server-in-progress", "server-closed")) {
                assertThat(post(client, fixture("jira/issue_updated." + step + ".json")).code()).isEqualTo(202);
            }

            assertThat(publisher.batches()).containsExactly(
                    List.of(tes4("jira:issue_updated:10300:10414:1565652182025:done", EventType.WORK_DONE,
                            "2019-08-12T23:23:02.025Z")),
                    List.of(tes4("jira:issue_updated:10300:10507:1565751703657:reopened", EventType.WORK_REOPENED,
                            "2019-08-14T03:01:43.657Z")),
                    List.of(tes4("jira:issue_updated:10300:10508:1565751753680:started", EventType.WORK_STARTED,
                            "2019-08-14T03:02:33.680Z")),
                    List.of(tes4("jira:issue_updated:10300:10511:1565752078358:done", EventType.WORK_DONE,
                            "2019-08-14T03:07:58.358Z")));
        });
    }

    @Test
    void shouldReopenTheWorkItemWhenJiraSaysIssueReopenedWithoutAResolutionChange() {
        byte[] body = edited("issue_updated.server-reopened.json", json -> ((ArrayNode) json.at("/changelog/items"))
                .remove(0));

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, body).code()).isEqualTo(202);

            assertThat(publisher.batches()).singleElement().satisfies(batch -> assertThat(batch)
                    .extracting(DeliveryEvent::type).containsExactly(EventType.WORK_REOPENED));
        });
    }

    @Test
    void shouldIgnoreAMoveToAnotherNotStartedStatusWhenNothingSaysTheIssueLeftADoneStatus() {
        // TES-41 moved from To Do to a Backlog status: the reopened body without its resolution item.
        byte[] body = edited("issue_updated.reopened.json", json -> {
            status(json, "Backlog", "10000", "new");
            ((ArrayNode) json.at("/changelog/items")).remove(0);
        });

        JavalinTest.test(app(), (server, client) -> {
            assertBody(post(client, body), "{\"ignored\":\"Jira issue TES-41 moved to status 'Backlog' of the "
                    + "category new: the work has not started, and nothing says the issue left a done status\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldNotTakeACustomFieldNamedStatusForTheStatusWhenServerSaysItIsCustom() {
        byte[] body = edited("issue_updated.server-in-progress.json",
                json -> ((ObjectNode) json.at("/changelog/items/0")).put("fieldtype", "custom"));

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, body);

            assertThat(response.code()).isEqualTo(202);
            assertThat(response.body().string()).startsWith("{\"ignored\":\"Jira issue TES-4 changes status, not its");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    // Issues created already started or finished, deleted, and without status categories.

    @Test
    void shouldCreateAndStartTheWorkItemAtOnceWhenTheIssueIsCreatedInProgress() {
        byte[] body = edited("issue_created.story.json", json -> status(json, "In Progress", "3", "indeterminate"));

        JavalinTest.test(app(), (server, client) -> {
            assertBody(post(client, body), "{\"accepted\":[\"jira:issue_created:10040:10222:1550286113023:created\","
                    + "\"jira:issue_created:10040:10222:1550286113023:started\"]}");
            assertThat(publisher.batches()).singleElement().satisfies(batch -> {
                assertThat(batch).extracting(DeliveryEvent::type)
                        .containsExactly(EventType.WORK_CREATED, EventType.WORK_STARTED);
                assertThat(batch).extracting(DeliveryEvent::time).containsOnly(
                        Instant.parse("2019-02-16T03:01:53.023Z"));
            });
        });
    }

    @Test
    void shouldCreateAndFinishOrCancelTheWorkItemAtOnceWhenTheIssueIsCreatedDone() {
        byte[] done = edited("issue_created.story.json", json -> {
            status(json, "Done", "10002", "done");
            fields(json).putObject("resolution").put("name", "Done");
        });
        byte[] wontDo = edited("issue_created.story.json", json -> {
            status(json, "Done", "10002", "done");
            fields(json).putObject("resolution").put("name", "Won't Do");
        });

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, done).code()).isEqualTo(202);
            assertThat(post(client, wontDo).code()).isEqualTo(202);

            assertThat(publisher.batches()).extracting(batch -> batch.stream().map(DeliveryEvent::type).toList())
                    .containsExactly(List.of(EventType.WORK_CREATED, EventType.WORK_DONE),
                            List.of(EventType.WORK_CREATED, EventType.WORK_CANCELLED));
        });
    }

    @Test
    void shouldCancelTheWorkItemWhenTheIssueIsDeleted() {
        JavalinTest.test(app(), (server, client) -> {
            assertBody(post(client, fixture("jira/issue_deleted.json")),
                    "{\"accepted\":[\"jira:issue_deleted:10303:1562177136176:cancelled\"]}");
            assertThat(publisher.batches()).containsExactly(List.of(new WorkItemChanged(
                    "jira:issue_deleted:10303:1562177136176:cancelled", EventType.WORK_CANCELLED,
                    Instant.parse("2019-07-03T18:05:36.176Z"), "IDT", "IDT-19", WorkKind.DEBT, "hey",
                    CLOUD_SITE + "/browse/IDT-19", "")));
        });
    }

    @Test
    void shouldReadTheReleaseFromTheFirstFixVersionWhenTheIssueHasSome() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("jira/issue_created.fix-versions.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).containsExactly(List.of(new WorkItemChanged(
                    "jira:issue_created:10509:11627:1566935004475:created", EventType.WORK_CREATED,
                    Instant.parse("2019-08-27T19:43:24.475Z"), "KT", "KT-22", WorkKind.DEBT,
                    "Lots of fields selected", "https://mmtest.atlassian.net/browse/KT-22", "version1")));
        });
    }

    @Test
    void shouldTellTheCategoryByTheStatusNameWhenTheBodyHasNoStatusCategory() {
        byte[] started = edited("issue_created.no-status-category.json",
                json -> status(json, "In Progress", "3", null));
        byte[] resolved = edited("issue_updated.server-resolved.json",
                json -> ((ObjectNode) fields(json).get("status")).remove("statusCategory"));

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, fixture("jira/issue_created.no-status-category.json")).code()).isEqualTo(202);
            assertThat(post(client, started).code()).isEqualTo(202);
            assertThat(post(client, resolved).code()).isEqualTo(202);

            assertThat(publisher.batches().get(0)).containsExactly(new WorkItemChanged(
                    "jira:issue_created:10400:1364403238369:created", EventType.WORK_CREATED,
                    Instant.parse("2013-03-27T16:53:58.369Z"), "BUG", "BUG-15", WorkKind.DEFECT, "New bug with hook",
                    "http://lfranchi.com:8080/browse/BUG-15", ""));
            assertThat(publisher.batches()).extracting(batch -> batch.stream().map(DeliveryEvent::type).toList())
                    .containsExactly(List.of(EventType.WORK_CREATED),
                            List.of(EventType.WORK_CREATED, EventType.WORK_STARTED), List.of(EventType.WORK_DONE));
        });
    }

    @Test
    void shouldRefuseWith400WhenNeitherTheStatusCategoryNorTheStatusNameSaysWhereTheIssueIs() {
        byte[] body = edited("issue_created.no-status-category.json", json -> status(json, "In Review", "7", null));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload's issue.fields.status.statusCategory.key is missing or not "
                    + "one of new, indeterminate, done, and the status 'In Review' is none of Jira's default statuses "
                    + "(Open, To Do, Reopened, In Progress, Done, Resolved, Closed); Flowmeter cannot tell whether "
                    + "the work started", "issue.fields.status.statusCategory.key",
                    "is missing or not one of new, indeterminate, done");
        });
    }

    // Accepted and ignored.

    @Test
    void shouldAnswerIgnoredNamingTheFieldsWhenAnUpdateChangesNoStatus() {
        JavalinTest.test(app(), (server, client) -> {
            assertBody(post(client, fixture("jira/issue_updated.labels.json")), "{\"ignored\":\"Jira issue TES-41 "
                    + "changes labels, not its status; only a status change moves a work item, and no work event "
                    + "carries the other fields' updates yet\"}");
            assertBody(post(client, fixture("jira/issue_updated.server-commented.json")), "{\"ignored\":\"Jira issue "
                    + "PRJA-42 changes no field (issue_commented); only a status change moves a work item, and no "
                    + "work event carries the other fields' updates yet\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldAnswerIgnoredWhenAVersionIsReleased() {
        JavalinTest.test(app(), (server, client) -> {
            assertBody(post(client, fixture("jira/version_released.json")), "{\"ignored\":\"Jira event "
                    + "jira:version_released changes no Flowmeter metric: a release is read from the fix versions of "
                    + "its work items (issue.fields.fixVersions), and a version event lists none of them\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldAnswerIgnoredWhenACommentIsCreatedEvenThoughServerSendsNoIssue() {
        JavalinTest.test(app(), (server, client) -> {
            assertBody(post(client, fixture("jira/comment_created.server.json")), "{\"ignored\":\"Jira event "
                    + "comment_created changes no Flowmeter metric; only jira:issue_created, jira:issue_updated, "
                    + "jira:issue_deleted do\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    // Signatures.

    @Test
    void shouldRefuseWith401WhenTheSignatureIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, fixture("jira/issue_created.story.json").getBytes(StandardCharsets.UTF_8),
                    Map.of());

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).contains("\"detail\":\"X-Hub-Signature is missing; Flowmeter accepts "
                    + "only signed Jira webhooks: set a secret on the Jira webhook and the same value in "
                    + "JIRA_WEBHOOK_SECRET\"");
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheSignatureIsMadeWithAnotherSecretOrHasNoSha256Prefix() {
        byte[] body = WebhookTests.fixtureBytes("jira/issue_created.story.json");

        JavalinTest.test(app(), (server, client) -> {
            for (String signature : List.of(sha256(Secret.of("another-secret"), body),
                    Hmac.sha256Hex(SECRET, body), "sha1=" + Hmac.sha256Hex(SECRET, body))) {
                Response response = post(client, body, Map.of("X-Hub-Signature", signature));

                assertThat(response.code()).isEqualTo(401);
                assertThat(response.body().string()).contains("\"detail\":\"X-Hub-Signature does not match; check "
                        + "JIRA_WEBHOOK_SECRET\"");
            }
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith401WhenTheBodyWasChangedAfterSigning() {
        byte[] body = WebhookTests.fixtureBytes("jira/issue_updated.done.json");
        byte[] changed = WebhookTests.fixtureBytes("jira/issue_updated.wont-do.json");

        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, changed, Map.of("X-Hub-Signature", sha256(SECRET, body)));

            assertThat(response.code()).isEqualTo(401);
            assertThat(publisher.batches()).isEmpty();
        });
    }

    // Delivery ids.

    @Test
    void shouldTakeTheDeliveryIdFromTheHeaderWhenJiraCloudSendsOne() {
        byte[] body = WebhookTests.fixtureBytes("jira/issue_updated.reopened.json");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Hub-Signature", sha256(SECRET, body));
        headers.put("X-Atlassian-Webhook-Identifier", "4061513");
        headers.put("X-Atlassian-Webhook-Flow", "Primary");

        JavalinTest.test(app(), (server, client) -> {
            assertBody(post(client, body, headers), "{\"accepted\":[\"jira:4061513:reopened\"]}");
        });
    }

    @Test
    void shouldPublishTheSameIdsWhenTheSameBodyIsDeliveredAgain() {
        Map<String, String> retried = new LinkedHashMap<>();
        byte[] body = WebhookTests.fixtureBytes("jira/issue_updated.started.json");
        retried.put("X-Hub-Signature", sha256(SECRET, body));
        retried.put("X-Atlassian-Webhook-Identifier", "4061514");
        Map<String, String> firstTry = Map.copyOf(retried);
        retried.put("X-Atlassian-Webhook-Retry", "1");

        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, body).code()).isEqualTo(202);
            assertThat(post(client, body).code()).isEqualTo(202);
            assertThat(post(client, body, firstTry).code()).isEqualTo(202);
            assertThat(post(client, body, retried).code()).isEqualTo(202);

            assertThat(publisher.batches()).extracting(batch -> batch.get(0).id()).containsExactly(
                    "jira:issue_updated:10040:10227:1550286862039:started",
                    "jira:issue_updated:10040:10227:1550286862039:started",
                    "jira:4061514:started", "jira:4061514:started");
        });
    }

    // Service and kind.

    @Test
    void shouldRenameTheServiceWhenTheServiceMapNamesTheProjectKey(@TempDir Path dir) throws IOException {
        Path map = Files.writeString(dir.resolve("services.properties"), "TES = payments\n");

        JavalinTest.test(app(ServiceMap.load(map), WorkKinds.DEFAULTS), (server, client) -> {
            assertThat(post(client, fixture("jira/issue_updated.started.json")).code()).isEqualTo(202);
            assertThat(post(client, fixture("jira/issue_deleted.json")).code()).isEqualTo(202);

            assertThat(publisher.batches()).extracting(batch -> batch.get(0).service())
                    .containsExactly("payments", "IDT");
        });
    }

    @Test
    void shouldTellTheKindByTheWorkKindRulesWhenALabelOrTheIssueTypeHasOne() {
        JavalinTest.test(app(ServiceMap.IDENTITY, WorkKinds.parse("label:test-label=risk, Bug=debt")),
                (server, client) -> {
                    assertThat(post(client, fixture("jira/issue_updated.started.json")).code()).isEqualTo(202);
                    assertThat(post(client, fixture("jira/issue_updated.server-resolved.json")).code())
                            .isEqualTo(202);

                    assertThat(publisher.batches()).extracting(batch -> ((WorkItemChanged) batch.get(0)).kind())
                            .containsExactly(WorkKind.RISK, WorkKind.DEBT);
                });
    }

    @Test
    void shouldBuildTheBrowseUrlFromTheSiteWhenSelfLacksIssueOrHasNoRestPath() {
        // webhook-issue-updated-components.json has a self of .../rest/api/2/<id>, without /issue/.
        byte[] shortSelf = edited("issue_updated.started.json", json -> ((ObjectNode) json.get("issue"))
                .put("self", CLOUD_SITE + "/rest/api/2/10040"));
        byte[] contextPath = edited("issue_updated.started.json", json -> ((ObjectNode) json.get("issue"))
                .put("self", "http://localhost:2990/jira/rest/api/2/issue/10040"));
        byte[] noSelf = edited("issue_updated.started.json", json -> ((ObjectNode) json.get("issue")).remove("self"));

        JavalinTest.test(app(), (server, client) -> {
            for (byte[] body : List.of(shortSelf, contextPath, noSelf)) {
                assertThat(post(client, body).code()).isEqualTo(202);
            }

            assertThat(publisher.batches()).extracting(batch -> ((WorkItemChanged) batch.get(0)).url())
                    .containsExactly(TES_41, "http://localhost:2990/jira/browse/TES-41", "");
        });
    }

    // Malformed bodies: 400 naming the field.

    @Test
    void shouldRefuseWith400WhenTheBodyIsNotJson() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, "webhookEvent=jira:issue_created");

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("\"detail\":\"the request body is not valid JSON\"");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheBodyHasNoWebhookEvent() {
        byte[] body = edited("issue_created.story.json", json -> json.remove("webhookEvent"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload has no webhookEvent", "webhookEvent", "is required");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheTimestampIsMissing() {
        byte[] body = edited("issue_updated.done.json", json -> json.remove("timestamp"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload has no timestamp", "timestamp", "is required");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheTimestampIsNotANumber() {
        byte[] text = edited("issue_updated.done.json", json -> json.put("timestamp", "2019-02-16T03:15:40Z"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, text), "the payload's timestamp is not a number; Jira sends the time of the "
                    + "event in epoch milliseconds", "timestamp", "must be epoch milliseconds");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheIssueIsMissing() {
        byte[] body = edited("issue_deleted.json", json -> json.remove("issue"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload has no issue", "issue", "is required");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheIssueHasNoKey() {
        byte[] body = edited("issue_updated.started.json", json -> ((ObjectNode) json.get("issue")).remove("key"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload has no issue.key", "issue.key", "is required");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheIssueKeyIsNoKeyAWorkItemCanHave() {
        byte[] body = edited("issue_updated.started.json", json -> ((ObjectNode) json.get("issue"))
                .put("key", "TES 41"));
        String problem = "must be a Jira issue key such as PAY-123: 1-100 letters, digits, '.', '_', ':', '/' or '-', "
                + "starting with a letter or digit";

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload's issue.key " + problem, "issue.key", problem);
        });
    }

    @Test
    void shouldRefuseWith400WhenTheIssueHasNoProjectOrItsProjectNoKey() {
        byte[] noProject = edited("issue_created.story.json", json -> fields(json).remove("project"));
        byte[] noKey = edited("issue_created.story.json", json -> ((ObjectNode) fields(json).get("project"))
                .remove("key"));

        JavalinTest.test(app(), (server, client) -> {
            Response withoutProject = post(client, noProject);
            Response withoutKey = post(client, noKey);

            assertThat(withoutProject.code()).isEqualTo(400);
            assertThat(withoutProject.body().string())
                    .contains("\"detail\":\"the payload has no issue.fields.project\"");
            assertThat(withoutKey.code()).isEqualTo(400);
            assertThat(withoutKey.body().string())
                    .contains("\"detail\":\"the payload has no issue.fields.project.key\"",
                            "{\"field\":\"issue.fields.project.key\",\"problem\":\"is required\"}");
            assertThat(publisher.batches()).isEmpty();
        });
    }

    @Test
    void shouldRefuseWith400WhenAStatusChangeCarriesNoStatus() {
        byte[] body = edited("issue_updated.started.json", json -> fields(json).remove("status"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload has no issue.fields.status", "issue.fields.status",
                    "is required");
        });
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenAFieldHasTheWrongType() {
        byte[] body = edited("issue_updated.started.json", json -> fields(json).put("labels", "test-label"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the jira:issue_updated payload's issue.fields.labels does not have the "
                    + "type Jira sends", "issue.fields.labels", "has the wrong type");
        });
    }

    @Test
    void shouldRefuseWith400WhenTheDeliveryMustBeDerivedButTheIssueHasNoId() {
        byte[] body = edited("issue_deleted.json", json -> ((ObjectNode) json.get("issue")).remove("id"));

        JavalinTest.test(app(), (server, client) -> {
            assertRefused(post(client, body), "the payload has no issue.id", "issue.id", "is required");
        });
    }

    /** Bodies no Jira sends, each answered 202 ignored or 400, never a 5xx. */
    @Test
    void shouldAnswerEveryOddBodyWith202Or400() {
        String created = "{\"webhookEvent\":\"jira:issue_created\",\"timestamp\":1550286113023,";
        String issue = "\"issue\":{\"id\":\"1\",\"key\":\"TES-1\",\"fields\":{\"project\":{\"key\":\"TES\"},"
                + "\"status\":{\"name\":\"To Do\"}";
        Map<String, Integer> bodies = new LinkedHashMap<>();
        bodies.put("\"jira:issue_created\"", 400);
        bodies.put("[]", 400);
        bodies.put("{\"webhookEvent\":{}}", 400);
        bodies.put("{\"webhookEvent\":\"jira:issue_created\",\"issue\":\"TES-1\"}", 400);
        bodies.put(created + "\"issue\":null}", 400);
        bodies.put(created + issue + ",\"fixVersions\":[null,{\"name\":null},{\"name\":\"1.0\"}]}}}", 202);
        bodies.put(created + issue + ",\"labels\":[null,\"bug\"],\"issuetype\":null}}}", 202);
        bodies.put(created + issue + ",\"summary\":null,\"resolution\":{}}}}", 202);
        bodies.put(created.replace("1550286113023", "1.5e12") + issue + "}}}", 400);
        bodies.put(created.replace("1550286113023", "99999999999999999999") + issue + "}}}", 400);
        bodies.put(created.replace("1550286113023", "-1") + issue + "}}}", 400);
        bodies.put(created + issue.replace("{\"name\":\"To Do\"}", "{\"statusCategory\":\"new\"}") + "}}}", 400);
        bodies.put(created + issue.replace("{\"name\":\"To Do\"}", "null") + "}}}", 400);
        String updated = created.replace("issue_created", "issue_updated") + issue + "}},\"changelog\":";
        bodies.put(updated + "{\"items\":[null,{}]}}", 202);
        bodies.put(updated + "{\"items\":null}}", 202);
        bodies.put(updated + "{\"items\":[{\"field\":\"status\",\"to\":\"1\"}]}}", 202);
        bodies.put(created + issue.replace("TES-1", "#42") + "}}}", 400);
        bodies.put(created + issue.replace("\"TES\"", "\"!!!\"") + "}}}", 400);

        JavalinTest.test(app(), (server, client) -> {
            for (Map.Entry<String, Integer> body : bodies.entrySet()) {
                assertThat(post(client, body.getKey()).code()).as(body.getKey()).isEqualTo(body.getValue());
            }
        });
    }
}
