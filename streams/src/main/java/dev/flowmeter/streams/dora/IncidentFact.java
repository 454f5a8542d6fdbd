package dev.flowmeter.streams.dora;

/**
 * One incident as its events have described it so far, stored under {@code service|incident}. Its events may come in
 * any order and more than once, so each field is merged in a way that does not depend on the order: the earliest
 * opening, the latest opening (a reopened incident opens again), the latest resolution, and for the environment and
 * sha the first non-empty value in text order (sources send one value for an incident).
 *
 * @param openedAt the earliest {@code incident.opened}, epoch millis; {@code null} until one has come
 * @param lastOpenedAt the latest {@code incident.opened}; an incident resolved before it is open again
 * @param resolvedAt the latest {@code incident.resolved}; {@code null} while none has come
 * @param environment empty when no event said
 * @param sha the revision at fault; empty when no event said
 */
public record IncidentFact(Long openedAt, Long lastOpenedAt, Long resolvedAt, String environment, String sha) {

    public IncidentFact {
        environment = environment == null ? "" : environment;
        sha = sha == null ? "" : sha;
    }

    static IncidentFact opened(long at, String environment, String sha) {
        return new IncidentFact(at, at, null, environment, sha);
    }

    static IncidentFact resolved(long at, String environment, String sha) {
        return new IncidentFact(null, null, at, environment, sha);
    }

    /** Both descriptions in one, the same whichever came first. */
    IncidentFact merge(IncidentFact other) {
        return new IncidentFact(min(openedAt, other.openedAt), max(lastOpenedAt, other.lastOpenedAt),
                max(resolvedAt, other.resolvedAt), first(environment, other.environment), first(sha, other.sha));
    }

    /** Open: opened, and not resolved after its latest opening. */
    boolean open() {
        return openedAt != null && (resolvedAt == null || lastOpenedAt > resolvedAt);
    }

    /** The latest event time it holds, which is what the retention ages. */
    long latestMillis() {
        return Math.max(lastOpenedAt == null ? 0 : lastOpenedAt, resolvedAt == null ? 0 : resolvedAt);
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    private static String first(String a, String b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.compareTo(b) <= 0 ? a : b;
    }
}
