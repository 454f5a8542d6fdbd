package dev.flowmeter.bench.micro;

import dev.flowmeter.events.CommitRecorded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A synthetic commit history of one service, grown in rounds and reported as {@code commit} events the way a
 * source would, parents before children. Two shapes, because the lead-time walk does different work on them:
 * <ul>
 *   <li>{@link Shape#LINEAR}: one branch, each commit with one parent; the walk is a long chain.</li>
 *   <li>{@link Shape#BRANCHY}: in each round {@value #BRANCHES} branches fork from the main line's head, take
 *   {@value #BRANCH_COMMITS} commits each (interleaved in time, as parallel work is), and are merged into the main
 *   line one after the other; a merge commit has two parents. A merge every few commits, several branches open at
 *   once, so the walk meets many merges and reaches some commits twice.</li>
 * </ul>
 * A round is {@value #ROUND} commits in either shape, so that "ships one round" means the same number of commits for
 * both. Shas are random-looking but fixed per position, so every run builds the same graph.
 */
final class CommitGraph {

    enum Shape { LINEAR, BRANCHY }

    static final int BRANCHES = 4;
    static final int BRANCH_COMMITS = 3;
    /** Commits per round: the branch commits and one merge per branch. */
    static final int ROUND = BRANCHES * BRANCH_COMMITS + BRANCHES;

    private static final Duration COMMIT_INTERVAL = Duration.ofMinutes(1);

    private final Shape shape;
    private final String service;
    private final Consumer<CommitRecorded> sink;
    private Instant clock;
    private long made;
    private String head;

    /**
     * @param start the time of the first commit; each next commit is a minute later
     * @param sink  where each commit event goes, in the order a source would report them
     */
    CommitGraph(Shape shape, String service, Instant start, Consumer<CommitRecorded> sink) {
        this.shape = shape;
        this.service = service;
        this.clock = start;
        this.sink = sink;
    }

    /** Grows the history by at least {@code commits} commits, in whole rounds; returns the main line's head. */
    String grow(int commits) {
        while (commits > 0) {
            round();
            commits -= ROUND;
        }
        return head;
    }

    /** The main line's head: what a deployment of the service's default branch deploys. */
    String head() {
        return head;
    }

    /** The time of the newest commit. */
    Instant latest() {
        return clock;
    }

    /** How many commits were made so far. */
    long size() {
        return made;
    }

    private void round() {
        if (shape == Shape.LINEAR) {
            for (int i = 0; i < ROUND; i++) {
                head = commit(head);
            }
            return;
        }
        List<String> branches = new ArrayList<>(BRANCHES);
        for (int b = 0; b < BRANCHES; b++) {
            branches.add(head);
        }
        for (int c = 0; c < BRANCH_COMMITS; c++) {
            for (int b = 0; b < BRANCHES; b++) {
                branches.set(b, commit(branches.get(b)));
            }
        }
        for (String branch : branches) {
            head = commit(head, branch);
        }
    }

    /** Makes one commit with the given parents (null parents are left out: the root has none). */
    private String commit(String... parents) {
        String sha = sha(service, made);
        List<String> known = new ArrayList<>(parents.length);
        for (String parent : parents) {
            if (parent != null) {
                known.add(parent);
            }
        }
        clock = clock.plus(COMMIT_INTERVAL);
        sink.accept(new CommitRecorded(service + "-commit-" + made, clock, service, sha, known));
        made++;
        return sha;
    }

    /** A 40-digit lowercase hex sha, the same for the same service and position in every run. */
    static String sha(String service, long position) {
        SplittableRandom random = new SplittableRandom(service.hashCode() * 0x9E3779B97F4A7C15L + position);
        return String.format(Locale.ROOT, "%016x%016x%08x", random.nextLong(), random.nextLong(), random.nextInt());
    }
}
