package dev.flowmeter.ingest.bitbucket;

import static dev.flowmeter.ingest.bitbucket.BitbucketSource.CI;
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
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.ingest.bitbucket.CloudPayload.Account;
import dev.flowmeter.ingest.bitbucket.CloudPayload.Change;
import dev.flowmeter.ingest.bitbucket.CloudPayload.Commit;
import dev.flowmeter.ingest.bitbucket.CloudPayload.CommitStatus;
import dev.flowmeter.ingest.bitbucket.CloudPayload.CommitStatusEvent;
import dev.flowmeter.ingest.bitbucket.CloudPayload.PullRequest;
import dev.flowmeter.ingest.bitbucket.CloudPayload.PullRequestEvent;
import dev.flowmeter.ingest.bitbucket.CloudPayload.PushEvent;
import dev.flowmeter.ingest.bitbucket.CloudPayload.Repository;
import dev.flowmeter.ingest.bitbucket.CloudPayload.Verdict;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Bitbucket Cloud payloads to events: pushes to commits, pull requests to the {@code code-review} gate, their merge
 * commits and change events, commit statuses (builds) to the {@code ci} gate. The service is the repository's
 * {@code workspace/slug} full name.
 */
final class CloudMapper {

    static final Set<String> EVENT_KEYS = Set.of("repo:push", "pullrequest:created", "pullrequest:approved",
            "pullrequest:changes_request_created", "pullrequest:comment_created", "pullrequest:rejected",
            "pullrequest:fulfilled", "repo:commit_status_created", "repo:commit_status_updated");

    /** Bitbucket allows long status keys; an item must stay within the event contract's 200 characters. */
    private static final int MAX_ITEM_LENGTH = 200;

    private final ServiceMap services;

    CloudMapper(ServiceMap services) {
        this.services = services;
    }

    WebhookResult map(String eventKey, String delivery, JsonNode json) {
        return switch (eventKey) {
            case "repo:push" -> push(delivery, PayloadFields.readEvent(json, PushEvent.class, VENDOR, eventKey));
            case "repo:commit_status_created", "repo:commit_status_updated" ->
                    commitStatus(delivery, PayloadFields.readEvent(json, CommitStatusEvent.class, VENDOR, eventKey));
            default -> pullRequest(eventKey, delivery,
                    PayloadFields.readEvent(json, PullRequestEvent.class, VENDOR, eventKey));
        };
    }

    /** A commit as listed, with where it sits in the payload (for error messages). */
    private record Listed(Commit commit, String field) {
    }

    /**
     * Every dated commit of every branch the push moved. A commit's parents are the ones Bitbucket lists with it;
     * when it lists none, the commits are chained in the order given (newest first) down to the branch's previous
     * head, unless Bitbucket truncated the list (it sends at most five), since the real parent is then unknown.
     */
    private WebhookResult push(String delivery, PushEvent event) {
        String service = service(event.repository());
        List<Change> changes = event.push() == null || event.push().changes() == null
                ? List.of() : event.push().changes();
        Map<String, CommitRecorded> commits = new LinkedHashMap<>();
        for (int c = 0; c < changes.size(); c++) {
            String at = "push.changes[" + c + "]";
            Change change = PayloadFields.required(changes.get(c), at);
            if (change.after() == null || "tag".equals(change.after().type())) {
                continue; // a deleted branch or a tag adds no commit
            }
            List<Listed> listed = listed(change, at);
            for (int i = 0; i < listed.size(); i++) {
                Listed entry = listed.get(i);
                String sha = PayloadFields.sha(entry.commit().hash(), entry.field() + ".hash");
                if (commits.containsKey(sha) || entry.commit().date() == null) {
                    continue; // without a date a commit has no start for its lead time
                }
                Listed older = i + 1 < listed.size() ? listed.get(i + 1) : null;
                commits.put(sha, new CommitRecorded(Identifiers.eventId(NAME, delivery, "commit", sha),
                        PayloadFields.time(entry.commit().date(), entry.field() + ".date"), service, sha,
                        parents(entry, older, change, at)));
            }
        }
        if (commits.isEmpty()) {
            return WebhookResult.ignored("the push adds no dated commits to a branch (a deleted branch or a tag)");
        }
        return WebhookResult.of(List.copyOf(commits.values()));
    }

    /** The change's commits newest first, with the new head first when the list does not already hold it. */
    private static List<Listed> listed(Change change, String at) {
        List<Listed> listed = new ArrayList<>();
        List<Commit> commits = change.commits() == null ? List.of() : change.commits();
        for (int i = 0; i < commits.size(); i++) {
            String field = at + ".commits[" + i + "]";
            listed.add(new Listed(PayloadFields.required(commits.get(i), field), field));
        }
        Commit head = change.after().target();
        if (head != null && head.hash() != null) {
            Listed headEntry = new Listed(head, at + ".new.target");
            int index = indexOf(listed, head.hash());
            if (index < 0) {
                listed.add(0, headEntry);
            } else if (knowsLess(listed.get(index).commit(), head)) {
                listed.set(index, headEntry);
            }
        }
        return listed;
    }

    private static int indexOf(List<Listed> listed, String hash) {
        for (int i = 0; i < listed.size(); i++) {
            if (hash.equalsIgnoreCase(Objects.requireNonNullElse(listed.get(i).commit().hash(), ""))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean knowsLess(Commit listed, Commit head) {
        return (listed.date() == null && head.date() != null) || (listed.parents() == null && head.parents() != null);
    }

    private static List<String> parents(Listed entry, Listed older, Change change, String at) {
        if (entry.commit().parents() != null) {
            List<String> parents = new ArrayList<>();
            for (int p = 0; p < entry.commit().parents().size(); p++) {
                CloudPayload.CommitRef parent = entry.commit().parents().get(p);
                parents.add(PayloadFields.sha(parent == null ? null : parent.hash(),
                        entry.field() + ".parents[" + p + "].hash"));
            }
            return parents;
        }
        if (older != null) {
            return List.of(PayloadFields.sha(older.commit().hash(), older.field() + ".hash"));
        }
        String base = change.before() == null || change.before().target() == null
                ? null : change.before().target().hash();
        if (change.truncated() || base == null || PayloadFields.isNoCommit(base)) {
            return List.of();
        }
        return List.of(PayloadFields.sha(base, at + ".old.target.hash"));
    }

    /**
     * The {@code code-review} gate and, beside it, the pull request's life as a change: opened (when the payload has
     * the head's full id), reviewed by someone other than its author (an approval, a request for changes, a comment),
     * declined (closed) or merged.
     */
    private WebhookResult pullRequest(String eventKey, String delivery, PullRequestEvent event) {
        String service = service(event.repository());
        PullRequest pr = PayloadFields.required(event.pullrequest(), "pullrequest");
        String item = Long.toString(PayloadFields.required(pr.id(), "pullrequest.id"));
        return switch (eventKey) {
            case "pullrequest:created" -> created(delivery, service, item, pr);
            case "pullrequest:approved" -> {
                Verdict approval = PayloadFields.required(event.approval(), "approval");
                Instant time = PayloadFields.time(approval.date(), "approval.date");
                yield reviewed(delivery, service, item, time, review(delivery, service, item, GateOutcome.PASSED,
                        time), reviewer(approval.user(), event), pr);
            }
            case "pullrequest:changes_request_created" -> {
                Instant time = event.changesRequest() != null && event.changesRequest().date() != null
                        ? PayloadFields.time(event.changesRequest().date(), "changes_request.date")
                        : PayloadFields.time(pr.updatedOn(), "pullrequest.updated_on");
                yield reviewed(delivery, service, item, time, review(delivery, service, item, GateOutcome.FAILED,
                        time), reviewer(event.changesRequest() == null ? null : event.changesRequest().user(), event),
                        pr);
            }
            case "pullrequest:comment_created" -> {
                CloudPayload.Comment comment = PayloadFields.required(event.comment(), "comment");
                yield reviewed(delivery, service, item, PayloadFields.time(comment.createdOn(), "comment.created_on"),
                        null, reviewer(comment.user(), event), pr);
            }
            case "pullrequest:rejected" -> {
                Instant time = PayloadFields.time(pr.updatedOn(), "pullrequest.updated_on");
                yield WebhookResult.of(List.of(review(delivery, service, item, GateOutcome.FAILED, time),
                        new ChangeClosed(changeId(delivery, "closed"), time, service, item)));
            }
            default -> merged(delivery, service, item, pr);
        };
    }

    /**
     * Queues the pull request for review, and opens the change when the head's id is a full one. Bitbucket Cloud
     * abbreviates it to 12 characters in its pull request payloads, and a change's head must be a full id, so there
     * the change is usually not opened: its review, close and merge are still recorded.
     */
    private static WebhookResult created(String delivery, String service, String item, PullRequest pr) {
        Instant time = PayloadFields.time(pr.createdOn(), "pullrequest.created_on");
        GateQueued queued = new GateQueued(Identifiers.eventId(NAME, delivery, CODE_REVIEW, "queued"), time, service,
                CODE_REVIEW, item);
        String head = pr.source() == null || pr.source().commit() == null ? null : pr.source().commit().hash();
        if (!PayloadFields.isFullSha(head)) {
            return WebhookResult.of(List.of(queued));
        }
        String target = pr.destination() == null || pr.destination().branch() == null
                ? null : pr.destination().branch().name();
        String url = pr.links() == null || pr.links().html() == null ? null : pr.links().html().href();
        return WebhookResult.of(List.of(queued, new ChangeOpened(changeId(delivery, "opened"), time, service, item,
                PayloadFields.sha(head, "pullrequest.source.commit.hash"), List.of(),
                PayloadFields.branch(target, "pullrequest.destination.branch.name"), PayloadFields.title(pr.title()),
                PayloadFields.url(url))));
    }

    /** Who gave a verdict or wrote a comment: the account the payload names, else the event's actor. */
    private static String reviewer(Account named, PullRequestEvent event) {
        if (named != null && named.uuid() != null && !named.uuid().isBlank()) {
            return named.uuid();
        }
        return event.actor() == null ? null : event.actor().uuid();
    }

    /**
     * The gate's verdict, if any, and {@code change.reviewed} when the reviewer is not the pull request's author
     * (accounts compared by uuid); a comment by the author alone is ignored with the reason.
     */
    private static WebhookResult reviewed(String delivery, String service, String item, Instant time,
            GateFinished verdict, String reviewer, PullRequest pr) {
        String author = pr.author() == null ? null : pr.author().uuid();
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
     * Records the merge commit with the pull request's head as a parent, so squash and rebase merges still lead back
     * to the reviewed commits, and merges the change with the merge commit as what landed. Bitbucket Cloud abbreviates
     * both ids to 12 characters in pull request payloads; an abbreviated id cannot be linked, so such a merge is
     * ignored and the merge commit is recorded by its push. The merge is the pull request's last update, so
     * {@code updated_on} is the merge time.
     */
    private static WebhookResult merged(String delivery, String service, String item, PullRequest pr) {
        String merge = pr.mergeCommit() == null ? null : pr.mergeCommit().hash();
        String head = pr.source() == null || pr.source().commit() == null ? null : pr.source().commit().hash();
        if (!PayloadFields.isFullSha(merge)) {
            return WebhookResult.ignored("pull request " + item + " was merged, but the payload has no full "
                    + "merge_commit.hash and source.commit.hash (Bitbucket Cloud abbreviates them); the merge commit "
                    + "is recorded when its push arrives");
        }
        String sha = PayloadFields.sha(merge, "pullrequest.merge_commit.hash");
        Instant time = PayloadFields.time(pr.updatedOn(), "pullrequest.updated_on");
        List<DeliveryEvent> events = new ArrayList<>();
        if (PayloadFields.isFullSha(head)) {
            String parent = PayloadFields.sha(head, "pullrequest.source.commit.hash");
            events.add(new CommitRecorded(Identifiers.eventId(NAME, delivery, "commit", sha), time, service, sha,
                    parent.equals(sha) ? List.of() : List.of(parent)));
        }
        events.add(new ChangeMerged(changeId(delivery, "merged"), time, service, item, sha, List.of()));
        return WebhookResult.of(events);
    }

    private static String changeId(String delivery, String what) {
        return Identifiers.eventId(NAME, delivery, "change", what);
    }

    /**
     * A build status on a commit. Bitbucket keeps one status per commit and key, updating its state, so the item is
     * {@code key@commit}: the running state starts it and the final state finishes it.
     */
    private WebhookResult commitStatus(String delivery, CommitStatusEvent event) {
        String service = service(event.repository());
        CommitStatus status = PayloadFields.required(event.commitStatus(), "commit_status");
        String key = PayloadFields.required(status.key(), "commit_status.key");
        String state = PayloadFields.required(status.state(), "commit_status.state");
        String item = item(key, commitOf(status));
        Instant time = status.updatedOn() != null ? PayloadFields.time(status.updatedOn(), "commit_status.updated_on")
                : PayloadFields.time(status.createdOn(), "commit_status.created_on");
        DeliveryEvent mapped = switch (state) {
            case "INPROGRESS" -> new GateStarted(Identifiers.eventId(NAME, delivery, CI, "started"), time, service,
                    CI, item);
            case "SUCCESSFUL" -> new GateFinished(Identifiers.eventId(NAME, delivery, CI, "finished"), time, service,
                    CI, item, GateOutcome.PASSED);
            case "FAILED", "STOPPED" -> new GateFinished(Identifiers.eventId(NAME, delivery, CI, "finished"), time,
                    service, CI, item, GateOutcome.FAILED);
            default -> null;
        };
        if (mapped == null) {
            return WebhookResult.ignored("a commit status in state " + state + " neither starts nor finishes a build");
        }
        return WebhookResult.of(List.of(mapped));
    }

    /** The status's commit: its own field when present, else the last segment of its commit link. */
    private static String commitOf(CommitStatus status) {
        if (status.commit() != null && status.commit().hash() != null && !status.commit().hash().isBlank()) {
            return status.commit().hash();
        }
        String href = status.links() == null || status.links().commit() == null ? null : status.links().commit().href();
        String commit = href == null ? null : href.substring(href.lastIndexOf('/') + 1);
        return PayloadFields.required(commit, "commit_status.commit.hash");
    }

    private static String item(String key, String commit) {
        String item = key + "@" + commit;
        return item.length() <= MAX_ITEM_LENGTH ? item : Identifiers.syntheticSha("bitbucket-status", item);
    }

    private String service(Repository repository) {
        return PayloadFields.repositoryService(services,
                PayloadFields.required(repository == null ? null : repository.fullName(), "repository.full_name"));
    }
}
