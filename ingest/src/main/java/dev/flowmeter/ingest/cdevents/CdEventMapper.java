package dev.flowmeter.ingest.cdevents;

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
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.Timestamps;
import dev.flowmeter.ingest.webhook.WebhookResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one CDEvent into Flowmeter events. CDEvents carry no git sha, so the lead-time chain is built from stand-in
 * commit ids: a change becomes a commit whose id is derived from the change's source and id; an artifact becomes a
 * commit whose parent is the change it was packaged from; a deployment deploys the artifact's stand-in id, and the
 * lead-time walk follows the parent link back to the change.
 */
final class CdEventMapper {

    static final String GATE_BUILD = "build";
    static final String GATE_PIPELINE = "pipeline";
    static final String GATE_TESTS = "tests";

    private static final String PREFIX = "dev.cdevents.";
    private static final Pattern TYPE =
            Pattern.compile("dev\\.cdevents\\.([a-z]+)\\.([a-z]+)\\.([0-9][A-Za-z0-9.+-]*)");
    private static final Pattern SUPPORTED_SPEC = Pattern.compile("0\\.[45]([.-].*)?");
    private static final Pattern NOT_NAME = Pattern.compile("[^A-Za-z0-9._:-]");

    private final ServiceNames services;

    CdEventMapper(ServiceNames services) {
        this.services = services;
    }

    WebhookResult map(CloudEvents.Received received) {
        if (!received.type().startsWith(PREFIX)) {
            return WebhookResult.ignored("CloudEvent type " + received.type() + " is not a CDEvent (dev.cdevents.*)");
        }
        CdEvent event = CdEvent.read(received.data());
        checkSpecVersion(event.context());
        String type = required(event.context().type(), "context.type");
        Matcher parts = TYPE.matcher(type);
        if (!parts.matches()) {
            throw Rejected.invalidPayload(
                    "the CDEvent's context.type is not dev.cdevents.<subject>.<predicate>.<version>",
                    List.of(new FieldError("context.type", "must be dev.cdevents.<subject>.<predicate>.<version>")));
        }
        Incoming incoming = new Incoming(received, event, Timestamps.required(received.data(), "context.timestamp"));
        String subject = parts.group(1);
        String predicate = parts.group(2);
        return switch (subject) {
            case "change" -> change(incoming, predicate);
            case "artifact" -> artifact(incoming, predicate);
            case "build" -> build(incoming, predicate);
            case "pipelinerun" -> pipelineRun(incoming, predicate);
            case "testsuiterun" -> testSuiteRun(incoming, predicate);
            case "service" -> service(incoming, predicate);
            case "incident" -> incident(incoming, predicate);
            case "environment" -> environment(incoming, predicate);
            default -> WebhookResult.ignored("CDEvents " + subject + "." + predicate
                    + " events change no Flowmeter metric");
        };
    }

    /**
     * The first report of a change is its commit time. change.created normally comes first; change.merged is mapped
     * too, so a change whose creation was never sent still has a time (its merge), and a later report of the same
     * change keeps the first time.
     *
     * <p>CDEvents changes carry no git sha and no branch, so the change's commit is its stand-in commit: the one
     * its artifacts are built from, and so the one their deployments ship. change.created is also change.opened,
     * and change.merged also change.merged, both on that stand-in commit, with no target branch: so the change
     * reaches an environment when an artifact built from it is deployed there, as its lead time does.
     */
    private WebhookResult change(Incoming in, String predicate) {
        switch (predicate) {
            case "created", "merged" -> {
                String service = changeService(in);
                String sha = changeSha(in.subjectSource(), required(in.subject().id(), "subject.id"));
                CommitRecorded commit = new CommitRecorded(in.eventId(EventType.COMMIT), in.time(), service, sha,
                        List.of());
                DeliveryEvent change = predicate.equals("created")
                        ? new ChangeOpened(in.eventId(EventType.CHANGE_OPENED), in.time(), service, in.item(), sha,
                                List.of(), "", PayloadFields.title(in.content().description()), "")
                        : new ChangeMerged(in.eventId(EventType.CHANGE_MERGED), in.time(), service, in.item(), sha,
                                List.of());
                return WebhookResult.of(List.of(commit, change));
            }
            case "reviewed" -> {
                // CDEvents names no reviewer and no author: the emitter's word that the change was reviewed is taken.
                String service = changeService(in);
                return one(new ChangeReviewed(in.eventId(EventType.CHANGE_REVIEWED), in.time(), service, in.item()));
            }
            case "abandoned" -> {
                String service = changeService(in);
                return one(new ChangeClosed(in.eventId(EventType.CHANGE_CLOSED), in.time(), service, in.item()));
            }
            default -> {
                return WebhookResult.ignored("change." + predicate + " adds nothing: a change's time is that of its "
                        + "first change.created or change.merged");
            }
        }
    }

    private String changeService(Incoming in) {
        String repository = required(in.content().repository() == null ? null : in.content().repository().id(),
                "subject.content.repository.id");
        return services.ofPath(repository, "subject.content.repository.id");
    }

    /**
     * An environment's life. CDEvents has no "requested" or "ready" of its own: environment.created says the
     * environment exists, so it is both asked for and ready at that moment (no provisioning wait is known);
     * environment.deleted tears it down. The environment is named by its subject id, which is what deployments refer
     * to ({@code subject.content.environment.id}); like builds, environment events name nothing but their source,
     * which therefore names the service.
     */
    private WebhookResult environment(Incoming in, String predicate) {
        if (!predicate.equals("created") && !predicate.equals("deleted")) {
            return WebhookResult.ignored("environment." + predicate + " neither creates nor deletes an environment");
        }
        String environment = environment(new CdEvent.Reference(required(in.subject().id(), "subject.id"), null), true,
                "subject.id");
        String service = services.ofPath(in.subjectSource(), in.subjectSourceField());
        if (predicate.equals("deleted")) {
            return one(new EnvironmentDeleted(in.eventId(EventType.ENVIRONMENT_DELETED), in.time(), service,
                    environment, "", ""));
        }
        return WebhookResult.of(List.of(
                new EnvironmentRequested(in.eventId(EventType.ENVIRONMENT_REQUESTED), in.time(), service, environment,
                        "", ""),
                new EnvironmentReady(in.eventId(EventType.ENVIRONMENT_READY), in.time(), service, environment, "",
                        "")));
    }

    /** artifact.packaged links the artifact to the change it was built from: the link a deployment's walk follows. */
    private WebhookResult artifact(Incoming in, String predicate) {
        if (!predicate.equals("packaged")) {
            return WebhookResult.ignored("artifact." + predicate + " changes no metric; artifact.packaged links an "
                    + "artifact to its change");
        }
        String artifactId = required(in.subject().id(), "subject.id");
        CdEvent.Reference change = in.content().change();
        String changeId = required(change == null ? null : change.id(), "subject.content.change.id");
        // A reference without a source points into the event's own source (CDEvents spec, "Format of subjects").
        String changeSource = change.source() == null || change.source().isBlank() ? in.contextSource()
                : change.source();
        return one(new ArtifactBuilt(in.eventId(EventType.ARTIFACT), in.time(),
                services.ofArtifact(artifactId, "subject.id"), artifactSha(artifactId),
                List.of(changeSha(changeSource, changeId))));
    }

    /**
     * CDEvents builds have no outcome; one that names the artifact it produced passed, one that does not failed. The
     * build's own events name nothing but their source, which therefore names the service.
     */
    private WebhookResult build(Incoming in, String predicate) {
        String service = services.ofPath(in.subjectSource(), in.subjectSourceField());
        String artifactId = in.content().artifactId();
        GateOutcome outcome = artifactId == null || artifactId.isBlank() ? GateOutcome.FAILED : GateOutcome.PASSED;
        return gate(in, predicate, GATE_BUILD, service, outcome);
    }

    private WebhookResult pipelineRun(Incoming in, String predicate) {
        String pipeline = in.content().pipelineName();
        String service = pipeline == null || pipeline.isBlank()
                ? services.ofPath(in.subjectSource(), in.subjectSourceField())
                : services.ofPath(pipeline, "subject.content.pipelineName");
        GateOutcome outcome = predicate.equals("finished") ? pipelineOutcome(in.content()) : null;
        return gate(in, predicate, GATE_PIPELINE, service, outcome);
    }

    private WebhookResult testSuiteRun(Incoming in, String predicate) {
        CdEvent.Reference suite = in.content().testSuite();
        String service = suite == null || suite.id() == null || suite.id().isBlank()
                ? services.ofPath(in.subjectSource(), in.subjectSourceField())
                : services.ofPath(suite.id(), "subject.content.testSuite.id");
        GateOutcome outcome = predicate.equals("finished") ? testOutcome(in.content().outcome()) : null;
        return gate(in, predicate, GATE_TESTS, service, outcome);
    }

    private WebhookResult gate(Incoming in, String predicate, String gate, String service, GateOutcome outcome) {
        return switch (predicate) {
            case "queued" -> one(new GateQueued(in.eventId(EventType.GATE_QUEUED), in.time(), service, gate,
                    in.item()));
            case "started" -> one(new GateStarted(in.eventId(EventType.GATE_STARTED), in.time(), service, gate,
                    in.item()));
            case "finished" -> one(new GateFinished(in.eventId(EventType.GATE_FINISHED), in.time(), service, gate,
                    in.item(), outcome));
            default -> WebhookResult.ignored(gate + " runs only pass the " + gate + " gate when queued, started or "
                    + "finished");
        };
    }

    /**
     * A rollback is a deployment like any other: it ships only what its environment has not had yet, which for an
     * older artifact is nothing. It is marked as a rollback, so that it can count as the recovery from a failed
     * change rather than as a change of its own.
     */
    private WebhookResult service(Incoming in, String predicate) {
        if (!List.of("deployed", "upgraded", "rolledback").contains(predicate)) {
            return WebhookResult.ignored("service." + predicate + " is not a deployment of a version");
        }
        String artifactId = required(in.content().artifactId(), "subject.content.artifactId");
        String environment = environment(in.content().environment(), true, "subject.content.environment.id");
        return one(new DeploymentFinished(in.eventId(EventType.DEPLOYMENT), in.time(),
                services.ofArtifact(artifactId, "subject.content.artifactId"), environment, artifactSha(artifactId),
                DeploymentStatus.SUCCESS, List.of(), predicate.equals("rolledback")));
    }

    private WebhookResult incident(Incoming in, String predicate) {
        boolean opened = predicate.equals("detected") || predicate.equals("reported");
        if (!opened && !predicate.equals("resolved")) {
            return WebhookResult.ignored("incident." + predicate + " neither opens nor resolves an incident");
        }
        String artifactId = in.content().artifactId();
        String service;
        if (artifactId != null && !artifactId.isBlank()) {
            service = services.ofArtifact(artifactId, "subject.content.artifactId");
        } else if (in.content().service() != null && in.content().service().id() != null) {
            service = services.ofPath(in.content().service().id(), "subject.content.service.id");
        } else {
            throw Rejected.invalidPayload("the incident names neither subject.content.artifactId nor "
                    + "subject.content.service.id, so Flowmeter cannot tell which service it belongs to",
                    List.of(new FieldError("subject.content.artifactId", "or subject.content.service.id is required")));
        }
        String incident = item(required(in.subject().id(), "subject.id"));
        String environment = environment(in.content().environment(), false, "subject.content.environment.id");
        String sha = artifactId == null || artifactId.isBlank() ? "" : artifactSha(artifactId);
        DeliveryEvent mapped = opened
                ? new IncidentOpened(in.eventId(EventType.INCIDENT_OPENED), in.time(), service, incident, environment,
                        sha)
                : new IncidentResolved(in.eventId(EventType.INCIDENT_RESOLVED), in.time(), service, incident,
                        environment, sha);
        return one(mapped);
    }

    private static GateOutcome pipelineOutcome(CdEvent.Content content) {
        String outcome = content.outcome();
        if (outcome == null || outcome.isBlank()) {
            // 0.4 makes the outcome optional; a run that reports errors did not pass.
            return content.errors() == null || content.errors().isBlank() ? GateOutcome.PASSED : GateOutcome.FAILED;
        }
        return switch (outcome.toLowerCase(Locale.ROOT)) {
            case "success" -> GateOutcome.PASSED;
            case "failure", "error", "cancel" -> GateOutcome.FAILED;
            default -> throw Rejected.invalidPayload("the pipeline run's subject.content.outcome is not one CDEvents"
                    + " defines", List.of(new FieldError("subject.content.outcome",
                            "must be success, failure, error or cancel")));
        };
    }

    /** Test outcomes are pass/fail in 0.4 and success/failure in 0.5; cancel and error are failures in both. */
    private static GateOutcome testOutcome(String outcome) {
        String value = required(outcome, "subject.content.outcome").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "pass", "success" -> GateOutcome.PASSED;
            case "fail", "failure", "error", "cancel" -> GateOutcome.FAILED;
            default -> throw Rejected.invalidPayload("the test suite run's subject.content.outcome is not one CDEvents"
                    + " defines", List.of(new FieldError("subject.content.outcome",
                            "must be pass or fail (0.4), success or failure (0.5), error or cancel")));
        };
    }

    private static String environment(CdEvent.Reference environment, boolean isRequired, String field) {
        String id = environment == null ? null : environment.id();
        if (id == null || id.isBlank()) {
            if (isRequired) {
                throw missing(field);
            }
            return "";
        }
        String name = trimDashes(NOT_NAME.matcher(id.strip()).replaceAll("-"));
        if (name.length() > EventJson.MAX_NAME_LENGTH) {
            name = name.substring(0, EventJson.MAX_NAME_LENGTH);
        }
        if (name.isEmpty()) {
            throw Rejected.invalidPayload("the CDEvent's " + field + " names no environment",
                    List.of(new FieldError(field, "must contain letters or digits")));
        }
        return name;
    }

    private static void checkSpecVersion(CdEvent.Context context) {
        String version = context.specVersion();
        String field = context.version() != null && context.specversion() == null
                ? "context.version" : "context.specversion";
        if (version == null || version.isBlank()) {
            throw Rejected.invalidPayload("the CDEvent has no context.specversion (0.5) or context.version (0.4)",
                    List.of(new FieldError("context.specversion", "is required")));
        }
        if (!SUPPORTED_SPEC.matcher(version.strip()).matches()) {
            throw Rejected.invalidPayload("CDEvents spec version " + abbreviate(version)
                    + " is not supported; Flowmeter reads 0.4.x and 0.5.x",
                    List.of(new FieldError(field, "must be 0.4.x or 0.5.x")));
        }
    }

    /** A change's stand-in commit id: the same for every event about the change, whoever reports it. */
    static String changeSha(String source, String id) {
        return Identifiers.syntheticSha("change", source + " " + id);
    }

    /** An artifact's stand-in commit id, from its canonical purl so that spelling differences do not matter. */
    static String artifactSha(String artifactId) {
        return Identifiers.syntheticSha("artifact",
                PackageUrl.parse(artifactId).map(PackageUrl::canonical).orElse(artifactId.strip()));
    }

    /** Gate items and incident ids are at most 200 characters; a longer subject id is replaced by its hash. */
    static String item(String id) {
        return id.length() <= EventJson.MAX_ITEM_LENGTH ? id : Identifiers.syntheticSha("item", id);
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw missing(field);
        }
        return value;
    }

    private static Rejected missing(String field) {
        return Rejected.invalidPayload("the CDEvent has no " + field, List.of(new FieldError(field, "is required")));
    }

    private static WebhookResult one(DeliveryEvent event) {
        return WebhookResult.of(List.of(event));
    }

    private static String trimDashes(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '-') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '-') {
            end--;
        }
        return text.substring(start, end);
    }

    private static String abbreviate(String text) {
        String stripped = text.strip();
        return stripped.length() <= 20 ? stripped : stripped.substring(0, 20) + "...";
    }

    /** One CDEvent in the making: its CloudEvent, its parsed fields and its time. */
    private record Incoming(CloudEvents.Received received, CdEvent event, Instant time) {

        CdEvent.Subject subject() {
            return event.subject();
        }

        CdEvent.Content content() {
            return event.subject().content();
        }

        /** The CDEvent's own source; the CloudEvent's when the CDEvent leaves it out. */
        String contextSource() {
            String source = event.context().source();
            return source == null || source.isBlank() ? received.source() : source;
        }

        /** A subject without a source belongs to the event's source. */
        String subjectSource() {
            String source = subject().source();
            return source == null || source.isBlank() ? contextSource() : source;
        }

        String subjectSourceField() {
            return subject().source() == null || subject().source().isBlank() ? "context.source" : "subject.source";
        }

        String item() {
            return CdEventMapper.item(required(subject().id(), "subject.id"));
        }

        /** Dedup key: the CloudEvent's source and id, which a redelivery repeats. */
        String eventId(EventType type) {
            return Identifiers.eventId(CdEventsSource.NAME, received.source(), received.id(), type.wireName());
        }
    }
}
