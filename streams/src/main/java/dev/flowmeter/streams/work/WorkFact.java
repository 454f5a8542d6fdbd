package dev.flowmeter.streams.work;

import dev.flowmeter.events.WorkItemChanged;

/**
 * What the service partitions tell an item's partition, on the work-facts repartition topic keyed by the item: a
 * change of the item itself ({@link Fact#CHANGED}, from a {@code work.*} event), one of its commits found
 * ({@link Fact#LINKED}), or one of its commits shipped to production for the first time ({@link Fact#SHIPPED}).
 *
 * @param service the service the fact comes from: the item's own service for {@code CHANGED}, the commit's for the
 *     others
 * @param time when it happened (event time, epoch milliseconds): the event's time, the commit's, the deployment's
 * @param type the {@code work.*} wire type, for {@code CHANGED}; empty otherwise
 * @param sha the commit, for {@code LINKED} and {@code SHIPPED}; empty otherwise
 */
public record WorkFact(Fact fact, String service, String item, long time, String type, String kind, String title,
        String url, String release, String sha) {

    /** What a fact says. */
    public enum Fact {
        CHANGED, LINKED, SHIPPED
    }

    static WorkFact changed(WorkItemChanged event) {
        return new WorkFact(Fact.CHANGED, event.service(), event.item(), event.time().toEpochMilli(),
                event.type().wireName(), event.kind().wireName(), event.title(), event.url(), event.release(), "");
    }

    static WorkFact linked(String service, String item, String sha, long committedAt) {
        return new WorkFact(Fact.LINKED, service, item, committedAt, "", "", "", "", "", sha);
    }

    static WorkFact shipped(String service, String item, String sha, long deployedAt) {
        return new WorkFact(Fact.SHIPPED, service, item, deployedAt, "", "", "", "", "", sha);
    }

    /**
     * The item's identity, the repartition key: a tracker's key is one item wherever it is named, an issue of a
     * repository ({@code #42}) is one item per service.
     */
    static String identity(String service, String item) {
        return item.startsWith("#") ? service + item : item;
    }
}
