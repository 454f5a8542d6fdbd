package dev.flowmeter.api.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated organisation of the demo: four teams of five services, 90 days of history ending now, built by fixed
 * rules so that its headline numbers can be worked out by hand (docs/demo.md), with a seed that varies only what does
 * not change them (shas, titles, a few minutes here and there).
 *
 * <p>Two profiles side by side. The <b>immature</b> teams ({@code payments}, {@code billing}) open one change a
 * working day, wait a working day for a review, cut a release branch every four weeks, wait for a test environment,
 * QA and a change-approval board, and release on Thursday evenings: one release is followed by an incident and a
 * hotfix, one is rolled back and released again, and two reviews are stuck at the end. The <b>mature</b> teams
 * ({@code storefront}, {@code search}) merge three reviewed changes a working day, each deployed to staging and then
 * to production within the hour by automated gates; every Wednesday the last deployment fails and is fixed forward.
 *
 * <p>Every service is named {@code demo-<team>-<name>}, so demo data is easy to tell apart and to leave out.
 */
public final class DemoOrganisation {

    /** How much history the demo holds, ending at its {@code now}. */
    public static final Duration HISTORY = Duration.ofDays(90);
    /** Gate limits that make the stuck reviews stall and leave the normal waits alone. */
    public static final String GATE_LIMITS = "code-review=48h, qa=72h, change-approval=48h, ci=1h";
    /** The immature teams' release days, counted from the first day of history (Thursdays when it is a Monday). */
    static final int[] RELEASE_DAYS = {24, 52, 80};
    /** The immature teams' change opened on this day is never reviewed: it stalls at code review. */
    static final int STUCK_REVIEW_DAY = 86;

    /** A team, its profile and its services. */
    public record Team(String name, Profile profile, List<String> services) {
    }

    /** How a team delivers. */
    public enum Profile {
        IMMATURE, MATURE
    }

    public static final List<Team> TEAMS = List.of(
            team("payments", Profile.IMMATURE, "api", "ledger", "gateway", "fraud", "reports"),
            team("billing", Profile.IMMATURE, "invoices", "tax", "dunning", "export", "portal"),
            team("storefront", Profile.MATURE, "web", "cart", "catalog", "checkout", "images"),
            team("search", Profile.MATURE, "api", "indexer", "ranking", "suggest", "crawler"));

    private static final String[] TITLES = {"Add retry to the client", "Fix rounding in totals",
        "Upgrade the JSON library", "Log the request id", "Tidy the configuration", "Speed up the nightly job",
        "Handle empty responses", "Rename the settings page", "Cache the lookup table", "Document the API errors",
        "Guard against null input", "Split the big handler"};

    /** The kinds of the work items, by item number modulo six. */
    static final String[] WORK_KINDS = {"feature", "feature", "defect", "feature", "debt", "risk"};
    private static final String[] WORK_TITLES = {"Refunds by card", "Export as CSV", "Totals off by a cent",
        "Saved searches", "Retire the old client", "Pin the TLS version", "Two-step sign-in", "Bulk edit",
        "Timeout on big uploads", "Dark mode", "Move off the legacy queue", "Rotate the signing keys"};

    private final long seed;
    private final Instant start;
    private final Instant end;
    private final List<Timed> events = new ArrayList<>();
    private final Map<String, String> heads = new LinkedHashMap<>();
    private long order;

    /**
     * @param seed varies shas, titles and minutes, never the headline numbers
     * @param now the history covers the 90 whole days (UTC) before the day of {@code now}, so that its 10:00 is 10:00
     *     and its Thursdays are Thursdays
     */
    public DemoOrganisation(long seed, Instant now) {
        this.seed = seed;
        this.end = now.truncatedTo(ChronoUnit.DAYS);
        this.start = end.minus(HISTORY);
        for (Team team : TEAMS) {
            for (String service : team.services()) {
                if (team.profile() == Profile.IMMATURE) {
                    new Immature(service).generate();
                } else {
                    new Mature(service).generate();
                }
            }
        }
        events.sort(Comparator.comparing(Timed::time).thenComparingLong(Timed::order));
    }

    /** The lines of a {@code FLOWMETER_TEAMS} file for the demo's services. */
    public static String teamsFile() {
        StringBuilder file = new StringBuilder("# The demo organisation's teams (java -jar flowmeter.jar --demo)\n");
        for (Team team : TEAMS) {
            file.append("demo-").append(team.name()).append("-* = ").append(team.name()).append('\n');
        }
        return file.toString();
    }

    /** Every event of the history, in event-time order (parents before children), as JSON objects. */
    public List<Map<String, Object>> history() {
        return events.stream().map(Timed::event).toList();
    }

    /** The first instant of the history. */
    public Instant start() {
        return start;
    }

    /** The end of the history: its {@code now}. */
    public Instant end() {
        return end;
    }

    /** Each service's main-line head at the end of the history, for the live trickle to build on. */
    public Map<String, String> heads() {
        return Map.copyOf(heads);
    }

    /** A made-up commit sha: the SHA-1 of {@code text}, so the same seed always gives the same history. */
    static String sha(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** A service's tracker project: its team's first three letters and its own name, upper case (PAYLEDGER). */
    static String project(String service) {
        String[] parts = service.split("-", 3);
        return (parts[1].substring(0, 3) + parts[2]).toUpperCase(Locale.ROOT);
    }

    /** The release (fix version) of an immature service's item whose last change merges on {@code mergeDay}. */
    static String releaseOf(String team, int mergeDay) {
        for (int k = 0; k < RELEASE_DAYS.length; k++) {
            if (RELEASE_DAYS[k] - 2 > mergeDay) {
                return team + "-R" + (k + 1);
            }
        }
        return team + "-R" + (RELEASE_DAYS.length + 1);
    }

    private static Team team(String name, Profile profile, String... services) {
        List<String> names = new ArrayList<>();
        for (String service : services) {
            names.add("demo-" + name + "-" + service);
        }
        return new Team(name, profile, List.copyOf(names));
    }

    private record Timed(Instant time, long order, Map<String, Object> event) {
    }

    /** What every service's history has in common: ids, shas, the main line, and writing events. */
    private abstract class ServiceHistory {
        final String service;
        final SplittableRandom random;
        int eventCount;
        int commitCount;
        int changeCount;
        String head;

        ServiceHistory(String service) {
            this.service = service;
            this.random = new SplittableRandom(seed ^ service.hashCode());
        }

        abstract void generate();

        /**
         * One commit, in production the day before the history starts: the first deployment in the window then ships
         * only what was made in the window.
         */
        void deployBaseline() {
            head = commit(start.minus(Duration.ofDays(1)));
            deploy(start.minus(Duration.ofHours(12)), "production", head, "success", false);
        }

        Instant at(int day, int hour, int minute) {
            return start.plus(Duration.ofDays(day).plusHours(hour).plusMinutes(minute));
        }

        boolean isWorkingDay(int day) {
            DayOfWeek weekday = start.plus(Duration.ofDays(day)).atOffset(ZoneOffset.UTC).getDayOfWeek();
            return weekday != DayOfWeek.SATURDAY && weekday != DayOfWeek.SUNDAY;
        }

        int nextWorkingDay(int day) {
            int next = day + 1;
            while (!isWorkingDay(next)) {
                next++;
            }
            return next;
        }

        boolean inHistory(Instant time) {
            return time.isBefore(end);
        }

        Map<String, Object> event(String type, Instant time) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", "demo-" + seed + "-" + service + "-" + (++eventCount));
            event.put("type", type);
            event.put("time", time.toString());
            event.put("service", service);
            if (inHistory(time)) {
                events.add(new Timed(time, order++, event));
            }
            return event;
        }

        String sha() {
            return DemoOrganisation.sha(seed + "/" + service + "/" + (++commitCount));
        }

        String commit(Instant time, String... parents) {
            String sha = sha();
            Map<String, Object> commit = event("commit", time);
            commit.put("sha", sha);
            List<String> known = new ArrayList<>();
            for (String parent : parents) {
                if (parent != null) {
                    known.add(parent);
                }
            }
            if (!known.isEmpty()) {
                commit.put("parents", known);
            }
            return sha;
        }

        void gate(String type, Instant time, String gate, Object item, String outcome) {
            Map<String, Object> event = event(type, time);
            event.put("gate", gate);
            event.put("item", item);
            if (outcome != null) {
                event.put("outcome", outcome);
            }
        }

        void gatePass(String gate, Object item, Instant queued, Instant started, Instant finished) {
            gate("gate.queued", queued, gate, item, null);
            gate("gate.started", started, gate, item, null);
            gate("gate.finished", finished, gate, item, "passed");
        }

        void deploy(Instant time, String environment, String sha, String status, boolean rollback) {
            Map<String, Object> deployment = event("deployment", time);
            deployment.put("environment", environment);
            deployment.put("sha", sha);
            deployment.put("status", status);
            if (rollback) {
                deployment.put("rollback", true);
            }
        }

        Map<String, Object> change(String type, Instant time, int change) {
            Map<String, Object> event = event(type, time);
            event.put("change", change);
            return event;
        }

        /** Work item {@code n} of the service's tracker project. */
        String workKey(int n) {
            return project(service) + "-" + n;
        }

        void work(String type, Instant time, int n, String release) {
            Map<String, Object> event = event(type, time);
            event.put("item", workKey(n));
            event.put("kind", WORK_KINDS[n % WORK_KINDS.length]);
            event.put("title", WORK_TITLES[(n - 1) % WORK_TITLES.length]);
            event.put("url", "https://tracker.example.com/browse/" + workKey(n));
            if (release != null) {
                event.put("release", release);
            }
        }

        /** A change on the item's branch, {@code feature/<key>}: the branch name links the change to the item. */
        void opened(Instant time, int change, String sha, int item) {
            Map<String, Object> opened = change("change.opened", time, change);
            opened.put("branch", "feature/" + workKey(item));
            opened.put("sha", sha);
            opened.put("target", "main");
            opened.put("commits", List.of(sha));
            opened.put("title", TITLES[random.nextInt(TITLES.length)]);
            opened.put("url", "https://git.example.com/" + service + "/pull/" + change);
        }

        void merged(Instant time, int change, String sha) {
            change("change.merged", time, change).put("sha", sha);
        }
    }

    /**
     * One change a working day at 10:00, reviewed a working day later (15:00 to 16:00) and merged at 16:30; releases
     * cut on the Tuesday 09:00 before each release day, then staging, a test environment, QA and the change-approval
     * board, and the release at 20:00 on the release day. Work item n is made of changes 2n - 1 and 2n: created five
     * days before the first opens, started at 09:30 that day, done at 17:00 the day both are merged, its release the
     * one that ships the second.
     */
    private final class Immature extends ServiceHistory {
        private final Map<Integer, int[]> mergesDue = new LinkedHashMap<>(); // merge day -> {change, branch commit}
        private final Map<Integer, String> branchCommits = new LinkedHashMap<>();
        private final Set<Integer> mergedChanges = new HashSet<>();
        private final String team;

        Immature(String service) {
            super(service);
            this.team = service.split("-", 3)[1];
        }

        @Override
        void generate() {
            deployBaseline();
            int historyDays = (int) HISTORY.toDays();
            String lastGood = head;
            for (int day = 0; day < historyDays; day++) {
                for (int k = 0; k < RELEASE_DAYS.length; k++) {
                    if (day == RELEASE_DAYS[k] - 2) {
                        lastGood = release(k + 1, lastGood);
                    }
                }
                if (isWorkingDay(day)) {
                    int change = ++changeCount;
                    int item = (change + 1) / 2;
                    if (change % 2 == 1) {
                        String release = releaseOf(team, nextWorkingDay(nextWorkingDay(day)));
                        work("work.created", at(day - 5, 11, 0), item, release);
                        work("work.started", at(day, 9, 30), item, release);
                    }
                    Instant opened = at(day, 10, 0);
                    String branch = commit(opened, head);
                    branchCommits.put(change, branch);
                    opened(at(day, 10, 5), change, branch, item);
                    gate("gate.queued", at(day, 10, 5), "code-review", change, null);
                    int reviewDay = nextWorkingDay(day);
                    if (day != STUCK_REVIEW_DAY && reviewDay < historyDays) {
                        mergesDue.put(reviewDay, new int[] {change});
                    }
                }
                int[] due = mergesDue.remove(day);
                if (due != null) {
                    mergeReviewed(day, due[0]);
                }
            }
            heads.put(service, head);
        }

        private void mergeReviewed(int day, int change) {
            Instant started = at(day, 15, random.nextInt(30));
            gate("gate.started", started, "code-review", change, null);
            change("change.reviewed", started, change);
            gate("gate.finished", at(day, 16, 0), "code-review", change, "passed");
            Instant mergedAt = at(day, 16, 30);
            head = commit(mergedAt, head, branchCommits.remove(change));
            merged(mergedAt, change, head);
            gatePass("ci", head, at(day, 16, 31), at(day, 16, 33), at(day, 16, 50));
            mergedChanges.add(change);
            if (change % 2 == 0 && mergedChanges.contains(change - 1)) {
                work("work.done", at(day, 17, 0), change / 2, releaseOf(team, day));
            }
        }

        /**
         * Release {@code number}, cut on {@code cutDay} at 09:00; returns the last good production version after it
         * (and after its hotfix or rollback).
         */
        private String release(int number, String lastGood) {
            int cutDay = RELEASE_DAYS[number - 1] - 2;
            int releaseDay = RELEASE_DAYS[number - 1];
            String item = "release-" + number;
            String released = head;
            deploy(at(cutDay, 9, 30), "staging", released, "success", false);
            Map<String, Object> requested = event("environment.requested", at(cutDay, 10, 0));
            requested.put("environment", "qa-" + number);
            requested.put("kind", "qa");
            Map<String, Object> ready = event("environment.ready", at(cutDay + 1, 9, 0));
            ready.put("environment", "qa-" + number);
            ready.put("kind", "qa");
            gatePass("qa", item, at(cutDay + 1, 9, 0), at(cutDay + 1, 11, random.nextInt(20)),
                    at(cutDay + 1, 17, 0));
            gatePass("change-approval", item, at(cutDay + 1, 17, 30), at(releaseDay, 10, 0), at(releaseDay, 15, 0));
            deploy(at(releaseDay, 20, 0), "production", released, "success", false);
            Map<String, Object> deleted = event("environment.deleted", at(releaseDay, 21, 30));
            deleted.put("environment", "qa-" + number);
            deleted.put("kind", "qa");
            if (number == 2) {
                // An incident the same night, a hotfix on the release branch the next morning.
                String incident = "INC-" + service + "-" + number;
                Map<String, Object> opened = event("incident.opened", at(releaseDay, 22, 0));
                opened.put("incident", incident);
                opened.put("environment", "production");
                opened.put("sha", released);
                String hotfix = commit(at(releaseDay + 1, 9, 0), released);
                deploy(at(releaseDay + 1, 10, 30), "production", hotfix, "success", false);
                Map<String, Object> resolved = event("incident.resolved", at(releaseDay + 1, 11, 0));
                resolved.put("incident", incident);
                resolved.put("environment", "production");
                return hotfix;
            }
            if (number == 3) {
                // Rolled back within the hour, released again the next evening.
                deploy(at(releaseDay, 21, 0), "production", lastGood, "success", true);
                deploy(at(releaseDay + 1, 20, 0), "production", released, "success", false);
            }
            return released;
        }
    }

    /**
     * Three changes a working day at 09:00, 11:00 and 14:00 (each shifted by the same few minutes): review within
     * 40 minutes, merge at :45, CI, staging at :57 and production on the hour. On Wednesdays the 14:00 change's
     * deployment fails at 15:00 and a fix commit goes out at 15:30. The day's three changes make one work item,
     * created at 16:00 the day before, started at 08:30 and done at 16:00.
     */
    private final class Mature extends ServiceHistory {
        private int itemCount;

        Mature(String service) {
            super(service);
        }

        @Override
        void generate() {
            deployBaseline();
            int historyDays = (int) HISTORY.toDays();
            for (int day = 0; day < historyDays; day++) {
                if (!isWorkingDay(day)) {
                    continue;
                }
                boolean wednesday = start.plus(Duration.ofDays(day)).atOffset(ZoneOffset.UTC).getDayOfWeek()
                        == DayOfWeek.WEDNESDAY;
                int item = ++itemCount;
                work("work.created", at(day - 1, 16, 0), item, null);
                work("work.started", at(day, 8, 30), item, null);
                int[] hours = {9, 11, 14};
                for (int k = 0; k < hours.length; k++) {
                    change(day, hours[k], random.nextInt(10), wednesday && k == 2, item);
                }
                work("work.done", at(day, 16, 0), item, null);
            }
            heads.put(service, head);
        }

        private void change(int day, int hour, int shift, boolean fails, int item) {
            int change = ++changeCount;
            String branch = commit(at(day, hour, shift), head);
            opened(at(day, hour, 5 + shift), change, branch, item);
            gate("gate.queued", at(day, hour, 5 + shift), "code-review", change, null);
            gate("gate.started", at(day, hour, 25 + shift), "code-review", change, null);
            change("change.reviewed", at(day, hour, 25 + shift), change);
            gate("gate.finished", at(day, hour, 40 + shift), "code-review", change, "passed");
            head = commit(at(day, hour, 45 + shift), head, branch);
            merged(at(day, hour, 45 + shift), change, head);
            gatePass("ci", head, at(day, hour, 46 + shift), at(day, hour, 47 + shift), at(day, hour, 55 + shift));
            deploy(at(day, hour, 57 + shift), "staging", head, "success", false);
            if (!fails) {
                deploy(at(day, hour + 1, shift), "production", head, "success", false);
                return;
            }
            deploy(at(day, hour + 1, shift), "production", head, "failure", false);
            head = commit(at(day, hour + 1, 10 + shift), head);
            gatePass("ci", head, at(day, hour + 1, 12 + shift), at(day, hour + 1, 13 + shift),
                    at(day, hour + 1, 25 + shift));
            deploy(at(day, hour + 1, 27 + shift), "staging", head, "success", false);
            deploy(at(day, hour + 1, 30 + shift), "production", head, "success", false);
        }
    }
}
