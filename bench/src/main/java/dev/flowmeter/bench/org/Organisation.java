package dev.flowmeter.bench.org;

import dev.flowmeter.events.DeliveryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A synthetic organisation: teams of services, each with a year of commits, pull requests with reviews and gates,
 * builds, test environments, deployments through five environments, failures, rollbacks and incidents (see
 * {@link ServiceHistory} for the model). The benchmarks need a history that exercises every part of the topology
 * (lead time through a real commit graph, gate waits, DORA classification, value-stream journeys) at a realistic
 * mix and size, the same on every run: the events are a pure function of the constructor's arguments.
 *
 * <p>Nothing is held but what is in flight: {@link #events()} simulates all services side by side and hands out
 * their events merged by event time, so a thousand services of five thousand events each stream through a small
 * heap.
 */
public final class Organisation {

    /** Environments every service deploys to, in promotion order: dev, test, qa, staging, production. */
    public static final int ENVIRONMENTS = 5;
    /**
     * Gates every service's items wait at: code-review, ci, security, qa, build, smoke-test:dev,
     * integration-test:test, qa-signoff:qa, approval:staging and change-approval:production (the topology adds
     * {@code environment} for changes waiting for a preview environment).
     */
    public static final int GATES = 10;

    /** The events a service has in a year at scale 1, which {@link ServiceHistory}'s rates are tuned to. */
    static final int REFERENCE_EVENTS_PER_YEAR = 5_000;
    static final int SERVICES_PER_TEAM = 8;
    /** Team offsets from UTC: the organisation spans the Americas, Europe and Asia, so no hour of the day is quiet. */
    private static final int[] UTC_OFFSETS = {-8, -5, -3, 0, 1, 2, 5, 8};
    private static final Duration YEAR = Duration.ofDays(365);

    private final long seed;
    private final int services;
    private final Instant end;
    private final Duration span;
    private final double scale;
    private final List<String> names;

    /**
     * @param seed             the same seed gives the same events, id for id
     * @param services         how many
     * @param eventsPerService approximate target per service over the whole span
     * @param end              the newest event time: no event is later
     * @param span             how far back the history starts (a year is what the rates are tuned for)
     */
    public Organisation(long seed, int services, int eventsPerService, Instant end, Duration span) {
        if (services < 1) {
            throw new IllegalArgumentException("services must be at least 1, was " + services);
        }
        if (eventsPerService < 1) {
            throw new IllegalArgumentException("eventsPerService must be at least 1, was " + eventsPerService);
        }
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(span, "span");
        if (span.isNegative() || span.isZero()) {
            throw new IllegalArgumentException("span must be positive, was " + span);
        }
        if (end.minus(span).isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("end minus span must not be before 1970, the earliest event time");
        }
        this.seed = seed;
        this.services = services;
        this.end = end;
        this.span = span;
        // Rates are per year: a shorter span with the same target is a busier service.
        this.scale = (double) eventsPerService / REFERENCE_EVENTS_PER_YEAR * YEAR.toMillis() / span.toMillis();
        List<String> list = new ArrayList<>(services);
        int teamDigits = Math.max(2, String.valueOf((services - 1) / SERVICES_PER_TEAM).length());
        int serviceDigits = Math.max(4, String.valueOf(services - 1).length());
        for (int i = 0; i < services; i++) {
            list.add(String.format("org/team-%0" + teamDigits + "d/service-%0" + serviceDigits + "d",
                    i / SERVICES_PER_TEAM, i));
        }
        this.names = List.copyOf(list);
    }

    /** Service names, {@code org/team-07/service-0123}: eight services a team, each team in its own time zone. */
    public List<String> serviceNames() {
        return names;
    }

    /**
     * All events, generated as they are taken: per service in strictly increasing event time, services merged by
     * event time (ties in service order). Each call starts again from the beginning and yields the same sequence.
     */
    public Iterator<DeliveryEvent> events() {
        return new Merged();
    }

    private ServiceHistory history(int index) {
        int team = index / SERVICES_PER_TEAM;
        int offset = UTC_OFFSETS[(int) Math.floorMod(ServiceHistory.mix(seed + team), (long) UTC_OFFSETS.length)];
        return new ServiceHistory(seed, index, names.get(index), offset, end.minus(span).toEpochMilli(),
                end.toEpochMilli(), scale);
    }

    /** The services' histories merged by the time of their next event. */
    private final class Merged implements Iterator<DeliveryEvent> {

        private record Head(DeliveryEvent event, int index, ServiceHistory history) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparing((Head h) -> h.event().time()).thenComparingInt(Head::index));

        Merged() {
            for (int i = 0; i < services; i++) {
                ServiceHistory history = history(i);
                DeliveryEvent first = history.next();
                if (first != null) {
                    heads.add(new Head(first, i, history));
                }
            }
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        @Override
        public DeliveryEvent next() {
            Head head = heads.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            DeliveryEvent following = head.history().next();
            if (following != null) {
                heads.add(new Head(following, head.index(), head.history()));
            }
            return head.event();
        }
    }
}
