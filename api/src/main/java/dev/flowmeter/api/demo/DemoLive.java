package dev.flowmeter.api.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The demo after its history: about one event a second, stamped with the clock, so that dashboards and alerts move.
 * Every 15 seconds a mature team's service starts a change that goes through review, CI, staging and production in
 * about 40 seconds (14 events); every 10 minutes an immature team's service opens a change that then waits at code
 * review, as its team's changes do, until it stalls two days later.
 */
public final class DemoLive {

    static final Duration MATURE_EVERY = Duration.ofSeconds(15);
    static final Duration IMMATURE_EVERY = Duration.ofMinutes(10);

    private final Clock clock;
    private final String run;
    private final Map<String, String> heads;
    private final List<String> mature = new ArrayList<>();
    private final List<String> immature = new ArrayList<>();
    private final PriorityQueue<Scheduled> due = new PriorityQueue<>();
    private final Map<String, Integer> changes = new HashMap<>();
    private long sequence;
    private Instant nextMature;
    private Instant nextImmature;
    private int nextMatureService;
    private int nextImmatureService;

    /**
     * @param heads each service's main-line head at the end of the history ({@link DemoOrganisation#heads()})
     */
    public DemoLive(Clock clock, Map<String, String> heads) {
        this.clock = clock;
        this.heads = new HashMap<>(heads);
        this.run = String.valueOf(clock.millis());
        for (DemoOrganisation.Team team : DemoOrganisation.TEAMS) {
            (team.profile() == DemoOrganisation.Profile.MATURE ? mature : immature).addAll(team.services());
        }
        Instant now = clock.instant();
        this.nextMature = now;
        this.nextImmature = now;
    }

    /** The events due by now, in time order; call it about once a second. */
    public List<Map<String, Object>> due() {
        Instant now = clock.instant();
        while (!nextMature.isAfter(now)) {
            startMatureChange(nextMature);
            nextMature = nextMature.plus(MATURE_EVERY);
        }
        while (!nextImmature.isAfter(now)) {
            openImmatureChange(nextImmature);
            nextImmature = nextImmature.plus(IMMATURE_EVERY);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        while (!due.isEmpty() && !due.peek().time().isAfter(now)) {
            out.add(due.poll().event()); // its time is its schedule's: at most now, never in the future
        }
        return out;
    }

    private void startMatureChange(Instant at) {
        String service = mature.get(nextMatureService++ % mature.size());
        int change = changes.merge(service, 1, Integer::sum);
        String branch = sha(service, "branch-" + change);
        String merge = sha(service, "merge-" + change);
        String parent = heads.get(service);
        heads.put(service, merge);
        schedule(at, service, "commit", Map.of("sha", branch, "parents", List.of(parent)));
        schedule(at.plusSeconds(2), service, "change.opened", Map.of("change", 100_000 + change, "sha", branch,
                "target", "main", "commits", List.of(branch), "title", "Live change " + change));
        schedule(at.plusSeconds(2), service, "gate.queued", Map.of("gate", "code-review", "item", 100_000 + change));
        schedule(at.plusSeconds(10), service, "gate.started", Map.of("gate", "code-review", "item", 100_000 + change));
        schedule(at.plusSeconds(10), service, "change.reviewed", Map.of("change", 100_000 + change));
        schedule(at.plusSeconds(18), service, "gate.finished", Map.of("gate", "code-review", "item", 100_000 + change,
                "outcome", "passed"));
        schedule(at.plusSeconds(20), service, "commit", Map.of("sha", merge, "parents", List.of(parent, branch)));
        schedule(at.plusSeconds(20), service, "change.merged", Map.of("change", 100_000 + change, "sha", merge));
        schedule(at.plusSeconds(21), service, "gate.queued", Map.of("gate", "ci", "item", merge));
        schedule(at.plusSeconds(22), service, "gate.started", Map.of("gate", "ci", "item", merge));
        schedule(at.plusSeconds(32), service, "gate.finished", Map.of("gate", "ci", "item", merge,
                "outcome", "passed"));
        schedule(at.plusSeconds(34), service, "deployment", Map.of("environment", "staging", "sha", merge,
                "status", "success"));
        schedule(at.plusSeconds(40), service, "deployment", Map.of("environment", "production", "sha", merge,
                "status", "success"));
    }

    private void openImmatureChange(Instant at) {
        String service = immature.get(nextImmatureService++ % immature.size());
        int change = changes.merge(service, 1, Integer::sum);
        String branch = sha(service, "branch-" + change);
        schedule(at, service, "commit", Map.of("sha", branch, "parents", List.of(heads.get(service))));
        schedule(at.plusSeconds(5), service, "change.opened", Map.of("change", 100_000 + change, "sha", branch,
                "target", "main", "commits", List.of(branch), "title", "Live change " + change));
        schedule(at.plusSeconds(5), service, "gate.queued", Map.of("gate", "code-review", "item", 100_000 + change));
    }

    private void schedule(Instant time, String service, String type, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        long n = ++sequence;
        event.put("id", "demo-live-" + run + "-" + n);
        event.put("type", type);
        event.put("time", time.toString());
        event.put("service", service);
        event.putAll(fields);
        due.add(new Scheduled(time, n, event));
    }

    private String sha(String service, String what) {
        return DemoOrganisation.sha("live/" + run + "/" + service + "/" + what);
    }

    private record Scheduled(Instant time, long order, Map<String, Object> event) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled other) {
            int byTime = time.compareTo(other.time);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}
