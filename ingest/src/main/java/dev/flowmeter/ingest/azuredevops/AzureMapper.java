package dev.flowmeter.ingest.azuredevops;

import static dev.flowmeter.ingest.azuredevops.AzureDevOpsSource.CI;
import static dev.flowmeter.ingest.azuredevops.AzureDevOpsSource.CODE_REVIEW;
import static dev.flowmeter.ingest.azuredevops.AzureDevOpsSource.NAME;
import static dev.flowmeter.ingest.azuredevops.AzureDevOpsSource.VENDOR;

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
import dev.flowmeter.ingest.azuredevops.AzurePayload.Build;
import dev.flowmeter.ingest.azuredevops.AzurePayload.Commit;
import dev.flowmeter.ingest.azuredevops.AzurePayload.Envelope;
import dev.flowmeter.ingest.azuredevops.AzurePayload.PullRequest;
import dev.flowmeter.ingest.azuredevops.AzurePayload.Push;
import dev.flowmeter.ingest.azuredevops.AzurePayload.RefUpdate;
import dev.flowmeter.ingest.azuredevops.AzurePayload.Repository;
import dev.flowmeter.ingest.azuredevops.AzurePayload.Reviewer;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Azure DevOps service hook payloads to events: pushes to commits, pull requests to the {@code code-review} gate,
 * their merge commits and change events, completed builds to the {@code ci} gate. The service is
 * {@code <project>/<repository>}.
 */
final class AzureMapper {

    static final Set<String> EVENT_TYPES = Set.of("git.push", "git.pullrequest.created", "git.pullrequest.updated",
            "git.pullrequest.merged", "build.complete");

    private static final int APPROVED_WITH_SUGGESTIONS = 5;
    private static final int WAITING_FOR_AUTHOR = -5;

    private final ServiceMap services;

    AzureMapper(ServiceMap services) {
        this.services = services;
    }

    WebhookResult map(Envelope envelope) {
        String delivery = envelope.id();
        PayloadFields.required(envelope.resource() == null || envelope.resource().isNull() ? null : envelope.resource(),
                "resource");
        return switch (envelope.eventType()) {
            case "git.push" -> push(delivery, resource(envelope, Push.class));
            case "build.complete" -> build(delivery, resource(envelope, Build.class));
            default -> pullRequest(envelope, resource(envelope, PullRequest.class));
        };
    }

    /**
     * One commit per listed commit, dated by its author. Azure DevOps lists a push's commits newest first, as
     * {@code git log} does; the ref update whose new head is the first (or, failing that, the last) listed commit
     * confirms the order and gives the previous head, which becomes the oldest commit's parent. Each other commit's
     * parent is the next older one listed.
     */
    private WebhookResult push(String delivery, Push push) {
        String service = gitService(push.repository());
        List<Commit> commits = push.commits() == null ? List.of() : push.commits();
        if (commits.isEmpty()) {
            return WebhookResult.ignored("the push lists no commits (a deleted branch, a tag, or a head moved back)");
        }
        List<RefUpdate> updates = push.refUpdates() == null ? List.of() : push.refUpdates();
        int update = updateTo(updates, commits.get(0).commitId());
        boolean oldestFirst = false;
        if (update < 0 && commits.size() > 1) {
            update = updateTo(updates, commits.get(commits.size() - 1).commitId());
            oldestFirst = update >= 0;
        }
        if (update < 0 && updates.size() == 1) {
            update = 0;
        }
        List<Integer> newestFirst = new ArrayList<>();
        for (int k = 0; k < commits.size(); k++) {
            newestFirst.add(oldestFirst ? commits.size() - 1 - k : k);
        }
        Map<String, CommitRecorded> recorded = new LinkedHashMap<>();
        for (int k = 0; k < newestFirst.size(); k++) {
            int index = newestFirst.get(k);
            Commit commit = commits.get(index);
            String field = "resource.commits[" + index + "]";
            String sha = PayloadFields.sha(commit.commitId(), field + ".commitId");
            List<String> parents;
            if (k + 1 < newestFirst.size()) {
                int older = newestFirst.get(k + 1);
                parents = List.of(PayloadFields.sha(commits.get(older).commitId(),
                        "resource.commits[" + older + "].commitId"));
            } else {
                parents = base(updates, update);
            }
            Instant time = PayloadFields.time(commit.author() == null ? null : commit.author().date(),
                    field + ".author.date");
            recorded.putIfAbsent(sha, new CommitRecorded(Identifiers.eventId(NAME, delivery, "commit", sha), time,
                    service, sha, parents));
        }
        return WebhookResult.of(List.copyOf(recorded.values()));
    }

    private static int updateTo(List<RefUpdate> updates, String commitId) {
        for (int i = 0; i < updates.size(); i++) {
            String head = updates.get(i).newObjectId();
            if (head != null && head.equalsIgnoreCase(commitId)) {
                return i;
            }
        }
        return -1;
    }

    /** The previous head of the updated ref, unless the push created the ref (all zeros) or no ref update fits. */
    private static List<String> base(List<RefUpdate> updates, int update) {
        if (update < 0) {
            return List.of();
        }
        String old = updates.get(update).oldObjectId();
        if (old == null || PayloadFields.isNoCommit(old)) {
            return List.of();
        }
        return List.of(PayloadFields.sha(old, "resource.refUpdates[" + update + "].oldObjectId"));
    }

    /**
     * The {@code code-review} gate and, beside it, the pull request's life as a change: created (opened), voted on by
     * someone other than its author (reviewed), completed (merged) or abandoned (closed).
     */
    private WebhookResult pullRequest(Envelope envelope, PullRequest pr) {
        String delivery = envelope.id();
        String service = gitService(pr.repository());
        String item = Long.toString(PayloadFields.required(pr.pullRequestId(), "resource.pullRequestId"));
        String status = pr.status() == null ? "" : pr.status();
        if (envelope.eventType().equals("git.pullrequest.created")) {
            Instant created = PayloadFields.time(pr.creationDate(), "resource.creationDate");
            return WebhookResult.of(List.of(
                    new GateQueued(Identifiers.eventId(NAME, delivery, CODE_REVIEW, "queued"), created, service,
                            CODE_REVIEW, item),
                    opened(delivery, service, item, created, pr)));
        }
        if (status.equals("completed")) {
            return merged(delivery, service, item, pr);
        }
        if (envelope.eventType().equals("git.pullrequest.merged")) {
            return WebhookResult.ignored("Azure DevOps created a merge commit for pull request " + item + ", which is "
                    + "not completed yet; the merge counts when the pull request is completed");
        }
        if (status.equals("abandoned")) {
            Instant time = pr.closedDate() != null ? PayloadFields.time(pr.closedDate(), "resource.closedDate")
                    : PayloadFields.time(envelope.createdDate(), "createdDate");
            return WebhookResult.of(List.of(review(delivery, service, item, GateOutcome.FAILED, time),
                    new ChangeClosed(changeId(delivery, "closed"), time, service, item)));
        }
        GateOutcome verdict = verdict(pr.reviewers());
        if (verdict == null) {
            return WebhookResult.ignored("pull request " + item + " was updated, but no reviewer has voted yet");
        }
        Instant time = PayloadFields.time(envelope.createdDate(), "createdDate");
        List<DeliveryEvent> events = new ArrayList<>();
        events.add(review(delivery, service, item, verdict, time));
        if (votedByOther(pr)) {
            events.add(new ChangeReviewed(changeId(delivery, "reviewed"), time, service, item));
        }
        return WebhookResult.of(events);
    }

    /**
     * The change a created pull request opens. Its link is the repository's web address plus
     * {@code /pullrequest/<id>}, which is where Azure DevOps shows a pull request; left out without the address.
     */
    private static ChangeOpened opened(String delivery, String service, String item, Instant time, PullRequest pr) {
        String head = PayloadFields.sha(
                pr.lastMergeSourceCommit() == null ? null : pr.lastMergeSourceCommit().commitId(),
                "resource.lastMergeSourceCommit.commitId");
        String remote = pr.repository().remoteUrl();
        String url = remote == null || remote.isBlank() ? null
                : (remote.endsWith("/") ? remote : remote + "/") + "pullrequest/" + item;
        return new ChangeOpened(changeId(delivery, "opened"), time, service, item, head, List.of(),
                PayloadFields.branch(pr.targetRefName(), "resource.targetRefName"), PayloadFields.title(pr.title()),
                PayloadFields.url(url));
    }

    /**
     * Whether someone other than the pull request's author has voted: a vote is a review, whatever its value. A
     * reviewer without an id, or a pull request without {@code createdBy}, cannot be told from the author.
     */
    private static boolean votedByOther(PullRequest pr) {
        String author = pr.createdBy() == null ? null : pr.createdBy().id();
        if (author == null || pr.reviewers() == null) {
            return false;
        }
        return pr.reviewers().stream().anyMatch(reviewer -> reviewer != null && reviewer.vote() != null
                && reviewer.vote() != 0 && reviewer.id() != null && !reviewer.id().equalsIgnoreCase(author));
    }

    /**
     * The review's verdict from the votes: any reviewer waiting for the author or rejecting fails it (the pull request
     * cannot complete), otherwise any approval passes it. No vote is no verdict.
     */
    private static GateOutcome verdict(List<Reviewer> reviewers) {
        boolean approved = false;
        for (Reviewer reviewer : reviewers == null ? List.<Reviewer>of() : reviewers) {
            if (reviewer == null || reviewer.vote() == null) {
                continue;
            }
            if (reviewer.vote() <= WAITING_FOR_AUTHOR) {
                return GateOutcome.FAILED;
            }
            approved |= reviewer.vote() >= APPROVED_WITH_SUGGESTIONS;
        }
        return approved ? GateOutcome.PASSED : null;
    }

    private static GateFinished review(String delivery, String service, String item, GateOutcome outcome,
            Instant time) {
        return new GateFinished(Identifiers.eventId(NAME, delivery, CODE_REVIEW, "finished"), time, service,
                CODE_REVIEW, item, outcome);
    }

    /**
     * Links the commit the completed pull request put on its target branch to the pull request's head, so squash and
     * rebase merges still lead back to the reviewed commits, and merges the change with that commit as what landed.
     */
    private static WebhookResult merged(String delivery, String service, String item, PullRequest pr) {
        String sha = PayloadFields.sha(pr.lastMergeCommit() == null ? null : pr.lastMergeCommit().commitId(),
                "resource.lastMergeCommit.commitId");
        String head = PayloadFields.sha(
                pr.lastMergeSourceCommit() == null ? null : pr.lastMergeSourceCommit().commitId(),
                "resource.lastMergeSourceCommit.commitId");
        Instant closed = PayloadFields.time(pr.closedDate(), "resource.closedDate");
        return WebhookResult.of(List.of(
                new CommitRecorded(Identifiers.eventId(NAME, delivery, "commit", sha), closed, service, sha,
                        head.equals(sha) ? List.of() : List.of(head)),
                new ChangeMerged(changeId(delivery, "merged"), closed, service, item, sha, List.of())));
    }

    private static String changeId(String delivery, String what) {
        return Identifiers.eventId(NAME, delivery, "change", what);
    }

    /**
     * A completed build passes through the {@code ci} gate: queued when it was requested, started when an agent took
     * it, finished with its result. Succeeded and partially succeeded pass (the pipeline let the change through);
     * failed and canceled fail.
     */
    private WebhookResult build(String delivery, Build build) {
        String item = Long.toString(PayloadFields.required(build.id(), "resource.id"));
        String service = buildService(build);
        String verdict = build.result() != null ? build.result()
                : PayloadFields.required(build.status(), "resource.result");
        GateOutcome outcome = switch (verdict.toLowerCase(Locale.ROOT)) {
            case "succeeded", "partiallysucceeded" -> GateOutcome.PASSED;
            case "failed", "canceled", "stopped" -> GateOutcome.FAILED;
            default -> null;
        };
        if (outcome == null) {
            return WebhookResult.ignored("build " + item + " ended with result " + verdict + ", which is no verdict");
        }
        List<DeliveryEvent> events = new ArrayList<>();
        if (build.queueTime() != null) {
            events.add(new GateQueued(Identifiers.eventId(NAME, delivery, CI, "queued"),
                    PayloadFields.time(build.queueTime(), "resource.queueTime"), service, CI, item));
        }
        if (build.startTime() != null) {
            events.add(new GateStarted(Identifiers.eventId(NAME, delivery, CI, "started"),
                    PayloadFields.time(build.startTime(), "resource.startTime"), service, CI, item));
        }
        events.add(new GateFinished(Identifiers.eventId(NAME, delivery, CI, "finished"),
                PayloadFields.time(build.finishTime(), "resource.finishTime"), service, CI, item, outcome));
        return WebhookResult.of(events);
    }

    /**
     * An Azure Repos build belongs to {@code <project>/<repository>}, like its pushes. A build of code hosted
     * elsewhere (GitHub, Bitbucket) belongs to that repository's own name, which is what its host's webhooks report.
     */
    private String buildService(Build build) {
        Repository repository = build.repository();
        String name = repository == null ? null : repository.name();
        if (repository != null && repository.type() != null && !repository.type().equalsIgnoreCase("TfsGit")) {
            return PayloadFields.repositoryService(services, PayloadFields.required(name, "resource.repository.name"));
        }
        String project = build.project() != null && build.project().name() != null ? build.project().name()
                : build.definition() == null || build.definition().project() == null
                        ? null : build.definition().project().name();
        PayloadFields.required(project, "resource.project.name");
        PayloadFields.required(name, "resource.repository.name");
        return PayloadFields.repositoryService(services, project + "/" + name);
    }

    /** The envelope's resource, in the shape its event type has. */
    private static <T> T resource(Envelope envelope, Class<T> type) {
        return PayloadFields.read(envelope.resource(), type, VENDOR, "resource");
    }

    private String gitService(Repository repository) {
        String name = PayloadFields.required(repository == null ? null : repository.name(), "resource.repository.name");
        String project = PayloadFields.required(repository.project() == null ? null : repository.project().name(),
                "resource.repository.project.name");
        return PayloadFields.repositoryService(services, project + "/" + name);
    }
}
