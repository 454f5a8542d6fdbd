package dev.flowmeter.streams.metrics;

import dev.flowmeter.streams.dora.Classifier;
import dev.flowmeter.streams.dora.DoraQuery;
import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.dora.History;
import dev.flowmeter.streams.dora.Teams;
import dev.flowmeter.streams.forecast.Calibration;
import dev.flowmeter.streams.forecast.ForecastSettings;
import dev.flowmeter.streams.forecast.MonteCarlo;
import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.state.StateChanges;
import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.state.StoreLookup;
import dev.flowmeter.streams.valuestream.EnvironmentFact;
import dev.flowmeter.streams.valuestream.Facts;
import dev.flowmeter.streams.valuestream.Journey;
import dev.flowmeter.streams.valuestream.Journeys;
import dev.flowmeter.streams.valuestream.Pending;
import dev.flowmeter.streams.valuestream.ValueStream;
import dev.flowmeter.streams.valuestream.ValueStreamQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the metric state stores and turns them into a {@link MetricsSnapshot}. Values of the same series from
 * several partitions are added up. The only wall-clock input is the age of waiting gate items, measured at read time:
 * the oldest wait, and how many have waited longer than their gate's limit.
 */
public final class MetricsQuery {

    private static final Map<String, Metric> BY_NAME = Arrays.stream(Metric.values())
            .collect(Collectors.toMap(Metric::prometheusName, Function.identity()));

    private final StoreLookup stores;
    private final Clock clock;
    private final GateLimits limits;
    private final DoraSettings dora;
    private final ForecastSettings forecasts;
    private final Teams teams;
    /** Told of every write to the stores the derived series come from; null: work them all out at each scrape. */
    private final StateChanges changes;
    private final Object cacheLock = new Object();
    private Map<String, ServiceSeries> cached;
    private long cachedGeneration = -1;
    private long cachedSequence;
    private final AtomicLong servicesWorkedOut = new AtomicLong();

    /** A query with no gate limits: nothing counts as stalled. */
    public MetricsQuery(StoreLookup stores, Clock clock) {
        this(stores, clock, GateLimits.NONE);
    }

    /** @param limits the same gate limits the topology runs with */
    public MetricsQuery(StoreLookup stores, Clock clock, GateLimits limits) {
        this(stores, clock, limits, DoraSettings.DEFAULTS, Teams.NONE);
    }

    /**
     * @param limits the same gate limits the topology runs with
     * @param dora which environments are production, for the failure, recovery and rework series
     * @param teams the team of each service, for {@code flowmeter_service_info}
     */
    public MetricsQuery(StoreLookup stores, Clock clock, GateLimits limits, DoraSettings dora, Teams teams) {
        this(stores, clock, limits, dora, teams, null);
    }

    /**
     * @param changes the same tracker the topology was built with, so a scrape works out again only the series of
     *                services whose facts changed; null to work out every service at each scrape
     */
    public MetricsQuery(StoreLookup stores, Clock clock, GateLimits limits, DoraSettings dora, Teams teams,
            StateChanges changes) {
        this(stores, clock, limits, dora, teams, changes, ForecastSettings.DEFAULTS);
    }

    /** @param forecasts the window and minimum of history behind the forecasts the calibration series score */
    public MetricsQuery(StoreLookup stores, Clock clock, GateLimits limits, DoraSettings dora, Teams teams,
            StateChanges changes, ForecastSettings forecasts) {
        this.forecasts = forecasts;
        this.stores = stores;
        this.clock = clock;
        this.limits = limits;
        this.dora = dora;
        this.teams = teams;
        this.changes = changes;
    }

    public MetricsSnapshot snapshot() {
        boolean complete = true;
        // TreeMap: a stable series order makes the exposition easy to read and diff.
        Map<String, Aggregate> aggregates = new TreeMap<>();
        long now = clock.millis();
        Map<String, long[]> waiting = new TreeMap<>(); // service|gate -> {count, oldest queued-at, stalled}
        try {
            readAggregates(Aggregates.STORE, aggregates);
        } catch (InvalidStateStoreException e) {
            complete = false;
        }
        try {
            readAggregates(Aggregates.REJECTIONS_STORE, aggregates);
        } catch (InvalidStateStoreException e) {
            complete = false;
        }
        try {
            readAggregates(Aggregates.WORK_STORE, aggregates);
        } catch (InvalidStateStoreException e) {
            complete = false;
        }
        try {
            readWaiting(waiting, now);
        } catch (InvalidStateStoreException e) {
            complete = false;
        }

        List<MetricsSnapshot.Histogram> histograms = new ArrayList<>();
        List<MetricsSnapshot.Scalar> scalars = new ArrayList<>();
        Set<String> services = new TreeSet<>();
        try {
            addDerived(derived(), histograms, scalars, services, now);
        } catch (InvalidStateStoreException e) {
            complete = false;
        }
        Map<String, List<String>> gates = new TreeMap<>();
        for (Map.Entry<String, Aggregate> entry : aggregates.entrySet()) {
            String[] parts = entry.getKey().split("\\" + StoreKey.SEPARATOR, -1);
            Metric metric = BY_NAME.get(parts[0]);
            if (metric == null || parts.length != metric.labelNames().size() + 1) {
                continue; // a series of a metric this version no longer serves
            }
            List<String> labels = List.of(Arrays.copyOfRange(parts, 1, parts.length));
            if (!metric.labelNames().isEmpty() && metric.labelNames().get(0).equals("service")) {
                services.add(labels.get(0));
            }
            Aggregate value = entry.getValue();
            if (metric.kind() == Metric.Kind.HISTOGRAM) {
                histograms.add(histogram(metric, labels, value));
            } else {
                scalars.add(new MetricsSnapshot.Scalar(metric, labels, value.count()));
            }
            if (metric == Metric.GATE_QUEUE_WAIT || metric == Metric.GATE_DURATION
                    || metric == Metric.GATE_ABANDONED) {
                gates.put(StoreKey.of(labels.get(0), labels.get(1)), labels.subList(0, 2));
            }
        }
        for (String key : waiting.keySet()) {
            gates.put(key, List.of(StoreKey.split(key, 2)));
            services.add(StoreKey.split(key, 2)[0]);
        }
        for (String service : services) {
            scalars.add(new MetricsSnapshot.Scalar(Metric.SERVICE_INFO,
                    List.of(service, teams.teamOf(service).orElse("")), 1));
        }
        for (Map.Entry<String, List<String>> gate : gates.entrySet()) {
            long[] waitingAtGate = waiting.get(gate.getKey());
            long count = waitingAtGate == null ? 0 : waitingAtGate[0];
            double oldestSeconds = waitingAtGate == null ? 0 : Math.max(0, now - waitingAtGate[1]) / 1000.0;
            scalars.add(new MetricsSnapshot.Scalar(Metric.GATE_WAITING_ITEMS, gate.getValue(), count));
            scalars.add(new MetricsSnapshot.Scalar(Metric.GATE_OLDEST_WAIT, gate.getValue(), oldestSeconds));
            long stalled = waitingAtGate == null ? 0 : waitingAtGate[2];
            scalars.add(new MetricsSnapshot.Scalar(Metric.GATE_STALLED_ITEMS, gate.getValue(), stalled));
        }
        // Each configured limit, and the limit a served gate takes from another name (approval:staging from
        // approval, or from the default), so that every stalled series has its limit beside it.
        Map<String, Duration> served = new TreeMap<>(limits.asMap());
        for (List<String> gate : gates.values()) {
            String name = gate.get(1);
            if (!served.containsKey(name)) {
                limits.limitFor(name).ifPresent(limit -> served.put(name, limit));
            }
        }
        served.forEach((gate, limit) ->
                scalars.add(new MetricsSnapshot.Scalar(Metric.GATE_LIMIT, List.of(gate), limit.toMillis() / 1000.0)));
        return new MetricsSnapshot(histograms, scalars, complete);
    }

    /**
     * The series worked out from each service's facts, by service. With {@link StateChanges} the result of each
     * service is kept and worked out again only once a write to its facts was seen, or when anything may have
     * changed behind the writers' backs (a restore, a rebalance): what a scrape costs then grows with what changed
     * since the last one, not with the whole history held.
     */
    private Map<String, ServiceSeries> derived() {
        if (changes == null) {
            return computeAll();
        }
        synchronized (cacheLock) {
            long generation = changes.generation();
            long sequence = changes.sequence();
            try {
                if (cached == null || cachedGeneration != generation) {
                    cached = computeAll();
                } else {
                    ValueStreamQuery query = new ValueStreamQuery(stores, clock, dora);
                    DoraQuery ledger = new DoraQuery(stores, clock, dora);
                    for (String service : changes.changedAfter(cachedSequence).keySet()) {
                        History history = ledger.history(service);
                        ServiceSeries series = compute(service, history, query.facts(service, history));
                        if (series == null) {
                            cached.remove(service);
                        } else {
                            cached.put(service, series);
                        }
                    }
                }
            } catch (InvalidStateStoreException e) {
                cached = null;
                throw e;
            }
            cachedGeneration = generation;
            cachedSequence = sequence;
            return new TreeMap<>(cached);
        }
    }

    /** Every history is read once, with one scan per store, instead of a prefix scan per service; a fresh map. */
    private Map<String, ServiceSeries> computeAll() {
        Map<String, History> histories = new DoraQuery(stores, clock, dora).histories(service -> true);
        ValueStreamQuery query = new ValueStreamQuery(stores, clock, dora);
        Set<String> services = new TreeSet<>(histories.keySet());
        services.addAll(query.servicesWithChangesOrEnvironments());
        Map<String, ServiceSeries> all = new TreeMap<>();
        for (String service : services) {
            History history = histories.getOrDefault(service, new History(service, List.of(), List.of(), List.of()));
            ServiceSeries series = compute(service, history, query.facts(service, history));
            if (series != null) {
                all.put(service, series);
            }
        }
        return all;
    }

    /** How many times a service's derived series were worked out, over this query's life: what the cache saves. */
    public long servicesWorkedOut() {
        return servicesWorkedOut.get();
    }

    /** One service's part, or null when this process holds no history, change or environment of it. */
    private ServiceSeries compute(String service, History history, Facts facts) {
        servicesWorkedOut.incrementAndGet();
        boolean delivered = !history.deployments().isEmpty() || !history.shipped().isEmpty()
                || !history.incidents().isEmpty();
        if (!delivered && facts.changes().isEmpty() && facts.environments().isEmpty()) {
            return null;
        }
        ServiceSeries series = new ServiceSeries(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                List.copyOf(facts.environments().values()));
        if (delivered) {
            addDelivery(history, series);
        }
        addValueStream(service, facts, series);
        return series;
    }

    /**
     * The failure, recovery, rework and incident series, classified from the delivery ledger's whole history
     * (docs/metrics.md). A late event (a rollback, an incident naming an old sha) can move a deployment into or out
     * of the failures, so unlike the other counters these can also go down, as can every series once its facts
     * pass the retention.
     */
    private void addDelivery(History history, ServiceSeries series) {
        Predicate<String> production = dora.environments(null);
        String service = history.service();
        Classifier.Result result = Classifier.classify(history, production);
        Map<String, long[]> byEnvironment = new TreeMap<>(); // status, rollback, incident, rework, unrecovered
        Map<String, Aggregate> recovery = new TreeMap<>();
        for (Classifier.Classified deployment : result.deployments()) {
            String environment = deployment.deployment().environment();
            long[] counts = byEnvironment.computeIfAbsent(environment, e -> new long[5]);
            recovery.computeIfAbsent(environment, e -> Aggregate.empty(Metric.RECOVERY_TIME.buckets()));
            if (deployment.failed()) {
                counts[deployment.failure().ordinal()]++;
                if (deployment.recoveryMillis() == null) {
                    counts[4]++;
                } else {
                    recovery.merge(environment, Aggregate.empty(Metric.RECOVERY_TIME.buckets())
                            .plusObservation(Metric.RECOVERY_TIME.buckets(), deployment.recoveryMillis()),
                            Aggregate::plus);
                }
            }
            if (deployment.rework()) {
                counts[3]++;
            }
        }
        byEnvironment.forEach((environment, counts) -> {
            for (Classifier.Failure reason : Classifier.Failure.values()) {
                series.scalars().add(new MetricsSnapshot.Scalar(Metric.FAILED_DEPLOYMENTS,
                        List.of(service, environment, reason.label()), counts[reason.ordinal()]));
            }
            series.scalars().add(new MetricsSnapshot.Scalar(Metric.REWORK_DEPLOYMENTS, List.of(service, environment),
                    counts[3]));
            series.scalars().add(new MetricsSnapshot.Scalar(Metric.FAILURES_UNRECOVERED,
                    List.of(service, environment), counts[4]));
            series.histograms().add(histogram(Metric.RECOVERY_TIME, List.of(service, environment),
                    recovery.get(environment)));
        });
        long opened = history.incidents().stream().filter(i -> i.openedAt() != null).count();
        if (opened > 0) {
            series.scalars().add(new MetricsSnapshot.Scalar(Metric.INCIDENTS, List.of(service), opened));
            series.scalars().add(new MetricsSnapshot.Scalar(Metric.INCIDENTS_OPEN, List.of(service),
                    history.incidents().stream().filter(History.Incident::open).count()));
        }
    }

    /**
     * The value-stream series of one service, worked out from its changes' facts over the whole retention (as the
     * DORA series are): stages, hops, cycle time and flow efficiency of every change that reached production, and
     * what waits for each production environment. The age of the oldest waiting change depends on now, so only when
     * it became ready is kept.
     */
    private void addValueStream(String service, Facts facts, ServiceSeries series) {
        Predicate<String> production = dora.environments(null);
        Map<String, Journey> journeys = Journeys.of(facts, production);
        Map<String, Aggregate> stages = new TreeMap<>();
        Map<List<String>, Aggregate> hops = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        Aggregate cycle = Aggregate.empty(Metric.CYCLE_TIME.buckets());
        Aggregate efficiency = Aggregate.empty(Metric.FLOW_EFFICIENCY.buckets());
        for (Journey journey : journeys.values()) {
            if (journey.productionAt() == null) {
                continue;
            }
            journey.stages().forEach((stage, millis) -> stages.merge(stage, observation(Metric.STAGE_DURATION,
                    millis), Aggregate::plus));
            for (Journey.Hop hop : journey.hops()) {
                hops.merge(List.of(hop.from(), hop.to()), observation(Metric.ENVIRONMENT_HOP, hop.millis()),
                        Aggregate::plus);
            }
            if (journey.cycleMillis() != null) {
                cycle = cycle.plus(observation(Metric.CYCLE_TIME, journey.cycleMillis()));
            }
            if (journey.flowEfficiency() != null) {
                efficiency = efficiency.plus(observation(Metric.FLOW_EFFICIENCY,
                        Math.round(journey.flowEfficiency() * 1000)));
            }
        }
        List<MetricsSnapshot.Histogram> histograms = series.histograms();
        stages.forEach((stage, value) -> histograms.add(histogram(Metric.STAGE_DURATION, List.of(service, stage),
                value)));
        hops.forEach((key, value) -> histograms.add(histogram(Metric.ENVIRONMENT_HOP,
                List.of(service, key.get(0), key.get(1)), value)));
        if (cycle.count() > 0) {
            histograms.add(histogram(Metric.CYCLE_TIME, List.of(service), cycle));
        }
        if (efficiency.count() > 0) {
            histograms.add(histogram(Metric.FLOW_EFFICIENCY, List.of(service), efficiency));
        }
        Calibration.Score score = Calibration.of(service, journeys.values(), forecasts);
        if (score.scored() > 0) {
            series.scalars().add(new MetricsSnapshot.Scalar(Metric.FORECASTS_SCORED, List.of(service),
                    score.scored()));
            for (int i = 0; i < MonteCarlo.NAMES.size(); i++) {
                series.scalars().add(new MetricsSnapshot.Scalar(Metric.FORECAST_HITS,
                        List.of(service, MonteCarlo.NAMES.get(i)), score.hits()[i]));
            }
        }
        Set<String> targets = new TreeSet<>();
        facts.history().deployments().forEach(d -> {
            if (production.test(d.environment())) {
                targets.add(d.environment());
            }
        });
        for (String target : targets) {
            // The counts do not depend on the time given; the ages, which do, are worked out at each scrape.
            Pending.Answer pending = Pending.of(facts, journeys, target::equals, Instant.EPOCH);
            List<String> labels = List.of(service, target);
            series.scalars().add(new MetricsSnapshot.Scalar(Metric.UNDEPLOYED_CHANGES, labels,
                    pending.changes().size()));
            series.scalars().add(new MetricsSnapshot.Scalar(Metric.UNDEPLOYED_COMMITS, labels,
                    pending.commits().size()));
            series.pending().add(new OldestPending(labels, pending.changes().isEmpty() ? null
                    : pending.changes().get(0).readyAt().toEpochMilli()));
        }
    }

    /** Adds every service's part, with the ages as of {@code now} and the environments by kind over all services. */
    private static void addDerived(Map<String, ServiceSeries> derived, List<MetricsSnapshot.Histogram> histograms,
            List<MetricsSnapshot.Scalar> scalars, Set<String> services, long now) {
        Map<String, Aggregate> alive = new TreeMap<>();
        Map<String, Aggregate> provisioning = new TreeMap<>();
        Map<String, Aggregate> lifetime = new TreeMap<>();
        Map<String, Long> oldestReady = new TreeMap<>();
        derived.forEach((service, series) -> {
            services.add(service);
            histograms.addAll(series.histograms());
            scalars.addAll(series.scalars());
            for (OldestPending pending : series.pending()) {
                scalars.add(new MetricsSnapshot.Scalar(Metric.UNDEPLOYED_OLDEST_AGE, pending.labels(),
                        pending.readyAt() == null ? 0 : Math.max(0, now - pending.readyAt()) / 1000));
            }
            series.environments().forEach(environment -> {
                String kind = ValueStream.kindLabel(environment.kind());
                alive.merge(kind, Aggregate.empty(Buckets.NONE).plusCount(environment.alive() ? 1 : 0),
                        Aggregate::plus);
                if (environment.alive()) {
                    oldestReady.merge(kind, environment.readyAt(), Math::min);
                } else {
                    oldestReady.putIfAbsent(kind, null);
                }
                if (environment.readyAt() != null && environment.deletedAt() != null) {
                    lifetime.merge(kind, observation(Metric.ENVIRONMENT_LIFETIME,
                            Math.max(0, environment.deletedAt() - environment.readyAt())), Aggregate::plus);
                }
                if (environment.requestedAt() != null && environment.readyAt() != null) {
                    provisioning.merge(kind, observation(Metric.ENVIRONMENT_PROVISIONING,
                            Math.max(0, environment.readyAt() - environment.requestedAt())), Aggregate::plus);
                }
            });
        });
        alive.forEach((kind, value) -> scalars.add(new MetricsSnapshot.Scalar(Metric.ENVIRONMENTS_ALIVE,
                List.of(kind), value.count())));
        provisioning.forEach((kind, value) -> histograms.add(histogram(Metric.ENVIRONMENT_PROVISIONING,
                List.of(kind), value)));
        lifetime.forEach((kind, value) -> histograms.add(histogram(Metric.ENVIRONMENT_LIFETIME, List.of(kind),
                value)));
        oldestReady.forEach((kind, readyAt) -> scalars.add(new MetricsSnapshot.Scalar(Metric.ENVIRONMENT_OLDEST_AGE,
                List.of(kind), readyAt == null ? 0 : Math.max(0, now - readyAt) / 1000.0)));
    }

    /** One service's series, less the ages; {@code environments} are added up by kind over all services. */
    private record ServiceSeries(List<MetricsSnapshot.Histogram> histograms, List<MetricsSnapshot.Scalar> scalars,
            List<OldestPending> pending, List<EnvironmentFact> environments) {
    }

    /** When the oldest change waiting for a production environment became ready; null when none waits. */
    private record OldestPending(List<String> labels, Long readyAt) {
    }

    private static Aggregate observation(Metric metric, long storedValue) {
        return Aggregate.empty(metric.buckets()).plusObservation(metric.buckets(), storedValue);
    }

    private void readAggregates(String storeName, Map<String, Aggregate> into) {
        ReadOnlyKeyValueStore<String, Aggregate> store = stores.store(storeName);
        try (KeyValueIterator<String, Aggregate> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, Aggregate> entry = all.next();
                into.merge(entry.key, entry.value, Aggregate::plus);
            }
        }
    }

    /** Counts, per gate, the waiting items, the oldest queued time and the items waiting longer than the limit. */
    private void readWaiting(Map<String, long[]> into, long now) {
        ReadOnlyKeyValueStore<String, Long> store = stores.store(Gates.WAITING_STORE);
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                String[] parts = StoreKey.split(entry.key, 3);
                long[] stats = into.computeIfAbsent(StoreKey.of(parts[0], parts[1]),
                        k -> new long[] {0, Long.MAX_VALUE, 0});
                stats[0]++;
                stats[1] = Math.min(stats[1], entry.value);
                Duration limit = limits.limitFor(parts[1]).orElse(null);
                // The same rule as the topology's gate.stalled records: waited strictly longer than the limit.
                if (limit != null && now - entry.value > limit.toMillis()) {
                    stats[2]++;
                }
            }
        }
    }

    private static MetricsSnapshot.Histogram histogram(Metric metric, List<String> labels, Aggregate value) {
        long[] counts = value.buckets();
        long[] cumulative = new long[metric.buckets().size()];
        long running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += i < counts.length ? counts[i] : 0;
            cumulative[i] = running;
        }
        double sum = (double) value.sum() / metric.buckets().unitsPerExposedUnit();
        return new MetricsSnapshot.Histogram(metric, labels, cumulative, sum, value.count());
    }
}
