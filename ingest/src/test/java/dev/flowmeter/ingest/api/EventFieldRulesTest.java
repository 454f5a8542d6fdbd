package dev.flowmeter.ingest.api;

import static dev.flowmeter.ingest.api.EventsApi.SHA_A;
import static dev.flowmeter.ingest.api.EventsApi.SHA_B;
import static dev.flowmeter.ingest.api.EventsApi.app;
import static dev.flowmeter.ingest.api.EventsApi.commit;
import static dev.flowmeter.ingest.api.EventsApi.deployment;
import static dev.flowmeter.ingest.api.EventsApi.errors;
import static dev.flowmeter.ingest.api.EventsApi.gateFinished;
import static dev.flowmeter.ingest.api.EventsApi.gateQueued;
import static dev.flowmeter.ingest.api.EventsApi.json;
import static dev.flowmeter.ingest.api.EventsApi.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.ingest.testing.FakePublisher;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every field rule of the event contract, as the sender sees it: a 400 naming the field and the problem. */
class EventFieldRulesTest {

    private static final String SHA_PROBLEM = "must be a full commit id: 40 or 64 hexadecimal characters";
    private static final String SERVICE_PROBLEM = "must be 1-200 characters of letters, digits, '.', '_', '/' or '-'";
    private static final String NAME_PROBLEM = "must be 1-100 characters of letters, digits, '.', '_', ':' or '-'";

    @Test
    void shouldRejectEventWhenIdIsMissing() {
        ObjectNode event = commit();
        event.remove("id");
        assertRefused(event, "id", "is required");
    }

    @Test
    void shouldRejectEventWhenIdIsNotAString() {
        ObjectNode event = commit();
        event.put("id", 42);
        assertRefused(event, "id", "must be a string");
    }

    @Test
    void shouldRejectEventWhenIdIsEmpty() {
        ObjectNode event = commit();
        event.put("id", "");
        assertRefused(event, "id", "must not be empty");
    }

    @Test
    void shouldRejectEventWhenIdIsLongerThan200Characters() {
        ObjectNode event = commit();
        event.put("id", "x".repeat(201));
        assertRefused(event, "id", "must be at most 200 characters");
    }

    @Test
    void shouldRejectEventWhenTypeIsMissing() {
        ObjectNode event = commit();
        event.remove("type");
        assertRefused(event, "type", "is required");
    }

    @Test
    void shouldRejectEventWhenTypeIsUnknown() {
        ObjectNode event = commit();
        event.put("type", "build");
        assertRefused(event, "type",
                "unknown type 'build'; expected one of commit, artifact, deployment, gate.queued, gate.started, "
                        + "gate.finished, incident.opened, incident.resolved, change.opened, change.reviewed,"
                        + " change.merged, change.closed, environment.requested, environment.ready,"
                        + " environment.deleted, work.created, work.started, work.done, work.reopened,"
                        + " work.cancelled");
    }

    @Test
    void shouldRejectEventWhenTimeIsMissing() {
        ObjectNode event = commit();
        event.remove("time");
        assertRefused(event, "time", "is required");
    }

    @Test
    void shouldRejectEventWhenTimeIsNotRfc3339() {
        ObjectNode event = commit();
        event.put("time", "yesterday");
        assertRefused(event, "time",
                "'yesterday' is not an RFC 3339 timestamp with an offset, such as 2026-05-01T10:00:00Z");
    }

    @Test
    void shouldRejectEventWhenTimeHasNoOffset() {
        ObjectNode event = commit();
        event.put("time", "2026-05-01T10:00:00");
        assertRefused(event, "time",
                "'2026-05-01T10:00:00' is not an RFC 3339 timestamp with an offset, such as 2026-05-01T10:00:00Z");
    }

    @Test
    void shouldRejectEventWhenTimeIsANumber() {
        ObjectNode event = commit();
        event.put("time", 1_777_629_600L);
        assertRefused(event, "time", "must be an RFC 3339 timestamp string such as 2026-05-01T10:00:00Z");
    }

    @Test
    void shouldRejectEventWhenTimeIsBeforeTheEpoch() {
        ObjectNode event = commit();
        event.put("time", "1969-12-31T23:59:59Z");
        assertRefused(event, "time", "must not be before 1970-01-01T00:00:00Z");
    }

    @Test
    void shouldRejectEventWhenServiceIsMissing() {
        ObjectNode event = commit();
        event.remove("service");
        assertRefused(event, "service", "is required");
    }

    @Test
    void shouldRejectEventWhenServiceHasBadCharacters() {
        ObjectNode event = commit();
        event.put("service", "check out");
        assertRefused(event, "service", SERVICE_PROBLEM);
    }

    @Test
    void shouldRejectEventWhenServiceIsLongerThan200Characters() {
        ObjectNode event = commit();
        event.put("service", "s".repeat(201));
        assertRefused(event, "service", SERVICE_PROBLEM);
    }

    @Test
    void shouldRejectCommitWhenShaIsMissing() {
        ObjectNode event = commit();
        event.remove("sha");
        assertRefused(event, "sha", "is required");
    }

    @Test
    void shouldRejectCommitWhenShaIsShort() {
        ObjectNode event = commit();
        event.put("sha", "0123456");
        assertRefused(event, "sha", SHA_PROBLEM);
    }

    @Test
    void shouldRejectCommitWhenShaIsNotHexadecimal() {
        ObjectNode event = commit();
        event.put("sha", "g".repeat(40));
        assertRefused(event, "sha", SHA_PROBLEM);
    }

    @Test
    void shouldRejectCommitWhenParentsIsNotAnArray() {
        ObjectNode event = commit();
        event.put("parents", SHA_B);
        assertRefused(event, "parents", "must be an array of commit ids");
    }

    @Test
    void shouldRejectCommitNamingTheIndexWhenAParentIsNotASha() {
        ObjectNode event = commit();
        event.putArray("parents").add(SHA_B).add("main");
        assertRefused(event, "parents[1]", SHA_PROBLEM);
    }

    @Test
    void shouldRejectDeploymentWhenEnvironmentIsMissing() {
        ObjectNode event = deployment();
        event.remove("environment");
        assertRefused(event, "environment", "is required");
    }

    @Test
    void shouldRejectDeploymentWhenEnvironmentHasBadCharacters() {
        ObjectNode event = deployment();
        event.put("environment", "prod env");
        assertRefused(event, "environment", NAME_PROBLEM);
    }

    @Test
    void shouldRejectDeploymentWhenShaIsMissing() {
        ObjectNode event = deployment();
        event.remove("sha");
        assertRefused(event, "sha", "is required");
    }

    @Test
    void shouldRejectDeploymentWhenShaIsShort() {
        ObjectNode event = deployment();
        event.put("sha", "abc123");
        assertRefused(event, "sha", SHA_PROBLEM);
    }

    @Test
    void shouldRejectDeploymentWhenStatusIsMissing() {
        ObjectNode event = deployment();
        event.remove("status");
        assertRefused(event, "status", "is required");
    }

    @Test
    void shouldRejectDeploymentWhenStatusIsUnknown() {
        ObjectNode event = deployment();
        event.put("status", "ok");
        assertRefused(event, "status", "must be one of success, failure");
    }

    @Test
    void shouldRejectDeploymentWhenCommitsIsEmpty() {
        ObjectNode event = deployment();
        event.putArray("commits");
        assertRefused(event, "commits",
                "must list at least one commit id; leave it out to derive the commits from history");
    }

    @Test
    void shouldRejectDeploymentNamingTheIndexWhenACommitIsNotASha() {
        ObjectNode event = deployment();
        event.putArray("commits").add(SHA_A).add(7);
        assertRefused(event, "commits[1]", SHA_PROBLEM);
    }

    @Test
    void shouldRejectGateEventWhenGateIsMissing() {
        ObjectNode event = gateQueued();
        event.remove("gate");
        assertRefused(event, "gate", "is required");
    }

    @Test
    void shouldRejectGateEventWhenGateHasBadCharacters() {
        ObjectNode event = gateQueued();
        event.put("gate", "code review");
        assertRefused(event, "gate", NAME_PROBLEM);
    }

    @Test
    void shouldRejectGateEventWhenItemIsMissing() {
        ObjectNode event = gateQueued();
        event.remove("item");
        assertRefused(event, "item", "is required");
    }

    @Test
    void shouldRejectGateEventWhenItemIsAnObject() {
        ObjectNode event = gateQueued();
        event.putObject("item").put("number", 17);
        assertRefused(event, "item", "must be a string or an integer");
    }

    @Test
    void shouldAcceptIntegerItemAsTextWhenItemIsANumber() {
        ObjectNode event = gateQueued();
        event.put("item", 42);
        FakePublisher publisher = new FakePublisher();
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, event.toString());

            assertThat(response.code()).isEqualTo(202);
            assertThat(publisher.batches()).containsExactly(List.of(new GateQueued("gate-1",
                    Instant.parse("2026-05-01T09:00:00Z"), "checkout", "code-review", "42")));
        });
    }

    @Test
    void shouldRejectGateFinishedWhenOutcomeIsMissing() {
        ObjectNode event = gateFinished();
        event.remove("outcome");
        assertRefused(event, "outcome", "is required");
    }

    @Test
    void shouldRejectGateFinishedWhenOutcomeIsUnknown() {
        ObjectNode event = gateFinished();
        event.put("outcome", "skipped");
        assertRefused(event, "outcome", "must be one of passed, failed");
    }

    @Test
    void shouldListEveryProblemWhenSeveralFieldsAreBad() {
        ObjectNode event = commit();
        event.remove("id");
        event.put("sha", "short");
        FakePublisher publisher = new FakePublisher();
        JavalinTest.test(app(publisher), (server, client) -> {
            JsonNode problem = json(postJson(client, event.toString()));

            assertThat(problem.get("detail").asText()).isEqualTo("2 problems in the request body; see errors");
            assertThat(errors(problem)).containsExactly(
                    new FieldError("id", "is required"),
                    new FieldError("sha", SHA_PROBLEM));
        });
    }

    private static void assertRefused(ObjectNode event, String field, String expectedProblem) {
        FakePublisher publisher = new FakePublisher();
        JavalinTest.test(app(publisher), (server, client) -> {
            Response response = postJson(client, event.toString());

            assertThat(response.code()).isEqualTo(400);
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            JsonNode problem = json(response);
            assertThat(problem.get("type").asText()).isEqualTo("about:blank");
            assertThat(problem.get("title").asText()).isEqualTo("Invalid event");
            assertThat(problem.get("status").asInt()).isEqualTo(400);
            assertThat(problem.get("detail").asText()).isEqualTo("1 problem in the request body; see errors");
            assertThat(errors(problem)).containsExactly(new FieldError(field, expectedProblem));
            assertThat(publisher.batches()).isEmpty();
        });
    }
}
