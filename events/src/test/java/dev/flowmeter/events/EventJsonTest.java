package dev.flowmeter.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final Instant AT = Instant.parse("2026-05-01T10:00:00Z");
    private static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    private static final String PARENT = "0123456789abcdef0123456789abcdef01234567";

    private static JsonNode read(String json) {
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static DeliveryEvent roundTrip(DeliveryEvent event) {
        return new DeliveryEventSerde().deserializer().deserialize("t",
                new DeliveryEventSerde().serializer().serialize("t", event));
    }

    @Test
    void shouldReadBackEveryEventTypeWhenWrittenToKafka() {
        List<DeliveryEvent> events = List.of(
                new CommitRecorded("c", AT, "shop/checkout", SHA, List.of(PARENT)),
                new DeploymentFinished("d", AT, "shop/checkout", "production", SHA, DeploymentStatus.SUCCESS,
                        List.of(SHA, PARENT)),
                new DeploymentFinished("f", AT, "shop/checkout", "production", SHA, DeploymentStatus.FAILURE,
                        List.of()),
                new DeploymentFinished("b", AT, "shop/checkout", "production", PARENT, DeploymentStatus.SUCCESS,
                        List.of(), true),
                new GateQueued("q", AT, "shop/checkout", "approval:production", "42"),
                new GateStarted("s", AT, "shop/checkout", "qa", "PR-1"),
                new GateFinished("e", AT, "shop/checkout", "qa", "PR-1", GateOutcome.FAILED),
                new IncidentOpened("i", AT, "shop/checkout", "PD-17", "production", SHA),
                new IncidentResolved("r", AT, "shop/checkout", "PD-17", "", ""),
                new ChangeOpened("co", AT, "shop/checkout", "42", SHA, List.of(PARENT, SHA), "main",
                        "Pay by card", "https://git.example/shop/pull/42"),
                new ChangeOpened("co2", AT, "shop/checkout", "43", SHA, List.of(), "release/1.2", "", ""),
                new ChangeReviewed("cr", AT, "shop/checkout", "42"),
                new ChangeMerged("cm", AT, "shop/checkout", "42", SHA, List.of(PARENT)),
                new ChangeClosed("cc", AT, "shop/checkout", "43"),
                new EnvironmentRequested("er", AT, "shop/checkout", "pr-42", "ephemeral", "42"),
                new EnvironmentReady("ey", AT, "shop/checkout", "pr-42", "", ""),
                new EnvironmentDeleted("ed", AT, "shop/checkout", "pr-42", "ephemeral", ""),
                new CommitRecorded("cs", AT, "shop/checkout", SHA, List.of(), "PAY-12: refunds", List.of("PAY-12")),
                new ChangeOpened("cb", AT, "shop/checkout", "44", SHA, List.of(), "main", "Refunds", "",
                        "feature/PAY-12-refunds", List.of("PAY-12", "#7")),
                new WorkItemChanged("w1", EventType.WORK_CREATED, AT, "payments", "PAY-12", WorkKind.FEATURE,
                        "Refunds by card", "https://example.atlassian.net/browse/PAY-12", "2026.5"),
                new WorkItemChanged("w2", EventType.WORK_STARTED, AT, "shop/checkout", "#7", WorkKind.DEFECT, "",
                        "", ""),
                new WorkItemChanged("w3", EventType.WORK_DONE, AT, "payments", "PAY-12", WorkKind.FEATURE, "", "",
                        ""),
                new WorkItemChanged("w4", EventType.WORK_REOPENED, AT, "payments", "PAY-12", WorkKind.RISK, "", "",
                        ""),
                new WorkItemChanged("w5", EventType.WORK_CANCELLED, AT, "payments", "PAY-12", WorkKind.DEBT, "", "",
                        ""));

        for (DeliveryEvent event : events) {
            assertThat(roundTrip(event)).isEqualTo(event);
        }
    }

    @Test
    void shouldWriteTheContractsFlatJsonWhenSerialising() {
        DeliveryEvent event = new DeploymentFinished("gh-123", AT, "shop/checkout", "production", SHA,
                DeploymentStatus.SUCCESS, List.of());

        assertThat(EventJson.toJson(event).toString()).isEqualTo("{\"id\":\"gh-123\",\"type\":\"deployment\","
                + "\"time\":\"2026-05-01T10:00:00Z\",\"service\":\"shop/checkout\",\"environment\":\"production\","
                + "\"sha\":\"" + SHA + "\",\"status\":\"success\"}");
    }

    @Test
    void shouldReadARollbackFlagWhenADeploymentSaysItRestoresAnEarlierVersion() {
        String json = "{\"id\":\"d-2\",\"type\":\"deployment\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"environment\":\"production\",\"sha\":\"" + SHA + "\","
                + "\"status\":\"success\",\"rollback\":true}";

        DeliveryEvent event = EventJson.parse(read(json));

        assertThat(event).isEqualTo(new DeploymentFinished("d-2", AT, "shop/checkout", "production", SHA,
                DeploymentStatus.SUCCESS, List.of(), true));
        assertThat(EventJson.toJson(event).toString()).isEqualTo(json);
    }

    @Test
    void shouldReadAChangeOpenedWithItsTitleAndUrlWhenTheySaySo() {
        String json = "{\"id\":\"c-1\",\"type\":\"change.opened\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"change\":42,\"sha\":\"" + SHA + "\",\"target\":\"main\","
                + "\"title\":\"  Pay by card \",\"url\":\"https://git.example/shop/pull/42\"}";

        assertThat(EventJson.parse(read(json))).isEqualTo(new ChangeOpened("c-1", AT, "shop/checkout", "42", SHA,
                List.of(), "main", "Pay by card", "https://git.example/shop/pull/42"));
    }

    @Test
    void shouldNameEveryBadFieldWhenAChangeOrEnvironmentEventBreaksTheContract() {
        String opened = "{\"id\":\"c-1\",\"type\":\"change.opened\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"change\":\"\",\"sha\":\"abc\",\"target\":\"main branch\","
                + "\"title\":\"two\\nlines\",\"url\":\"ftp://x\"}";
        assertThatThrownBy(() -> EventJson.parse(read(opened))).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).containsExactly(
                        new FieldError("change", "must not be empty"),
                        new FieldError("sha", "must be a full commit id: 40 or 64 hexadecimal characters"),
                        new FieldError("target", "must be a branch name: 1-200 characters of letters, digits, '.',"
                                + " '_', '/', '+' or '-'"),
                        new FieldError("title", "must not contain control characters (line breaks, tabs, ...)"),
                        new FieldError("url", "must be an absolute http:// or https:// URL without spaces")));
        String ready = "{\"id\":\"e-1\",\"type\":\"environment.ready\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"kind\":\"Big Test\"}";
        assertThatThrownBy(() -> EventJson.parse(read(ready))).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).containsExactly(
                        new FieldError("environment", "is required"),
                        new FieldError("kind", "must be 1-30 lowercase letters, digits or '-', such as test, qa,"
                                + " staging or ephemeral")));
    }

    @Test
    void shouldReadAWorkItemAndTheItemsACommitOrChangeNames() {
        String work = "{\"id\":\"j-1\",\"type\":\"work.started\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"payments\",\"item\":\"PAY-12\",\"kind\":\"feature\",\"title\":\"Refunds\","
                + "\"release\":\"2026.5\"}";
        DeliveryEvent event = EventJson.parse(read(work));
        assertThat(event).isEqualTo(new WorkItemChanged("j-1", EventType.WORK_STARTED, AT, "payments", "PAY-12",
                WorkKind.FEATURE, "Refunds", "", "2026.5"));
        assertThat(EventJson.toJson(event).toString()).isEqualTo(work);

        // A whole commit message is cut to its subject line; repeated items count once.
        String commit = "{\"id\":\"c-9\",\"type\":\"commit\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"sha\":\"" + SHA + "\",\"message\":\" PAY-12: refunds \\n\\n"
                + "The long story.\",\"items\":[\"PAY-12\",\"#7\",\"PAY-12\"]}";
        assertThat(EventJson.parse(read(commit))).isEqualTo(new CommitRecorded("c-9", AT, "shop/checkout", SHA,
                List.of(), "PAY-12: refunds", List.of("PAY-12", "#7")));
    }

    @Test
    void shouldNameEveryBadFieldOfAWorkItemOrItsLinks() {
        String work = "{\"id\":\"j-1\",\"type\":\"work.done\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"payments\",\"item\":\"PAY 12\",\"kind\":\"story\",\"url\":\"jira\"}";
        assertThatThrownBy(() -> EventJson.parse(read(work))).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).containsExactly(
                        new FieldError("item", "must be a work item key such as PAY-123 or #42: '#' and up to 18"
                                + " digits, or 1-100 letters, digits, '.', '_', ':', '/' or '-' starting with a letter"
                                + " or digit"),
                        new FieldError("kind", "must be one of feature, defect, risk, debt"),
                        new FieldError("url", "must be an absolute http:// or https:// URL without spaces")));
        String commit = "{\"id\":\"c-9\",\"type\":\"commit\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"sha\":\"" + SHA + "\",\"message\":7,"
                + "\"items\":[\"PAY-12\",\"#x\",3]}";
        assertThatThrownBy(() -> EventJson.parse(read(commit))).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("message", "items[1]",
                        "items[2]"));
        String opened = "{\"id\":\"o-1\",\"type\":\"change.opened\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"change\":1,\"sha\":\"" + SHA + "\",\"branch\":\"a b\","
                + "\"items\":\"PAY-12\"}";
        assertThatThrownBy(() -> EventJson.parse(read(opened))).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).containsExactly(
                        new FieldError("branch", "must be a branch name: 1-200 characters of letters, digits, '.',"
                                + " '_', '/', '+' or '-'"),
                        new FieldError("items", "must be an array of work item keys such as [\"PAY-123\", \"#42\"]")));
    }

    @Test
    void shouldNameTheFieldWhenRollbackIsNotABoolean() {
        String json = "{\"id\":\"d-2\",\"type\":\"deployment\",\"time\":\"2026-05-01T10:00:00Z\","
                + "\"service\":\"shop/checkout\",\"environment\":\"production\",\"sha\":\"" + SHA + "\","
                + "\"status\":\"success\",\"rollback\":\"yes\"}";

        assertThatThrownBy(() -> EventJson.parse(read(json))).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).containsExactly(
                        new FieldError("rollback", "must be true or false (a JSON boolean), got string")));
    }

    /** What a webhook mapper builds is checked with the rules the topology reads it back with. */
    @Test
    void shouldNameEveryFieldThatBreaksTheContractWhenValidatingABuiltEvent() {
        DeliveryEvent tooLong = new IncidentOpened("pagerduty:1", AT, "shop checkout", "P".repeat(201), "prod env",
                "");

        assertThatThrownBy(() -> EventJson.validate(tooLong)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).containsExactly(
                        new FieldError("service", "must be 1-200 characters of letters, digits, '.', '_', '/' or '-'"),
                        new FieldError("incident", "must be at most 200 characters"),
                        new FieldError("environment",
                                "must be 1-100 characters of letters, digits, '.', '_', ':' or '-'")));
        assertThatThrownBy(() -> EventJson.validate(new CommitRecorded("c", Instant.parse("1969-12-31T23:59:59Z"),
                "shop/checkout", SHA, List.of()))).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.errors()).containsExactly(
                        new FieldError("time", "must not be before 1970-01-01T00:00:00Z")));
    }

    @Test
    void shouldPassWhenABuiltEventMeetsTheContractAtItsLimits() {
        EventJson.validate(new IncidentOpened("i".repeat(200), Instant.parse("9999-12-31T23:59:59.999Z"),
                "s".repeat(200), "P".repeat(200), "e".repeat(100), SHA));
        EventJson.validate(new GateQueued("q", Instant.EPOCH, "shop/checkout", "approval:production", "42"));
    }

    @Test
    void shouldLeaveOutUnknownIncidentFieldsWhenTheSourceDidNotSayThem() {
        DeliveryEvent event = new IncidentResolved("r", AT, "shop/checkout", "PD-17", "", "");

        assertThat(EventJson.toJson(event).toString()).isEqualTo("{\"id\":\"r\",\"type\":\"incident.resolved\","
                + "\"time\":\"2026-05-01T10:00:00Z\",\"service\":\"shop/checkout\",\"incident\":\"PD-17\"}");
    }

    @Test
    void shouldNameEveryBadIncidentFieldWhenParsing() throws Exception {
        var node = EventJson.MAPPER.readTree("{\"id\":\"i\",\"type\":\"incident.opened\","
                + "\"time\":\"2026-05-01T10:00:00Z\",\"service\":\"shop/checkout\",\"environment\":\"prod env\","
                + "\"sha\":\"abc\"}");

        assertThatThrownBy(() -> EventJson.parse(node))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.errors()).containsExactly(
                        new FieldError("incident", "is required"),
                        new FieldError("environment",
                                "must be 1-100 characters of letters, digits, '.', '_', ':' or '-'"),
                        new FieldError("sha", "must be a full commit id: 40 or 64 hexadecimal characters")));
    }

    @Test
    void shouldRefuseTimesKafkaCannotCarryWhenParsing() throws Exception {
        var before1970 = EventJson.MAPPER.readTree("{\"id\":\"c\",\"type\":\"commit\","
                + "\"time\":\"1969-12-31T23:59:59Z\",\"service\":\"s\",\"sha\":\"" + SHA + "\"}");

        assertThatThrownBy(() -> EventJson.parse(before1970))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.errors())
                        .containsExactly(new FieldError("time", "must not be before 1970-01-01T00:00:00Z")));
    }

    @Test
    void shouldSayTheLimitAndHowToSplitWhenACommitHasTooManyParents() {
        ObjectNode commit = event("commit");
        shas(commit.putArray("parents"), 101);

        assertThatThrownBy(() -> EventJson.parse(commit))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.errors()).containsExactly(
                        new FieldError("parents", "holds 101 commit ids, more than the limit of 100 per event; "
                                + "report the commit again with the rest of its parents, in as many events as it "
                                + "takes: reports of the same sha add up")));
    }

    @Test
    void shouldSayTheLimitAndHowToSplitWhenAnArtifactListsTooManyCommits() {
        ObjectNode artifact = event("artifact");
        shas(artifact.putArray("commits"), 10_001);

        assertThatThrownBy(() -> EventJson.parse(artifact))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.errors()).containsExactly(
                        new FieldError("commits", "holds 10001 commit ids, more than the limit of 10000 per event; "
                                + "report the artifact again with the rest of its commits, in as many events as it "
                                + "takes: reports of the same sha add up")));
    }

    @Test
    void shouldSayTheLimitAndTheWaysAroundItWhenADeploymentListsTooManyCommits() {
        ObjectNode deployment = event("deployment");
        deployment.put("environment", "production");
        deployment.put("status", "success");
        shas(deployment.putArray("commits"), 10_001);

        assertThatThrownBy(() -> EventJson.parse(deployment))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.errors()).containsExactly(
                        new FieldError("commits", "holds 10001 commit ids, more than the limit of 10000 per event; "
                                + "leave commits out to derive them from the history of sha, or report them as an "
                                + "artifact (in several events if need be: reports of the same sha add up) and deploy "
                                + "its sha")));
    }

    @Test
    void shouldAcceptAListWhenItHoldsExactlyTheLimit() {
        ObjectNode artifact = event("artifact");
        shas(artifact.putArray("commits"), 10_000);

        assertThat(((ArtifactBuilt) EventJson.parse(artifact)).commits()).hasSize(10_000);
    }

    private static ObjectNode event(String type) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("id", "e-1");
        node.put("type", type);
        node.put("time", AT.toString());
        node.put("service", "shop/checkout");
        node.put("sha", SHA);
        return node;
    }

    /** {@code count} distinct 40-digit commit ids. */
    private static void shas(ArrayNode array, int count) {
        for (int i = 0; i < count; i++) {
            array.add(String.format("%040x", i));
        }
    }
}
