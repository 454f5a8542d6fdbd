package dev.flowmeter.ingest.bitbucket;

import static dev.flowmeter.ingest.bitbucket.BitbucketSource.CODE_REVIEW;
import static dev.flowmeter.ingest.bitbucket.BitbucketSource.NAME;
import static dev.flowmeter.ingest.bitbucket.BitbucketSource.VENDOR;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bitbucket Data Center payloads to events: pushes to one commit per moved branch, pull requests to the
 * {@code code-review} gate, their merge commits and change events. The service is {@code PROJECT/slug}, with a
 * personal project {@code ~user} written {@code users/user} as in Bitbucket's own web addresses.
 */
final class DataCenterMapper {

    static final Set<String> EVENT_KEYS = Set.of("repo:refs_changed", "pr:opened", "pr:reviewer:approved",
            "pr:reviewer:needs_work", "pr:reviewer:changes_requested", "pr:comment:added", "pr:declined",
            "pr:merged");

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
            String at = "changes[" + c + "]";
            Change change = PayloadFields.required(changes.get(c), at);
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

    /**
     * The {@code code-review} gate and, beside it, the pull request's life as a change: opened, reviewed by someone
     * other than its author (a verdict or a comment), declined (closed) or merged.
     */
    private WebhookResult pullRequest(String eventKey, String delivery, PullRequestEvent event) {
        PullRequest pr = PayloadFields.required(event.pullRequest(), "pullRequest");
        String service = service(pr.toRef() == null ? null : pr.toRef().repository(), "pullRequest.toRef.repository");
        String item = Long.toString(PayloadFields.required(pr.id(), "pullRequest.id"));
        return switch (eventKey) {
            case "pr:opened" -> opened(delivery, service, item, event);
            case "pr:reviewer:approved" -> reviewed(delivery, service, item, PayloadFields.time(event.date(), "date"),
                    review(delivery, service, item, GateOutcome.PASSED, PayloadFields.time(event.date(), "date")),
                    reviewer(event), pr);
            case "pr:reviewer:needs_work", "pr:reviewer:changes_requested" -> reviewed(delivery, service, item,
                    PayloadFields.time(event.date(), "date"), review(delivery, service, item, GateOutcome.FAILED,
                            PayloadFields.time(event.date(), "date")), reviewer(event), pr);
            case "pr:comment:added" -> {
                DataCenterPayload.Comment comment = PayloadFields.required(event.comment(), "comment");
                Instant time = comment.createdDate() != null
                        ? PayloadFields.epochMillis(comment.createdDate(), "comment.createdDate")
                        : PayloadFields.time(event.date(), "date");
                yield reviewed(delivery, service, item, time, null, commenter(comment, event), pr);
            }
            case "pr:declined" -> WebhookResult.of(List.of(
                    review(delivery, service, item, GateOutcome.FAILED, closed(event)),
                    new ChangeClosed(changeId(delivery, "closed"), closed(event), service, item)));
            default -> merged(delivery, service, item, event);
        };
    }

    private static WebhookResult opened(String delivery, String service, String item, PullRequestEvent event) {
        PullRequest pr = event.pullRequest();
        Instant time = pr.createdDate() != null ? PayloadFields.epochMillis(pr.createdDate(), "pullRequest.createdDate")
                : PayloadFields.time(event.date(), "date");
        String head = PayloadFields.sha(pr.fromRef() == null ? null : pr.fromRef().latestCommit(),
                "pullRequest.fromRef.latestCommit");
        String target = pr.toRef().displayId() != null ? pr.toRef().displayId() : pr.toRef().id();
        String url = pr.links() == null || pr.links().self() == null || pr.links().self().isEmpty()
                || pr.links().self().get(0) == null ? null : pr.links().self().get(0).href();
        return WebhookResult.of(List.of(
                new GateQueued(Identifiers.eventId(NAME, delivery, CODE_REVIEW, "queued"), time, service, CODE_REVIEW,
                        item),
                new ChangeOpened(changeId(delivery, "opened"), time, service, item, head, List.of(),
                        PayloadFields.branch(target, "pullRequest.toRef.displayId"), PayloadFields.title(pr.title()),
                        PayloadFields.url(url))));
    }

    /** The reviewer of a reviewer event: the participant, else the event's actor. */
    private static String reviewer(PullRequestEvent event) {
        String named = event.participant() == null || event.participant().user() == null
                ? null : event.participant().user().name();
        return named != null ? named : actor(event);
    }

    private static String commenter(DataCenterPayload.Comment comment, PullRequestEvent event) {
        return comment.author() != null && comment.author().name() != null ? comment.author().name() : actor(event);
    }

    private static String actor(PullRequestEvent event) {
        return event.actor() == null ? null : event.actor().name();
    }

    /**
     * The gate's verdict, if any, and {@code change.reviewed} when the reviewer is not the pull request's author
     * (user names compared, as Bitbucket does, without regard to case); a comment by the author alone is ignored.
     */
    private static WebhookResult reviewed(String delivery, String service, String item, Instant time,
            GateFinished verdict, String reviewer, PullRequest pr) {
        String author = pr.author() == null || pr.author().user() == null ? null : pr.author().user().name();
        List<DeliveryEvent> events = new ArrayList<>();
        if (verdict != null) {
            events.add(verdict);
        }
        if (reviewer != null && author != null && !reviewer.equalsIgnoreCase(author)) {
            events.add(new ChangeReviewed(changeId(delivery, "reviewed"), time, service, item));
        }
        if (events.isEmpty()) {
            return WebhookResult.ignored(reviewer == null || author == null
                    ? "the payload does not say who commented and who wrote pull request " + item + ", so the "
                            + "comment cannot count as reviewed by someone other than the author"
                    : "the comment is by the author of pull request " + item + ", so it does not count as reviewed");
        }
        return WebhookResult.of(events);
    }

    private static GateFinished review(String delivery, String service, String item, GateOutcome outcome,
            Instant time) {
        return new GateFinished(Identifiers.eventId(NAME, delivery, CODE_REVIEW, "finished"), time, service,
                CODE_REVIEW, item, outcome);
    }

    /**
     * Links the merge commit to the pull request's head, so squash merges lead back to the reviewed commits, and
     * merges the change with the merge commit as what landed.
     */
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
        return WebhookResult.of(List.of(
                new CommitRecorded(Identifiers.eventId(NAME, delivery, "commit", sha), closed(event), service, sha,
                        parents),
                new ChangeMerged(changeId(delivery, "merged"), closed(event), service, item, sha, List.of())));
    }

    private static String changeId(String delivery, String what) {
        return Identifiers.eventId(NAME, delivery, "change", what);
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
