package dev.flowmeter.bench.micro;

import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EnvironmentReady;
import dev.flowmeter.events.EnvironmentRequested;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * About a month of one service's delivery, as the events a team's tools would send, for state that looks like a
 * real scrape's: {@value #COMMITS} commits on one line; every {@value #COMMITS_PER_RELEASE} commits a release
 * deployed to dev, test and qa, and every second release on to staging and production (one production deployment
 * fails and is fixed by the next, and one incident is opened and resolved); a change (pull request) opened, reviewed
 * and merged per release; a preview environment; and at each of {@link #GATES} one item that passed and one still
 * waiting. That is five environments and eleven gates (the ten plus {@code environment}, the wait for the preview),
 * about {@value #EVENTS} events in all.
 */
final class ServiceHistory {

    static final List<String> ENVIRONMENTS = List.of("dev", "test", "qa", "staging", "production");
    static final List<String> GATES = List.of("code-review", "qa-signoff", "security-review", "change-approval",
            "release-approval", "load-test", "uat", "compliance", "design-review", "docs-review");
    static final int COMMITS = 24;
    static final int COMMITS_PER_RELEASE = 4;
    static final int EVENTS = 111;

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private final String service;
    private final Instant start;
    private final List<DeliveryEvent> events = new ArrayList<>();
    private int ids;

    /** @param start the time of the first commit; everything happens within about 30 days of it */
    private ServiceHistory(String service, Instant start) {
        this.service = service;
        this.start = start;
    }

    /** Every event of the history, in the order the tools would send them. */
    static List<DeliveryEvent> of(String service, Instant start) {
        ServiceHistory history = new ServiceHistory(service, start);
        history.build();
        return List.copyOf(history.events);
    }

    private void build() {
        List<String> shas = new ArrayList<>();
        String parent = null;
        int releases = 0;
        for (int i = 0; i < COMMITS; i++) {
            String sha = CommitGraph.sha(service, i);
            Instant committed = start.plus(DAY.multipliedBy(i));
            events.add(new CommitRecorded(id(), committed, service, sha,
                    parent == null ? List.of() : List.of(parent)));
            shas.add(sha);
            parent = sha;
            if ((i + 1) % COMMITS_PER_RELEASE == 0) {
                release(releases++, shas.subList(i + 1 - COMMITS_PER_RELEASE, i + 1), committed);
            }
        }
        environment(start.plus(DAY.multipliedBy(2)));
        for (int g = 0; g < GATES.size(); g++) {
            gate(GATES.get(g), "change-" + (g % releases), start.plus(DAY.multipliedBy(g + 1)));
        }
    }

    /** A change holding {@code commits}, merged as its head, and the release that deploys it. */
    private void release(int release, List<String> commits, Instant lastCommit) {
        String change = "change-" + release;
        String head = commits.get(commits.size() - 1);
        Instant opened = lastCommit.minus(HOUR);
        events.add(new ChangeOpened(id(), opened, service, change, head, commits, "main", "Release " + release
                + " of " + service, "https://git.example/" + service + "/pull/" + release));
        events.add(new ChangeReviewed(id(), opened.plus(HOUR.multipliedBy(2)), service, change));
        Instant merged = opened.plus(HOUR.multipliedBy(3));
        events.add(new ChangeMerged(id(), merged, service, change, head, List.of()));
        for (int e = 0; e < 3; e++) {
            deploy(ENVIRONMENTS.get(e), head, merged.plus(HOUR.multipliedBy(e + 1)), DeploymentStatus.SUCCESS);
        }
        if (release % 2 == 1) {
            deploy("staging", head, merged.plus(HOUR.multipliedBy(4)), DeploymentStatus.SUCCESS);
            Instant production = merged.plus(HOUR.multipliedBy(5));
            boolean fails = release == 1;
            deploy("production", head, production, fails ? DeploymentStatus.FAILURE : DeploymentStatus.SUCCESS);
            if (fails) {
                deploy("production", head, production.plus(HOUR), DeploymentStatus.SUCCESS);
            }
            if (release == 3) {
                String incident = "incident-" + release;
                events.add(new IncidentOpened(id(), production.plus(HOUR), service, incident, "production", head));
                events.add(new IncidentResolved(id(), production.plus(HOUR.multipliedBy(3)), service, incident,
                        "production", head));
            }
        }
    }

    private void deploy(String environment, String sha, Instant time, DeploymentStatus status) {
        events.add(new DeploymentFinished(id(), time, service, environment, sha, status, List.of()));
    }

    private void environment(Instant requested) {
        events.add(new EnvironmentRequested(id(), requested, service, "preview-0", "preview", "change-0"));
        events.add(new EnvironmentReady(id(), requested.plus(Duration.ofMinutes(12)), service, "preview-0",
                "preview", "change-0"));
    }

    /** One item through {@code gate} (passed) and one still waiting there. */
    private void gate(String gate, String item, Instant queued) {
        events.add(new GateQueued(id(), queued, service, gate, item));
        events.add(new GateStarted(id(), queued.plus(HOUR), service, gate, item));
        events.add(new GateFinished(id(), queued.plus(HOUR.multipliedBy(3)), service, gate, item,
                GateOutcome.PASSED));
        events.add(new GateQueued(id(), queued.plus(HOUR.multipliedBy(4)), service, gate, "waiting-" + gate));
    }

    private String id() {
        return service + "-" + ids++;
    }
}
