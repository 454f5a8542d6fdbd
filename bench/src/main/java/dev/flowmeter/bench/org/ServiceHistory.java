package dev.flowmeter.bench.org;

import static dev.flowmeter.bench.org.WorkingHours.DAY;
import static dev.flowmeter.bench.org.WorkingHours.HOUR;
import static dev.flowmeter.bench.org.WorkingHours.MINUTE;

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
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One service's year, simulated step by step on a {@link Timeline} and handed out as events in strictly increasing
 * event time (one second apart at least, so no two events of a service tie). The model follows a trunk-based team:
 *
 * <ul>
 *   <li>a change is a branch of 1-5 commits off the main line, opened as a pull request, waiting at
 *       {@code code-review}, {@code ci} and {@code security} (a scanner: finished without a start), sometimes
 *       {@code qa} and a preview environment (whose request and readiness the topology reads as the gate
 *       {@code environment}); it gets 1-2 reviews, a fifth of them ask for a rework commit, and it lands as a merge
 *       commit whose parents are the main line and the branch head; a tenth are closed unmerged, some leaving their
 *       review request behind to be abandoned;</li>
 *   <li>each merge is built ({@code build}, the item its sha) and goes to {@code dev} behind {@code smoke-test:dev};
 *       release slots promote what the environment before holds to {@code test}, {@code qa}, {@code staging} and
 *       {@code production}, each behind a gate named for it whose item is the deployment's id (as the journeys of
 *       the value stream look deployments up);</li>
 *   <li>some deployments fail and are retried, an occasional production release is rolled back (often with an
 *       incident naming its sha), and incidents open and resolve a few times a month, most of them outside
 *       production, some naming the sha running there.</li>
 * </ul>
 *
 * <p>People act in their team's {@link WorkingHours}; machines and incidents at any hour. All randomness comes
 * from one generator seeded by the organisation's seed and the service's index, so a service's history does not
 * depend on how many other services there are, and the same seed gives the same events.
 */
final class ServiceHistory {

    static final List<String> ENVIRONMENTS = List.of("dev", "test", "qa", "staging", "production");
    static final String CODE_REVIEW = "code-review";
    static final String CI = "ci";
    static final String SECURITY = "security";
    static final String QA = "qa";
    static final String BUILD = "build";

    /**
     * The gate in front of each environment, how long its item waits and is worked on (medians, in minutes), and
     * how often the gate and then the deployment behind it succeed. Human gates wait in working hours.
     */
    private record DeployGate(String name, boolean human, double waitMinutes, double workMinutes, double passes,
            double deploys, double redeploys) {
    }

    /**
     * {@code redeploys}: the chance that a release slot with nothing new redeploys what runs (a configuration
     * change, through the same gate). Production does so often, as teams that release twice a week and change
     * settings in between do; that is what brings it to a few deployments a week.
     */
    private static final List<DeployGate> DEPLOY_GATES = List.of(
            new DeployGate("smoke-test:dev", false, 1, 5, 0.97, 0.97, 0),
            new DeployGate("integration-test:test", false, 5, 25, 0.92, 0.97, 0.02),
            new DeployGate("qa-signoff:qa", true, 120, 60, 0.95, 0.97, 0.02),
            new DeployGate("approval:staging", true, 60, 15, 0.98, 0.96, 0.05),
            new DeployGate("change-approval:production", true, 180, 20, 0.95, 0.95, 0.3));

    /** Every gate name a service uses, in the order a change meets them. */
    static final List<String> GATES = List.of(CODE_REVIEW, CI, SECURITY, QA, BUILD, DEPLOY_GATES.get(0).name(),
            DEPLOY_GATES.get(1).name(), DEPLOY_GATES.get(2).name(), DEPLOY_GATES.get(3).name(),
            DEPLOY_GATES.get(4).name());

    /**
     * Changes a service starts in a year at scale 1. With everything that follows a change (its gates, its build,
     * the promotions it causes) this comes to about {@link Organisation#REFERENCE_EVENTS_PER_YEAR} events; measured,
     * not derived, so re-measure after changing the model.
     */
    static final double CHANGES_PER_YEAR = 135;
    /**
     * Incidents not caused by a bad release, per year at scale 1: a few a month. Most are outside production (the
     * topology attributes every production incident to a deployment, so these set the change failure rate).
     */
    static final double INCIDENTS_PER_YEAR = 36;
    private static final double WORKING_MILLIS_PER_YEAR = 261.0 * 9 * HOUR;

    /**
     * Release slots: local time of day, weekdays (bit 0 = Monday) and which environment. Test and qa get two a day,
     * staging one, production one from Monday to Thursday; a slot deploys only when the environment before has
     * something newer, and otherwise now and then redeploys what runs (a configuration change).
     */
    private record Slot(int environment, long timeOfDay, int weekdays) {
    }

    private static final int MONDAY_TO_FRIDAY = 0b11111;
    /** No production releases on a Friday. */
    private static final int MONDAY_TO_THURSDAY = 0b01111;
    private static final List<Slot> SLOTS = List.of(
            new Slot(1, 10 * HOUR + 30 * MINUTE, MONDAY_TO_FRIDAY),
            new Slot(1, 15 * HOUR + 30 * MINUTE, MONDAY_TO_FRIDAY),
            new Slot(2, 11 * HOUR, MONDAY_TO_FRIDAY),
            new Slot(2, 16 * HOUR, MONDAY_TO_FRIDAY),
            new Slot(3, 13 * HOUR + 30 * MINUTE, MONDAY_TO_FRIDAY),
            new Slot(4, 10 * HOUR + 30 * MINUTE, MONDAY_TO_THURSDAY));
    private static final double ROLLBACK = 0.04;
    private static final String[] VERBS = {"Add", "Fix", "Refactor", "Remove", "Update", "Speed up", "Document",
        "Test", "Rename", "Simplify"};
    private static final String[] SUBJECTS = {"retry budget of the payment client", "cache eviction",
        "login flow", "metrics endpoint", "config loader", "error handling in the importer", "database pool size",
        "feature flag for checkout", "pagination of the orders API", "rate limiter", "request logging",
        "timeouts of outbound calls", "schema migration", "health checks", "dependency versions"};
    private static final String[] ENVIRONMENT_KINDS = {"preview", "ephemeral", "test"};

    /** Where an environment stands: what runs there, the newest main-line position it ever had, what ran before. */
    private static final class Environment {
        final int position;
        final String name;
        String sha;
        int index = -1;
        int highWater = -1;
        String previousSha;
        int previousIndex = -1;
        boolean busy;

        Environment(int position) {
            this.position = position;
            this.name = ENVIRONMENTS.get(position);
        }
    }

    private final String service;
    private final String idPrefix;
    private final String url;
    private final String environmentKind;
    private final long endMillis;
    private final double scale;
    private final SplittableRandom random;
    private final long shaSeed;
    private final WorkingHours hours;
    private final Timeline timeline;
    private final ArrayDeque<DeliveryEvent> ready = new ArrayDeque<>();
    private final Environment[] environments = new Environment[ENVIRONMENTS.size()];
    private long lastEmitted = Long.MIN_VALUE;
    private long events;
    private long shas;
    private int changes;
    private int incidents;
    private String mainHead;
    private int mainIndex;

    /**
     * @param scale how busy the service is, 1 giving about {@link Organisation#REFERENCE_EVENTS_PER_YEAR} events a
     *              year: every rate (changes, incidents, redeploys) is multiplied by it
     */
    ServiceHistory(long seed, int index, String service, int utcOffsetHours, long startMillis, long endMillis,
            double scale) {
        this.service = service;
        this.idPrefix = Long.toHexString(seed) + "-" + index + "-";
        this.url = "https://git.example.com/" + service + "/pull/";
        this.endMillis = endMillis;
        this.scale = scale;
        this.random = new SplittableRandom(mix(seed ^ mix(index + 0x9E3779B97F4A7C15L)));
        this.shaSeed = random.nextLong();
        this.environmentKind = ENVIRONMENT_KINDS[random.nextInt(ENVIRONMENT_KINDS.length)];
        this.changes = 1 + random.nextInt(2_000);
        this.hours = new WorkingHours(utcOffsetHours);
        this.timeline = new Timeline(startMillis, endMillis);
        for (int i = 0; i < environments.length; i++) {
            environments[i] = new Environment(i);
        }
        timeline.at(startMillis, this::begin);
    }

    /** The next event without taking it; null when the history is over. */
    private DeliveryEvent peek() {
        while (ready.isEmpty() && timeline.runNext()) {
            // each step may or may not emit events
        }
        return ready.peekFirst();
    }

    /** Takes the next event; null when the history is over. */
    DeliveryEvent next() {
        return peek() == null ? null : ready.pollFirst();
    }

    private void begin() {
        mainHead = sha();
        commit(mainHead, List.of());
        timeline.at(hours.after(now(), arrival(CHANGES_PER_YEAR * scale, WORKING_MILLIS_PER_YEAR)), this::newChange);
        timeline.at(now() + arrival(INCIDENTS_PER_YEAR * scale, 365.0 * DAY), this::incident);
        for (Slot slot : SLOTS) {
            nextSlot(slot, now());
        }
    }

    // ---- changes ----

    private void newChange() {
        timeline.at(hours.after(now(), arrival(CHANGES_PER_YEAR * scale, WORKING_MILLIS_PER_YEAR)), this::newChange);
        changes += 1 + (chance(0.3) ? 1 : 0); // issues share the numbering now and then
        new Change(String.valueOf(changes)).commit();
    }

    /** One pull request, from its first commit to its merge or close. */
    private final class Change {
        final String number;
        final int planned = 1 + random.nextInt(5);
        final boolean closes = chance(0.1);
        final boolean needsQa = chance(0.25);
        final List<String> commits = new ArrayList<>(5);
        String head;
        String environment;
        boolean environmentReady;
        boolean deleteWhenReady;
        boolean reviewStarted;
        boolean reworked;
        boolean reviewPassed;
        boolean ciRunning;
        boolean ciAgain;
        int ciRuns;
        boolean ciPassed;
        int securityRuns;
        boolean securityPassed;
        int qaRuns;
        boolean qaPassed;
        boolean merging;
        boolean done;

        Change(String number) {
            this.number = number;
        }

        void commit() {
            String sha = sha();
            ServiceHistory.this.commit(sha, List.of(head == null ? mainHead : head));
            commits.add(sha);
            head = sha;
            if (commits.size() < planned) {
                timeline.at(work(lognormal(40, 1.0, 3, 8 * 60)), this::commit);
            } else {
                timeline.at(work(lognormal(20, 1.0, 1, 4 * 60)), this::open);
            }
        }

        void open() {
            String title = VERBS[random.nextInt(VERBS.length)] + " " + SUBJECTS[random.nextInt(SUBJECTS.length)];
            emit(new ChangeOpened(id(), stamp(), service, number, head, commits, "main", title, url + number));
            queued(CODE_REVIEW, number);
            runCi();
            queued(SECURITY, number);
            timeline.at(machine(uniform(10, 40)), this::scanned);
            if (chance(0.25)) {
                timeline.at(machine(uniform(1, 5)), this::requestEnvironment);
            }
            if (closes && chance(0.5)) {
                timeline.at(work(lognormal(2 * 24 * 60, 0.8, 60, 14 * 24 * 60)), this::close);
            } else {
                timeline.at(work(lognormal(180, 1.1, 5, 5 * 24 * 60)), this::review);
            }
        }

        void runCi() {
            if (ciRunning) {
                ciAgain = true;
                return;
            }
            ciRunning = true;
            ciPassed = false;
            queued(CI, number);
            timeline.at(machine(uniform(0.5, 5)), () -> {
                started(CI, number);
                timeline.at(machine(uniform(4, 25)), this::ciFinished);
            });
        }

        void ciFinished() {
            boolean passed = chance(0.9) || ++ciRuns >= 3;
            finished(CI, number, passed);
            ciRunning = false;
            if (ciAgain) {
                ciAgain = false;
                runCi();
            } else if (passed) {
                ciPassed = true;
                maybeMerge();
            } else if (!done) {
                timeline.at(machine(uniform(5, 60)), this::runCi); // a flaky test: run it again
            }
        }

        /** The scanner reports only its verdict: a queue wait that ends with the finish. */
        void scanned() {
            boolean passed = chance(0.97) || ++securityRuns >= 2;
            finished(SECURITY, number, passed);
            if (passed) {
                securityPassed = true;
                maybeMerge();
            } else if (!done) {
                timeline.at(work(lognormal(180, 0.8, 20, 24 * 60)), () -> {
                    queued(SECURITY, number);
                    timeline.at(machine(uniform(10, 40)), this::scanned);
                });
            }
        }

        void review() {
            if (done) {
                return;
            }
            emit(new ChangeReviewed(id(), stamp(), service, number));
            started(CODE_REVIEW, number);
            reviewStarted = true;
            timeline.at(work(lognormal(45, 0.9, 5, 8 * 60)), this::decide);
        }

        void decide() {
            if (done) {
                return;
            }
            if (closes) {
                finished(CODE_REVIEW, number, false);
                timeline.at(work(lognormal(24 * 60, 0.8, 30, 7 * 24 * 60)), this::close);
            } else if (!reworked && commits.size() < 5 && chance(0.2)) {
                finished(CODE_REVIEW, number, false); // changes requested
                reworked = true;
                timeline.at(work(lognormal(120, 0.9, 10, 2 * 24 * 60)), this::rework);
            } else {
                if (!reworked && chance(0.5)) {
                    emit(new ChangeReviewed(id(), stamp(), service, number)); // a second reviewer
                }
                finished(CODE_REVIEW, number, true);
                reviewPassed = true;
                if (needsQa) {
                    requestQa();
                } else {
                    maybeMerge();
                }
            }
        }

        void rework() {
            String sha = sha();
            ServiceHistory.this.commit(sha, List.of(head));
            commits.add(sha);
            head = sha;
            runCi();
            queued(CODE_REVIEW, number);
            timeline.at(work(lognormal(90, 1.0, 5, 3 * 24 * 60)), this::review);
        }

        void requestQa() {
            queued(QA, number);
            timeline.at(work(lognormal(240, 1.0, 10, 3 * 24 * 60)), () -> {
                started(QA, number);
                timeline.at(work(lognormal(60, 0.8, 10, 6 * 60)), () -> {
                    boolean passed = chance(0.9) || ++qaRuns >= 2;
                    finished(QA, number, passed);
                    if (passed) {
                        qaPassed = true;
                        maybeMerge();
                    } else {
                        timeline.at(work(lognormal(24 * 60, 0.6, 60, 5 * 24 * 60)), this::requestQa);
                    }
                });
            });
        }

        void maybeMerge() {
            if (!done && !merging && reviewPassed && ciPassed && securityPassed && (!needsQa || qaPassed)) {
                merging = true;
                timeline.at(work(lognormal(20, 1.0, 1, 4 * 60)), this::merge);
            }
        }

        void merge() {
            done = true;
            String merge = sha();
            ServiceHistory.this.commit(merge, List.of(mainHead, head));
            emit(new ChangeMerged(id(), stamp(), service, number, merge, commits));
            mainHead = merge;
            build(merge, ++mainIndex);
            deleteEnvironment();
        }

        void close() {
            if (done) {
                return;
            }
            done = true;
            if (!reviewStarted && chance(0.5)) {
                finished(CODE_REVIEW, number, false);
            } // else the review request stays behind, to be abandoned
            emit(new ChangeClosed(id(), stamp(), service, number));
            deleteEnvironment();
        }

        void requestEnvironment() {
            environment = "pr-" + number;
            emit(new EnvironmentRequested(id(), stamp(), service, environment, environmentKind, number));
            if (chance(0.97)) { // else it never comes up, and the change waits at the environment gate for good
                timeline.at(machine(lognormal(8, 0.6, 2, 45)), () -> {
                    emit(new EnvironmentReady(id(), stamp(), service, environment, environmentKind, number));
                    environmentReady = true;
                    if (deleteWhenReady) {
                        deleteEnvironment();
                    }
                });
            }
        }

        void deleteEnvironment() {
            if (environment == null) {
                return;
            }
            if (!environmentReady) {
                deleteWhenReady = true;
                return;
            }
            timeline.at(machine(uniform(5, 120)), () ->
                    emit(new EnvironmentDeleted(id(), stamp(), service, environment, environmentKind, number)));
        }
    }

    // ---- the main line and its deployments ----

    private void build(String sha, int index) {
        queued(BUILD, sha);
        timeline.at(machine(uniform(0, 3)), () -> {
            started(BUILD, sha);
            timeline.at(machine(uniform(5, 15)), () -> {
                boolean passed = chance(0.95);
                finished(BUILD, sha, passed);
                if (passed) {
                    promote(environments[0], sha, index, false);
                }
            });
        });
    }

    private void nextSlot(Slot slot, long after) {
        long base = hours.next(after, slot.weekdays(), slot.timeOfDay());
        timeline.at(base + uniform(-40, 40), () -> {
            release(environments[slot.environment()]);
            nextSlot(slot, base);
        });
    }

    private void release(Environment environment) {
        if (environment.busy) {
            return;
        }
        Environment before = environments[environment.position - 1];
        if (before.sha != null && before.index > environment.highWater) {
            promote(environment, before.sha, before.index, false);
        } else if (environment.sha != null
                && chance(DEPLOY_GATES.get(environment.position).redeploys() * Math.min(1, scale))) {
            promote(environment, environment.sha, environment.index, true);
        }
    }

    /**
     * Deploys {@code sha} to {@code environment} once the gate in front of it passes; the item is the deployment.
     * A redeploy deploys what already runs there.
     */
    private void promote(Environment environment, String sha, int index, boolean redeploy) {
        DeployGate gate = DEPLOY_GATES.get(environment.position);
        if (environment.position > 0) {
            environment.busy = true; // dev takes every build as it comes; the others one release at a time
        }
        String deployment = id();
        queued(gate.name(), deployment);
        long waited = lognormal(gate.waitMinutes(), 1.0, 0.5, 4 * 24 * 60);
        timeline.at(gate.human() ? work(waited) : machine(waited), () -> {
            started(gate.name(), deployment);
            long worked = lognormal(gate.workMinutes(), 0.7, 1, 8 * 60);
            timeline.at(gate.human() ? work(worked) : machine(worked), () -> {
                boolean passed = chance(gate.passes());
                finished(gate.name(), deployment, passed);
                if (passed) {
                    timeline.at(machine(uniform(2, 15)), () -> deploy(environment, sha, index, deployment, 1,
                            redeploy));
                } else {
                    environment.busy = false; // the next slot tries again
                }
            });
        });
    }

    private void deploy(Environment environment, String sha, int index, String deployment, int attempt,
            boolean redeploy) {
        if (redeploy ? !sha.equals(environment.sha) : index <= environment.highWater) {
            environment.busy = false; // a newer build got there first, or a rollback came in between
            return;
        }
        boolean success = chance(DEPLOY_GATES.get(environment.position).deploys()) || attempt >= 3;
        emitDeployment(deployment, environment, sha, success, false);
        if (!success) {
            timeline.at(machine(uniform(15, 90)), () -> deploy(environment, sha, index, id(), attempt + 1,
                    redeploy));
            return;
        }
        environment.busy = false;
        if (redeploy) {
            return;
        }
        if (environment.sha != null) {
            environment.previousSha = environment.sha;
            environment.previousIndex = environment.index;
        }
        environment.sha = sha;
        environment.index = index;
        environment.highWater = index;
        if (environment.position == environments.length - 1 && environment.previousSha != null
                && chance(ROLLBACK)) {
            badRelease(environment, sha);
        }
    }

    /**
     * A production release that goes wrong: rolled back within hours, usually after someone opened an incident that
     * names the release's sha and resolved once the rollback is out. The environment keeps its high-water mark, so
     * the next release waits for a newer merge instead of redeploying the bad one.
     */
    private void badRelease(Environment environment, String sha) {
        long rollbackAt = machine(lognormal(45, 0.8, 10, 6 * 60));
        if (chance(0.6)) {
            String incident = "INC-" + ++incidents;
            long openedAt = now() + (long) ((rollbackAt - now()) * (0.2 + 0.5 * random.nextDouble()));
            timeline.at(openedAt, () -> emit(new IncidentOpened(id(), stamp(), service, incident, environment.name,
                    sha)));
            timeline.at(rollbackAt + uniform(5, 30), () ->
                    emit(new IncidentResolved(id(), stamp(), service, incident, environment.name, sha)));
        }
        timeline.at(rollbackAt, () -> {
            if (sha.equals(environment.sha) && !environment.busy && environment.previousSha != null) {
                emitDeployment(id(), environment, environment.previousSha, true, true);
                environment.sha = environment.previousSha;
                environment.index = environment.previousIndex;
                environment.previousSha = null;
            }
        });
    }

    // ---- incidents ----

    private void incident() {
        timeline.at(now() + arrival(INCIDENTS_PER_YEAR * scale, 365.0 * DAY), this::incident);
        String incident = "INC-" + ++incidents;
        Environment production = environments[environments.length - 1];
        String environment;
        String sha = "";
        double where = random.nextDouble();
        if (where < 0.6) {
            // Not production, so attributed to nothing: staging most often, then qa and test.
            environment = environments[where < 0.3 ? 3 : where < 0.48 ? 2 : 1].name;
        } else if (where < 0.65) {
            environment = ""; // the pager does not say: taken as production
        } else {
            environment = production.name;
            if (production.sha != null && chance(0.5)) {
                sha = production.sha;
            }
        }
        emit(new IncidentOpened(id(), stamp(), service, incident, environment, sha));
        String named = sha;
        timeline.at(machine(lognormal(90, 1.2, 5, 4 * 24 * 60)), () ->
                emit(new IncidentResolved(id(), stamp(), service, incident, environment, named)));
    }

    // ---- events ----

    private void commit(String sha, List<String> parents) {
        emit(new CommitRecorded(id(), stamp(), service, sha, parents));
    }

    private void queued(String gate, String item) {
        emit(new GateQueued(id(), stamp(), service, gate, item));
    }

    private void started(String gate, String item) {
        emit(new GateStarted(id(), stamp(), service, gate, item));
    }

    private void finished(String gate, String item, boolean passed) {
        emit(new GateFinished(id(), stamp(), service, gate, item, passed ? GateOutcome.PASSED : GateOutcome.FAILED));
    }

    private void emitDeployment(String id, Environment environment, String sha, boolean success, boolean rollback) {
        emit(new DeploymentFinished(id, stamp(), service, environment.name, sha,
                success ? DeploymentStatus.SUCCESS : DeploymentStatus.FAILURE, List.of(), rollback));
    }

    /**
     * Each event one second after the one before at least, so a service's events never share a time; one that
     * would fall after the end is dropped (the history stops mid-flight, as a real one does at "now").
     */
    private Instant stamp() {
        long at = Math.max(now(), lastEmitted + 1000);
        lastEmitted = at;
        return Instant.ofEpochMilli(at);
    }

    private void emit(DeliveryEvent event) {
        if (event.time().toEpochMilli() <= endMillis) {
            ready.addLast(event);
        }
    }

    private String id() {
        return idPrefix + ++events;
    }

    /** A 40-hex-digit commit id from the service's seed and a counter: unique in practice, and reproducible. */
    private String sha() {
        long n = ++shas;
        long a = mix(shaSeed + n * 0x9E3779B97F4A7C15L);
        long b = mix(a ^ 0xD6E8FEB86659FD93L);
        long c = mix(b ^ 0xA0761D6478BD642FL);
        char[] hex = new char[40];
        put(hex, 0, a, 16);
        put(hex, 16, b, 16);
        put(hex, 32, c, 8);
        return new String(hex);
    }

    private static void put(char[] hex, int at, long value, int digits) {
        for (int i = 0; i < digits; i++) {
            hex[at + i] = Character.forDigit((int) (value >>> (60 - 4 * i)) & 0xF, 16);
        }
    }

    /** SplitMix64's finaliser: spreads seeds and counters over all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- time and chance ----

    private long now() {
        return timeline.now();
    }

    private long work(long millis) {
        return hours.after(now(), millis);
    }

    private long machine(long millis) {
        return now() + millis;
    }

    /** The wait until the next of a Poisson process with {@code perPeriod} arrivals per {@code periodMillis}. */
    private long arrival(double perPeriod, double periodMillis) {
        return (long) (-Math.log(1 - random.nextDouble()) * periodMillis / perPeriod);
    }

    /** A duration around a median, with the long right tail human waits have, clamped to {@code [min, max]}. */
    private long lognormal(double medianMinutes, double sigma, double minMinutes, double maxMinutes) {
        double minutes = medianMinutes * Math.exp(sigma * random.nextGaussian());
        return (long) (Math.min(maxMinutes, Math.max(minMinutes, minutes)) * MINUTE);
    }

    private long uniform(double minMinutes, double maxMinutes) {
        return (long) ((minMinutes + random.nextDouble() * (maxMinutes - minMinutes)) * MINUTE);
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }
}
