package dev.flowmeter.streams.valuestream;

/**
 * One change (pull or merge request) as its events have described it so far, stored under {@code service|change}.
 * Events may come in any order and more than once, so every field merges the same whatever the order: the earliest
 * opening (with the head, target, title and url it gave), the earliest review, the earliest merge (with the sha that
 * landed), the earliest close. Times are epoch milliseconds, {@code null} until the event has come; text fields are
 * empty until then.
 */
public record ChangeFact(Long openedAt, String head, String target, String title, String url, Long reviewedAt,
        Long mergedAt, String landed, Long closedAt) {

    public ChangeFact {
        head = head == null ? "" : head;
        target = target == null ? "" : target;
        title = title == null ? "" : title;
        url = url == null ? "" : url;
        landed = landed == null ? "" : landed;
    }

    static final ChangeFact NONE = new ChangeFact(null, "", "", "", "", null, null, "", null);

    ChangeFact opened(long at, String openedHead, String openedTarget, String openedTitle, String openedUrl) {
        if (openedAt != null && (openedAt < at || openedAt == at && head.compareTo(openedHead) <= 0)) {
            return this;
        }
        return new ChangeFact(at, openedHead, openedTarget, openedTitle, openedUrl, reviewedAt, mergedAt, landed,
                closedAt);
    }

    ChangeFact reviewed(long at) {
        return reviewedAt != null && reviewedAt <= at ? this
                : new ChangeFact(openedAt, head, target, title, url, at, mergedAt, landed, closedAt);
    }

    ChangeFact merged(long at, String sha) {
        if (mergedAt != null && (mergedAt < at || mergedAt == at && landed.compareTo(sha) <= 0)) {
            return this;
        }
        return new ChangeFact(openedAt, head, target, title, url, reviewedAt, at, sha, closedAt);
    }

    ChangeFact closed(long at) {
        return closedAt != null && closedAt <= at ? this
                : new ChangeFact(openedAt, head, target, title, url, reviewedAt, mergedAt, landed, at);
    }

    /** The latest time it holds, which is what the retention ages. */
    long latestMillis() {
        long latest = 0;
        for (Long time : new Long[] {openedAt, reviewedAt, mergedAt, closedAt}) {
            if (time != null) {
                latest = Math.max(latest, time);
            }
        }
        return latest;
    }
}
