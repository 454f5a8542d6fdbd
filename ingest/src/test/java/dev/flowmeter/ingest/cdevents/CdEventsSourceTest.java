package dev.flowmeter.ingest.cdevents;

import static dev.flowmeter.ingest.cdevents.CdEventRequests.fixture;
import static dev.flowmeter.ingest.cdevents.CdEventRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.ArtifactBuilt;
import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EnvironmentDeleted;
import dev.flowmeter.events.EnvironmentReady;
import dev.flowmeter.events.EnvironmentRequested;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.ingest.cdevents.CdEventRequests.Mode;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookRequest;
import dev.flowmeter.ingest.webhook.WebhookResult;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mapping on the CDEvents conformance examples of spec 0.4.1 and 0.5.1, sent in both CloudEvents HTTP modes.
 * Expected ids, services and stand-in shas are written out from the documented rules, not taken from the mapper.
 */
class CdEventsSourceTest {

    /** Every conformance example shares this CloudEvent source, id and time (incidents excepted). */
    private static final String SOURCE = "/event/source/123";
    private static final String EVENT = "271069a8-fc18-44f1-b38f-9d70a1695819";
    private static final String ID = "cdevents:" + SOURCE + ":" + EVENT + ":";
    private static final Instant TIME = Instant.parse("2023-03-20T14:27:05.315384Z");
    private static final String INCIDENT_ID = "cdevents:/monitoring/prod1:F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708:";
    private static final Instant INCIDENT_TIME = Instant.parse("2022-11-11T13:52:20.079Z");

    /** change.* subject: id mySubject123 from /event/source/123, in repository TestRepo/TestOrg. */
    private static final String CHANGE_SHA = Identifiers.syntheticSha("change", SOURCE + " mySubject123");
    /** The oci artifact of build.finished, service.* and incident.detected, with its %3A decoded. */
    private static final String MYAPP_SHA = Identifiers.syntheticSha("artifact",
            "pkg:oci/myapp@sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427");

    private final CdEventsSource source = new CdEventsSource(Secret.of(CdEventRequests.TOKEN), ServiceMap.IDENTITY);

    @TempDir
    Path dir;

    static Stream<Arguments> versionsAndModes() {
        return Stream.of(Arguments.of("v0.4.1", Mode.BINARY), Arguments.of("v0.4.1", Mode.STRUCTURED),
                Arguments.of("v0.5.1", Mode.BINARY), Arguments.of("v0.5.1", Mode.STRUCTURED));
    }

    private List<DeliveryEvent> map(WebhookRequest request) {
        source.authenticate(request);
        WebhookResult result = source.map(request);
        assertThat(result.isIgnored()).as("ignored: %s", result.ignoredReason()).isFalse();
        return result.events();
    }

    private List<DeliveryEvent> map(String version, Mode mode, String name) {
        return map(request(mode, fixture(version, name)));
    }

    private String ignoredReason(String version, Mode mode, String name) {
        WebhookRequest request = request(mode, fixture(version, name));
        source.authenticate(request);
        WebhookResult result = source.map(request);
        assertThat(result.events()).isEmpty();
        return result.ignoredReason();
    }

    private static Rejected rejection(CdEventsSource source, WebhookRequest request) {
        try {
            source.map(request);
        } catch (Rejected rejected) {
            return rejected;
        }
        throw new AssertionError("expected the request to be refused");
    }

    private Rejected rejection(WebhookRequest request) {
        return rejection(source, request);
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldRecordTheChangeAsACommitAndOpenOrMergeItWhenAChangeIsCreatedOrMerged(String version, Mode mode) {
        // Repository TestRepo/TestOrg: with no service map entry the service is its short name, TestOrg. CDEvents
        // changes carry no git sha and no branch: the change's commit is its stand-in commit, and no target.
        CommitRecorded commit = new CommitRecorded(ID + "commit", TIME, "TestOrg", CHANGE_SHA, List.of());

        assertThat(map(version, mode, "change.created")).containsExactly(commit, new ChangeOpened(ID + "change.opened",
                TIME, "TestOrg", "mySubject123", CHANGE_SHA, List.of(), "", "This PR address a bug from a recent PR",
                ""));
        assertThat(map(version, mode, "change.merged")).containsExactly(commit, new ChangeMerged(ID + "change.merged",
                TIME, "TestOrg", "mySubject123", CHANGE_SHA, List.of()));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldMarkTheChangeReviewedWhenAChangeIsReviewed(String version, Mode mode) {
        assertThat(map(version, mode, "change.reviewed")).containsExactly(
                new ChangeReviewed(ID + "change.reviewed", TIME, "TestOrg", "mySubject123"));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldCloseTheChangeWhenAChangeIsAbandoned(String version, Mode mode) {
        assertThat(map(version, mode, "change.abandoned")).containsExactly(
                new ChangeClosed(ID + "change.closed", TIME, "TestOrg", "mySubject123"));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldRequestTheEnvironmentAndMakeItReadyAtOnceWhenAnEnvironmentIsCreated(String version, Mode mode) {
        // Environment mySubject123 from source /event/source/123: the service is the source's short name, 123.
        List<DeliveryEvent> events = map(version, mode, "environment.created");

        assertThat(events).containsExactly(
                new EnvironmentRequested(ID + "environment.requested", TIME, "123", "mySubject123", "", ""),
                new EnvironmentReady(ID + "environment.ready", TIME, "123", "mySubject123", "", ""));
        events.forEach(EventJson::validate);
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldDeleteTheEnvironmentWhenAnEnvironmentIsDeleted(String version, Mode mode) {
        assertThat(map(version, mode, "environment.deleted")).containsExactly(
                new EnvironmentDeleted(ID + "environment.deleted", TIME, "123", "mySubject123", "", ""));
    }

    @Test
    void shouldNameTheEnvironmentWithinTheContractWhenItsIdHasOtherCharacters() {
        ObjectNode created = fixture("v0.5.1", "environment.created",
                node -> ((ObjectNode) node.path("subject")).put("id", "/clusters/eu west/pr-42"));

        assertThat(map(request(Mode.BINARY, created))).first().isInstanceOfSatisfying(EnvironmentRequested.class,
                requested -> assertThat(requested.environment()).isEqualTo("clusters-eu-west-pr-42"));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldLinkTheArtifactToItsChangeWhenAnArtifactIsPackaged(String version, Mode mode) {
        // pkg:golang/mygit.com/myorg/myapp: namespace mygit.com/myorg, name myapp; the change reference has its own
        // source, my-git.example/an-org/a-repo.
        assertThat(map(version, mode, "artifact.packaged")).containsExactly(new ArtifactBuilt(ID + "artifact", TIME,
                "myapp",
                Identifiers.syntheticSha("artifact", "pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c"),
                List.of(Identifiers.syntheticSha("change", "my-git.example/an-org/a-repo myChange123"))));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldPassTheBuildGateWhenABuildIsQueuedStartedAndFinished(String version, Mode mode) {
        // Builds name nothing but their source, /event/source/123, whose short name is 123.
        assertThat(map(version, mode, "build.queued"))
                .containsExactly(new GateQueued(ID + "gate.queued", TIME, "123", "build", "mySubject123"));
        assertThat(map(version, mode, "build.started"))
                .containsExactly(new GateStarted(ID + "gate.started", TIME, "123", "build", "mySubject123"));
        assertThat(map(version, mode, "build.finished")).containsExactly(new GateFinished(ID + "gate.finished", TIME,
                "123", "build", "mySubject123", GateOutcome.PASSED));
    }

    @Test
    void shouldFailTheBuildGateWhenTheFinishedBuildNamesNoArtifact() {
        ObjectNode build = fixture("v0.5.1", "build.finished",
                node -> ((ObjectNode) node.path("subject").path("content")).remove("artifactId"));

        assertThat(map(request(Mode.BINARY, build))).containsExactly(new GateFinished(ID + "gate.finished", TIME,
                "123", "build", "mySubject123", GateOutcome.FAILED));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldPassThePipelineGateWhenAPipelineRunIsQueuedStartedAndFinished(String version, Mode mode) {
        assertThat(map(version, mode, "pipelinerun.queued"))
                .containsExactly(new GateQueued(ID + "gate.queued", TIME, "myPipeline", "pipeline", "mySubject123"));
        assertThat(map(version, mode, "pipelinerun.started"))
                .containsExactly(new GateStarted(ID + "gate.started", TIME, "myPipeline", "pipeline", "mySubject123"));
        // outcome "failure"
        assertThat(map(version, mode, "pipelinerun.finished")).containsExactly(new GateFinished(ID + "gate.finished",
                TIME, "myPipeline", "pipeline", "mySubject123", GateOutcome.FAILED));
    }

    @Test
    void shouldReadThePipelineOutcomeFromItsErrorsWhenA04RunReportsNoOutcome() {
        ObjectNode withErrors = fixture("v0.4.1", "pipelinerun.finished",
                node -> ((ObjectNode) node.path("subject").path("content")).remove("outcome"));
        ObjectNode clean = fixture("v0.4.1", "pipelinerun.finished",
                node -> ((ObjectNode) node.path("subject").path("content")).remove(List.of("outcome", "errors")));
        ObjectNode success = fixture("v0.5.1", "pipelinerun.finished",
                node -> ((ObjectNode) node.path("subject").path("content")).put("outcome", "success"));

        assertThat(map(request(Mode.BINARY, withErrors))).singleElement()
                .satisfies(e -> assertThat(((GateFinished) e).outcome()).isEqualTo(GateOutcome.FAILED));
        assertThat(map(request(Mode.BINARY, clean))).singleElement()
                .satisfies(e -> assertThat(((GateFinished) e).outcome()).isEqualTo(GateOutcome.PASSED));
        assertThat(map(request(Mode.BINARY, success))).singleElement()
                .satisfies(e -> assertThat(((GateFinished) e).outcome()).isEqualTo(GateOutcome.PASSED));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldPassTheTestsGateWhenATestSuiteRunIsQueuedStartedAndFinished(String version, Mode mode) {
        // The test suite's id, 92834723894, names the service; "fail" (0.4) and "failure" (0.5) both fail.
        assertThat(map(version, mode, "testsuiterun.queued")).containsExactly(
                new GateQueued(ID + "gate.queued", TIME, "92834723894", "tests", "myTestSuiteRun123"));
        assertThat(map(version, mode, "testsuiterun.started")).containsExactly(
                new GateStarted(ID + "gate.started", TIME, "92834723894", "tests", "myTestSuiteRun123"));
        assertThat(map(version, mode, "testsuiterun.finished")).containsExactly(new GateFinished(
                ID + "gate.finished", TIME, "92834723894", "tests", "myTestSuiteRun123", GateOutcome.FAILED));
    }

    @Test
    void shouldPassTheTestsGateWhenTheSuitePassedInEitherSpelling() {
        ObjectNode pass = fixture("v0.4.1", "testsuiterun.finished",
                node -> ((ObjectNode) node.path("subject").path("content")).put("outcome", "pass"));
        ObjectNode success = fixture("v0.5.1", "testsuiterun.finished",
                node -> ((ObjectNode) node.path("subject").path("content")).put("outcome", "success"));

        for (ObjectNode finished : List.of(pass, success)) {
            assertThat(map(request(Mode.STRUCTURED, finished))).containsExactly(new GateFinished(ID + "gate.finished",
                    TIME, "92834723894", "tests", "myTestSuiteRun123", GateOutcome.PASSED));
        }
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldDeployTheArtifactWhenAServiceIsDeployedOrUpgraded(String version, Mode mode) {
        // The deployment names its service by the artifact (pkg:oci/myapp -> myapp), like artifact.packaged does.
        DeploymentFinished expected = new DeploymentFinished(ID + "deployment", TIME, "myapp", "test123", MYAPP_SHA,
                DeploymentStatus.SUCCESS, List.of(), false);

        assertThat(map(version, mode, "service.deployed")).containsExactly(expected);
        assertThat(map(version, mode, "service.upgraded")).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldMarkTheDeploymentAsARollbackWhenAServiceIsRolledBack(String version, Mode mode) {
        assertThat(map(version, mode, "service.rolledback")).containsExactly(new DeploymentFinished(
                ID + "deployment", TIME, "myapp", "test123", MYAPP_SHA, DeploymentStatus.SUCCESS, List.of(), true));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldOpenAndResolveTheIncidentWhenAnIncidentIsDetectedReportedAndResolved(String version, Mode mode) {
        String resolvedSha = Identifiers.syntheticSha("artifact",
                "pkg:oci/myapp@sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93439");

        assertThat(map(version, mode, "incident.detected")).containsExactly(new IncidentOpened(
                INCIDENT_ID + "incident.opened", INCIDENT_TIME, "myapp", "incident-123", "prod1", MYAPP_SHA));
        assertThat(map(version, mode, "incident.reported")).containsExactly(new IncidentOpened(
                INCIDENT_ID + "incident.opened", INCIDENT_TIME, "myapp", "incident-123", "prod1", MYAPP_SHA));
        assertThat(map(version, mode, "incident.resolved")).containsExactly(new IncidentResolved(
                INCIDENT_ID + "incident.resolved", INCIDENT_TIME, "myapp", "incident-123", "prod1", resolvedSha));
    }

    @Test
    void shouldNameTheIncidentServiceByTheServiceIdWhenNoArtifactIsGiven() {
        ObjectNode detected = fixture("v0.5.1", "incident.detected",
                node -> ((ObjectNode) node.path("subject").path("content")).remove("artifactId"));

        assertThat(map(request(Mode.BINARY, detected))).containsExactly(new IncidentOpened(
                INCIDENT_ID + "incident.opened", INCIDENT_TIME, "myApp", "incident-123", "prod1", ""));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModes")
    void shouldIgnoreWithAReasonWhenTheEventChangesNoMetric(String version, Mode mode) {
        assertThat(ignoredReason(version, mode, "environment.modified"))
                .isEqualTo("environment.modified neither creates nor deletes an environment");
        assertThat(ignoredReason(version, mode, "taskrun.started"))
                .isEqualTo("CDEvents taskrun.started events change no Flowmeter metric");
        assertThat(ignoredReason(version, mode, "change.updated")).isEqualTo("change.updated adds nothing: a change's"
                + " time is that of its first change.created or change.merged");
        assertThat(ignoredReason(version, mode, "artifact.published")).isEqualTo("artifact.published changes no"
                + " metric; artifact.packaged links an artifact to its change");
        assertThat(ignoredReason(version, mode, "service.removed"))
                .isEqualTo("service.removed is not a deployment of a version");
    }

    @Test
    void shouldIgnoreWhenTheCloudEventIsNotACdEvent() {
        ObjectNode custom = fixture("v0.5.1", "change.created",
                node -> ((ObjectNode) node.path("context")).put("type", "dev.cdeventsx.mytool-resource.created.0.1.0"));
        WebhookRequest request = request(Mode.BINARY, custom);

        assertThat(source.map(request).ignoredReason())
                .isEqualTo("CloudEvent type dev.cdeventsx.mytool-resource.created.0.1.0 is not a CDEvent"
                        + " (dev.cdevents.*)");
    }

    @Test
    void shouldKeyEventsByTheCloudEventIdAndSourceWhenTheHeadersDifferFromTheContext() {
        ObjectNode created = fixture("v0.5.1", "change.created");
        var headers = CdEventRequests.headers(Mode.BINARY, created);
        headers.put("ce-id", "delivery-7");
        headers.put("ce-source", "/bridge");

        assertThat(map(request(headers, CdEventRequests.body(Mode.BINARY, created)))).extracting(DeliveryEvent::id)
                .containsExactly("cdevents:/bridge:delivery-7:commit", "cdevents:/bridge:delivery-7:change.opened");
    }

    @Test
    void shouldMapToTheSameIdsWhenTheSameEventIsDeliveredAgain() {
        ObjectNode deployed = fixture("v0.4.1", "service.deployed");

        assertThat(map(request(Mode.BINARY, deployed))).isEqualTo(map(request(Mode.BINARY, deployed)));
    }

    @Test
    void shouldGiveTheSameArtifactShaWhenThePurlIsSpelledDifferently() {
        ObjectNode packaged = fixture("v0.5.1", "artifact.packaged", node -> ((ObjectNode) node.path("subject"))
                .put("id", "pkg:OCI/myapp@sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427"
                        + "?repository_url=ghcr.io%2Facme%2Fmyapp&tag=1.0"));

        assertThat(map(request(Mode.BINARY, packaged))).singleElement()
                .satisfies(e -> assertThat(((ArtifactBuilt) e).sha()).isEqualTo(MYAPP_SHA));
    }

    @Test
    void shouldUseTheServiceMapWhenItRenamesARepositoryOrAShortName() throws IOException {
        Path file = dir.resolve("services.properties");
        Files.writeString(file, """
                TestRepo/TestOrg = shop/checkout
                myapp = shop/checkout
                myPipeline = shop/checkout
                ghcr.io/other/myapp = other/app
                """);
        CdEventsSource mapped = new CdEventsSource(Secret.of(CdEventRequests.TOKEN), ServiceMap.load(file));
        ObjectNode otherRegistry = fixture("v0.5.1", "artifact.packaged", node -> ((ObjectNode) node.path("subject"))
                .put("id", "pkg:oci/myapp@sha256:1?repository_url=ghcr.io/other/myapp"));

        for (String name : List.of("change.created", "artifact.packaged", "service.deployed", "pipelinerun.queued")) {
            assertThat(mapped.map(request(Mode.BINARY, fixture("v0.5.1", name))).events()).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.service()).as(name).isEqualTo("shop/checkout"));
        }
        // The registry is more specific than the short name, so it wins.
        assertThat(mapped.map(request(Mode.BINARY, otherRegistry)).events()).singleElement()
                .satisfies(e -> assertThat(e.service()).isEqualTo("other/app"));
    }

    @Test
    void shouldNormaliseTheEnvironmentWhenItsIdHasCharactersNamesCannotHave() {
        ObjectNode deployed = fixture("v0.5.1", "service.deployed", node -> ((ObjectNode) node.path("subject")
                .path("content").path("environment")).put("id", "/clusters/eu west/prod"));

        assertThat(map(request(Mode.BINARY, deployed))).singleElement()
                .satisfies(e -> assertThat(((DeploymentFinished) e).environment()).isEqualTo("clusters-eu-west-prod"));
    }

    @Test
    void shouldRefuseWith400WhenTheSpecVersionIsNotSupported() {
        ObjectNode old = fixture("v0.4.1", "change.created", node -> ((ObjectNode) node.path("context"))
                .put("version", "0.3.0"));
        ObjectNode none = fixture("v0.5.1", "change.created", node -> ((ObjectNode) node.path("context"))
                .remove("specversion"));

        Rejected rejected = rejection(request(Mode.BINARY, old));
        assertThat(rejected.problem().status()).isEqualTo(400);
        assertThat(rejected.problem().detail())
                .isEqualTo("CDEvents spec version 0.3.0 is not supported; Flowmeter reads 0.4.x and 0.5.x");
        assertThat(rejected.errors()).containsExactly(new FieldError("context.version", "must be 0.4.x or 0.5.x"));
        assertThat(rejection(request(Mode.STRUCTURED, none)).errors())
                .containsExactly(new FieldError("context.specversion", "is required"));
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenTheCdEventLacksWhatTheMappingNeeds() {
        assertRefused(fixture("v0.5.1", "change.created",
                        node -> ((ObjectNode) node.path("subject").path("content")).remove("repository")),
                "the CDEvent has no subject.content.repository.id", "subject.content.repository.id");
        assertRefused(fixture("v0.5.1", "service.deployed",
                        node -> ((ObjectNode) node.path("subject").path("content")).remove("environment")),
                "the CDEvent has no subject.content.environment.id", "subject.content.environment.id");
        assertRefused(fixture("v0.4.1", "artifact.packaged",
                        node -> ((ObjectNode) node.path("subject").path("content")).remove("change")),
                "the CDEvent has no subject.content.change.id", "subject.content.change.id");
        assertRefused(fixture("v0.4.1", "testsuiterun.finished",
                        node -> ((ObjectNode) node.path("subject").path("content")).remove("outcome")),
                "the CDEvent has no subject.content.outcome", "subject.content.outcome");
        assertRefused(fixture("v0.4.1", "build.queued", node -> ((ObjectNode) node.path("subject")).remove("id")),
                "the CDEvent has no subject.id", "subject.id");
        assertRefused(fixture("v0.4.1", "build.queued", node -> ((ObjectNode) node.path("context"))
                .remove("timestamp")), "the payload has no context.timestamp", "context.timestamp");
        assertRefused(fixture("v0.5.1", "incident.detected", node -> ((ObjectNode) node.path("subject")
                        .path("content")).remove(List.of("artifactId", "service"))),
                "the incident names neither subject.content.artifactId nor subject.content.service.id, so Flowmeter"
                        + " cannot tell which service it belongs to", "subject.content.artifactId");
        assertRefused(fixture("v0.5.1", "testsuiterun.finished", node -> ((ObjectNode) node.path("subject")
                        .path("content")).put("outcome", "flaky")),
                "the test suite run's subject.content.outcome is not one CDEvents defines", "subject.content.outcome");
        assertRefused(fixture("v0.5.1", "change.created", node -> ((ObjectNode) node.path("subject"))
                        .putArray("content")),
                "the CDEvent's subject.content does not have the shape the CDEvents schema gives it",
                "subject.content");
    }

    /**
     * context.timestamp read as epoch seconds (milliseconds above 10^11) or text: a number beyond Instant's range
     * (which made Instant.ofEpochSecond throw and the server answer 500), a time before 1970 or after 9999 (which the
     * topology would drop) is a 400 naming the field. The headers come from the unedited CDEvent, so that the
     * CloudEvents ce-time attribute stays valid and only the CDEvent's own field is wrong.
     */
    @Test
    void shouldRefuseWith400NamingContextTimestampWhenItIsOutsideTheTimesAnEventMayHave() {
        String before = "must not be before 1970-01-01T00:00:00Z";
        String after = "must not be after 9999-12-31T23:59:59Z";
        assertTimestampRefused(node -> node.put("timestamp", -99_999_999_999_999_999L), before);
        assertTimestampRefused(node -> node.put("timestamp", Long.MIN_VALUE), before);
        assertTimestampRefused(node -> node.put("timestamp", new BigInteger("-1" + "0".repeat(30))), before);
        assertTimestampRefused(node -> node.put("timestamp", new BigInteger("1" + "0".repeat(30))), after);
        assertTimestampRefused(node -> node.put("timestamp", -1), before);
        assertTimestampRefused(node -> node.put("timestamp", "1969-12-31T23:59:59Z"), before);
        assertTimestampRefused(node -> node.put("timestamp", "+10000-01-01T00:00:00Z"), after);
    }

    @Test
    void shouldReadContextTimestampAsEpochSecondsOrMillisecondsWhenItIsANumber() {
        assertThat(mapTimestamp(node -> node.put("timestamp", 0))).isEqualTo(Instant.EPOCH);
        assertThat(mapTimestamp(node -> node.put("timestamp", 1_777_708_800)))
                .isEqualTo(Instant.parse("2026-05-02T08:00:00Z"));
        assertThat(mapTimestamp(node -> node.put("timestamp", 253_402_300_799_999L)))
                .isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z"));
    }

    private Instant mapTimestamp(Consumer<ObjectNode> editContext) {
        ObjectNode original = fixture("v0.4.1", "build.queued");
        ObjectNode edited = original.deepCopy();
        editContext.accept((ObjectNode) edited.path("context"));
        List<DeliveryEvent> events = map(request(CdEventRequests.headers(Mode.BINARY, original),
                CdEventRequests.body(Mode.BINARY, edited)));
        return events.get(0).time();
    }

    private void assertTimestampRefused(Consumer<ObjectNode> editContext, String problem) {
        ObjectNode original = fixture("v0.4.1", "build.queued");
        ObjectNode edited = original.deepCopy();
        editContext.accept((ObjectNode) edited.path("context"));
        Rejected rejected = rejection(request(CdEventRequests.headers(Mode.BINARY, original),
                CdEventRequests.body(Mode.BINARY, edited)));

        assertThat(rejected.problem().status()).as("%s", edited.path("context").path("timestamp")).isEqualTo(400);
        assertThat(rejected.reason()).isEqualTo("invalid_payload");
        assertThat(rejected.problem().detail()).isEqualTo("the payload's context.timestamp " + problem);
        assertThat(rejected.errors()).containsExactly(new FieldError("context.timestamp", problem));
    }

    private void assertRefused(ObjectNode cdevent, String detail, String field) {
        Rejected rejected = rejection(request(Mode.BINARY, cdevent));
        assertThat(rejected.problem().status()).isEqualTo(400);
        assertThat(rejected.problem().detail()).isEqualTo(detail);
        assertThat(rejected.errors()).extracting(FieldError::field).containsExactly(field);
    }

    @Test
    void shouldRefuseWith401WhenTheBearerTokenIsMissingOrWrong() {
        ObjectNode created = fixture("v0.5.1", "change.created");
        var missing = CdEventRequests.headers(Mode.BINARY, created);
        missing.remove("Authorization");
        var basic = CdEventRequests.headers(Mode.BINARY, created);
        basic.put("Authorization", "Basic dGVzdC10b2tlbg==");
        var wrong = CdEventRequests.headers(Mode.BINARY, created);
        wrong.put("Authorization", "Bearer guess");
        var lowerCase = CdEventRequests.headers(Mode.BINARY, created);
        lowerCase.put("Authorization", "bearer " + CdEventRequests.TOKEN);
        byte[] body = CdEventRequests.body(Mode.BINARY, created);

        String missingDetail = "Authorization bearer token is missing; send 'Authorization: Bearer <token>' with the"
                + " value of CDEVENTS_TOKEN";
        assertThatThrownBy(() -> source.authenticate(request(missing, body))).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.problem().detail()).isEqualTo(missingDetail));
        assertThatThrownBy(() -> source.authenticate(request(basic, body))).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.problem().detail()).isEqualTo(missingDetail));
        assertThatThrownBy(() -> source.authenticate(request(wrong, body))).isInstanceOfSatisfying(Rejected.class,
                r -> {
                    assertThat(r.problem().status()).isEqualTo(401);
                    assertThat(r.problem().detail())
                            .isEqualTo("Authorization bearer token does not match; check CDEVENTS_TOKEN");
                });
        source.authenticate(request(lowerCase, body)); // the scheme is case-insensitive (RFC 9110)
    }

    @Test
    void shouldAcceptJsonAndCloudEventsJsonWhenCheckingTheContentType() {
        assertThat(source.accepts("application/json")).isTrue();
        assertThat(source.accepts("application/json; charset=utf-8")).isTrue();
        assertThat(source.accepts("application/cloudevents+json")).isTrue();
        assertThat(source.accepts("Application/CloudEvents+JSON; charset=UTF-8")).isTrue();
        assertThat(source.accepts("application/cloudevents+json; charset=iso-8859-1")).isFalse();
        assertThat(source.accepts("text/plain")).isFalse();
        assertThat(source.accepts(null)).isFalse();
    }
}
