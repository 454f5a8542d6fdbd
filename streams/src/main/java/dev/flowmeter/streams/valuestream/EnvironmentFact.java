package dev.flowmeter.streams.valuestream;

/**
 * One environment (a test, QA, staging or ephemeral one) of a service, stored under {@code service|environment}:
 * the earliest request, the earliest ready and the latest deletion, and the kind and change the first event that
 * said them gave (in text order when two said different things, so the order of arrival does not matter).
 */
public record EnvironmentFact(Long requestedAt, Long readyAt, Long deletedAt, String kind, String change) {

    public EnvironmentFact {
        kind = kind == null ? "" : kind;
        change = change == null ? "" : change;
    }

    static final EnvironmentFact NONE = new EnvironmentFact(null, null, null, "", "");

    EnvironmentFact requested(long at, String saidKind, String saidChange) {
        return new EnvironmentFact(min(requestedAt, at), readyAt, deletedAt, first(kind, saidKind),
                first(change, saidChange));
    }

    EnvironmentFact ready(long at, String saidKind, String saidChange) {
        return new EnvironmentFact(requestedAt, min(readyAt, at), deletedAt, first(kind, saidKind),
                first(change, saidChange));
    }

    EnvironmentFact deleted(long at, String saidKind, String saidChange) {
        return new EnvironmentFact(requestedAt, readyAt, deletedAt == null ? at : Math.max(deletedAt, at),
                first(kind, saidKind), first(change, saidChange));
    }

    /** Alive: ready and not deleted. */
    public boolean alive() {
        return readyAt != null && deletedAt == null;
    }

    long latestMillis() {
        long latest = 0;
        for (Long time : new Long[] {requestedAt, readyAt, deletedAt}) {
            if (time != null) {
                latest = Math.max(latest, time);
            }
        }
        return latest;
    }

    private static Long min(Long known, long at) {
        return known == null ? at : Math.min(known, at);
    }

    private static String first(String known, String said) {
        if (known.isEmpty()) {
            return said;
        }
        return said.isEmpty() || known.compareTo(said) <= 0 ? known : said;
    }
}
