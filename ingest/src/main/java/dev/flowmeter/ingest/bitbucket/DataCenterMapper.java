package dev.flowmeter.ingest.bitbucket;

import static dev.flowmeter.ingest.bitbucket.BitbucketSource.CODE_REVIEW;
import static dev.flowmeter.ingest.bitbucket.BitbucketSource.NAME;
import static dev.flowmeter.ingest.bitbucket.BitbucketSource.VENDOR;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.ingest.bitbucket.DataCenterPayload.Change;
import dev.flowmeter.ingest.bitbucket.DataCenterPayload.PullRequest;
import dev.flowmeter.ingest.bitbucket.DataCenterPayload.PullRequestEvent;
import dev.flowmeter.ingest.bitbucket.DataCenterPayload.RefsChanged;
import dev.flowmeter.ingest.bitbucket.DataCenterPayload.Repository;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bitbucket Data Center payloads to events: pushes to one commit per moved branch, pull requests to the
 * {@code code-review} gate and their merge commits. The service is {@code PROJECT/slug}, with a personal project
 * {@code ~user} written {@code users/user} as in Bitbucket's own web addresses.
 */
final class DataCenterMapper {

    static final Set<String> EVENT_KEYS = Set.of("repo:refs_changed", "pr:opened", "pr:reviewer:approved",
            "pr:reviewer:needs_work", "pr:reviewer:changes_requested", "pr:declined", "pr:merged");

    private final ServiceMap services;

    DataCenterMapper(ServiceMap services) {
        this.services = services;
    }

    WebhookResult map(String eventKey, String delivery, JsonNode json) {
        if (eventKey.equals("repo:refs_changed")) {
            return refsChanged(delivery, PayloadFields.readEvent(json, RefsChanged.class, VENDOR, eventKey));
        }
        return pullRequest(eventKey, delivery, PayloadFields.readEvent(json, PullRequestEvent.class, VENDOR, eventKey));
    }

    /**
     * Data Center lists no commits in a push, only each ref's old and new head. Flowmeter records the new head, at the
     * time of the push, with the old head as its parent: deployments then walk from head to head, and a head's lead
     * time runs from when it was pushed. Commits pushed between two heads are not seen one by one.
     */
    private WebhookResult refsChanged(String delivery, RefsChanged event) {
        String service = service(event.repository(), "repository");
        List<Change> changes = event.changes() == null ? List.of() : event.changes();
        Map<String, CommitRecorded> commits = new LinkedHashMap<>();
        for (int c = 0; c < changes.size(); c++) {
            Change change = changes.get(c);
            String at = "changes[" + c + "]";
            boolean tag = change.ref() != null && "TAG".equals(change.ref().type());
            if (tag || change.toHash() == null || PayloadFields.isNoCommit(change.toHash())) {
                continue; // a tag or a deleted branch adds no commit
            }
            String sha = PayloadFields.sha(change.toHash(), at + ".toHash");
            List<String> parents = change.fromHash() == null || PayloadFields.isNoCommit(change.fromHash())
                    ? List.of() : List.of(PayloadFields.sha(change.fromHash(), at + ".fromHash"));
            commits.putIfAbsent(sha, new CommitRecorded(Identifiers.eventId(NAME, delivery, "commit", sha),
                    PayloadFields.time(event.date(), "date"), service, sha, parents));
        }
        if (commits.isEmpty()) {
            return WebhookResult.ignored("the push moves no branch to a new commit (a deleted branch or a tag)");
        }
        return WebhookResult.of(List.copyOf(commits.values()));
    }

    private WebhookResult pullRequest(String eventKey, String delivery, PullRequestEvent event) {
        PullRequest pr = PayloadFields.required(event.pullRequest(), "pullRequest");
        String service = service(pr.toRef() == null ? null : pr.toRef().repository(), "pullRequest.toRef.repository");
        String item = Long.toString(PayloadFields.required(pr.id(), "pullRequest.id"));
        return switch (eventKey) {
            case "pr:opened" -> WebhookResult.of(List.of(new GateQueued(
                    Identifiers.eventId(NAME, delivery, CODE_REVIEW, "queued"),
                    pr.createdDate() != null ? PayloadFields.epochMillis(pr.createdDate(), "pullRequest.createdDate")
                            : PayloadFields.time(event.date(), "date"), service, CODE_REVIEW, item)));
            case "pr:reviewer:approved" -> review(delivery, service, item, GateOutcome.PASSED,
                    PayloadFields.time(event.date(), "date"));
            case "pr:reviewer:needs_work", "pr:reviewer:changes_requested" -> review(delivery, service, item,
                    GateOutcome.FAILED, PayloadFields.time(event.date(), "date"));
            case "pr:declined" -> review(delivery, service, item, GateOutcome.FAILED, closed(event));
            default -> merged(delivery, service, item, event);
        };
    }

    private static WebhookResult review(String delivery, String service, String item, GateOutcome outcome,
            Instant time) {
        return WebhookResult.of(List.of(new GateFinished(Identifiers.eventId(NAME, delivery, CODE_REVIEW, "finished"),
                time, service, CODE_REVIEW, item, outcome)));
    }

    /** Links the merge commit to the pull request's head, so squash merges lead back to the reviewed commits. */
    private static WebhookResult merged(String delivery, String service, String item, PullRequestEvent event) {
        PullRequest pr = event.pullRequest();
        String merge = pr.properties() == null || pr.properties().mergeCommit() == null
                ? null : pr.properties().mergeCommit().id();
        if (merge == null) {
            return WebhookResult.ignored("pull request " + item + " was merged, but the payload names no merge "
                    + "commit (pullRequest.properties.mergeCommit.id)");
        }
        String sha = PayloadFields.sha(merge, "pullRequest.properties.mergeCommit.id");
        String head = PayloadFields.sha(pr.fromRef() == null ? null : pr.fromRef().latestCommit(),
                "pullRequest.fromRef.latestCommit");
        List<String> parents = head.equals(sha) ? List.of() : List.of(head); // a fast-forward merges the head itself
        return WebhookResult.of(List.of(new CommitRecorded(Identifiers.eventId(NAME, delivery, "commit", sha),
                closed(event), service, sha, parents)));
    }

    private static Instant closed(PullRequestEvent event) {
        return event.pullRequest().closedDate() != null
                ? PayloadFields.epochMillis(event.pullRequest().closedDate(), "pullRequest.closedDate")
                : PayloadFields.time(event.date(), "date");
    }

    private String service(Repository repository, String field) {
        Repository known = PayloadFields.required(repository, field);
        String key = PayloadFields.required(known.project() == null ? null : known.project().key(),
                field + ".project.key");
        String slug = PayloadFields.required(known.slug(), field + ".slug");
        String project = key.startsWith("~") ? "users/" + key.substring(1) : key;
        return PayloadFields.repositoryService(services, project + "/" + slug);
    }
}
