package dev.flowmeter.streams.dora;

import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.state.StoreLookup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the {@link DeliveryLedger} this process holds into {@link History} values and computes the keys from them.
 * Only the partitions assigned to this process are read: a service's whole history is in one partition, so a
 * per-service answer is complete wherever that partition is.
 */
public final class DoraQuery {

    /** The window of one point of a trend. */
    public static final Duration WEEK = Duration.ofDays(7);

    private static final StringSerializer PREFIX = new StringSerializer();

    private final StoreLookup stores;
    private final Clock clock;
    private final DoraSettings settings;

    public DoraQuery(StoreLookup stores, Clock clock, DoraSettings settings) {
        this.stores = stores;
        this.clock = clock;
        this.settings = settings;
    }

    public DoraSettings settings() {
        return settings;
    }

    /** The histories of the local services {@code services} accepts, by service name. */
    public Map<String, History> histories(Predicate<String> services) {
        Map<String, Builder> builders = new TreeMap<>();
        read(DeliveryLedger.DEPLOYMENTS_STORE, null, (String key, DeploymentFact fact) -> {
            String[] parts = StoreKey.split(key, 4);
            if (parts.length == 4 && services.test(parts[0])) {
                builders.computeIfAbsent(parts[0], Builder::new).deployments.add(new History.Deployment(parts[1],
                        Long.parseLong(parts[2]), parts[3], fact.sha(), fact.success(), fact.rollback(),
                        fact.commits()));
            }
        });
        read(DeliveryLedger.SHIPPED_STORE, null, (String key, Long committedAt) -> {
            String[] parts = StoreKey.split(key, 4);
            if (parts.length == 4 && services.test(parts[0])) {
                builders.computeIfAbsent(parts[0], Builder::new).shipped.add(new History.Shipped(parts[1],
                        Long.parseLong(parts[2]), parts[3], committedAt));
            }
        });
        read(DeliveryLedger.INCIDENTS_STORE, null, (String key, IncidentFact fact) -> {
            String[] parts = StoreKey.split(key, 2);
            if (parts.length == 2 && services.test(parts[0])) {
                builders.computeIfAbsent(parts[0], Builder::new).incidents.add(incident(parts[1], fact));
            }
        });
        Map<String, History> histories = new TreeMap<>();
        builders.forEach((service, builder) -> histories.put(service, builder.build()));
        return histories;
    }

    /** The history of one service; empty when this process holds nothing of it. */
    public History history(String service) {
        Builder builder = new Builder(service);
        String prefix = service + StoreKey.SEPARATOR;
        read(DeliveryLedger.DEPLOYMENTS_STORE, prefix, (String key, DeploymentFact fact) -> {
            String[] parts = StoreKey.split(key, 4);
            builder.deployments.add(new History.Deployment(parts[1], Long.parseLong(parts[2]), parts[3], fact.sha(),
                    fact.success(), fact.rollback(), fact.commits()));
        });
        read(DeliveryLedger.SHIPPED_STORE, prefix, (String key, Long committedAt) -> {
            String[] parts = StoreKey.split(key, 4);
            builder.shipped.add(new History.Shipped(parts[1], Long.parseLong(parts[2]), parts[3], committedAt));
        });
        read(DeliveryLedger.INCIDENTS_STORE, prefix, (String key, IncidentFact fact) ->
                builder.incidents.add(incident(StoreKey.split(key, 2)[1], fact)));
        return builder.build();
    }

    /** The keys of {@code histories} over the window ending now, for production or for {@code environment}. */
    public DoraKeys.Report report(List<History> histories, String environment, Duration window) {
        return DoraKeys.compute(histories, settings.environments(environment), window, clock.instant(),
                clock.instant(), settings.bands());
    }

    /**
     * The keys of {@code histories} over {@code weeks} consecutive 7-day windows, oldest first, the last ending now:
     * week {@code i} ends {@code weeks - 1 - i} weeks before now. The clock is read once, so the windows meet
     * without gap or overlap and every age is measured at the same instant; now is cut to the millisecond, the
     * ledger's precision, so that each week's {@code from} is exactly the week before's {@code to}.
     */
    public List<DoraKeys.Report> weekly(List<History> histories, String environment, int weeks) {
        if (weeks < 1) {
            throw new IllegalArgumentException("weeks must be at least 1, got " + weeks);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Predicate<String> production = settings.environments(environment);
        List<DoraKeys.Report> reports = new ArrayList<>(weeks);
        for (int i = 0; i < weeks; i++) {
            Instant to = now.minus(WEEK.multipliedBy(weeks - 1L - i));
            reports.add(DoraKeys.compute(histories, production, WEEK, to, now, settings.bands()));
        }
        return reports;
    }

    private static History.Incident incident(String id, IncidentFact fact) {
        return new History.Incident(id, fact.openedAt(), fact.open() ? null : fact.resolvedAt(), fact.environment(),
                fact.sha());
    }

    private <V> void read(String storeName, String prefix, BiConsumer<String, V> each) {
        ReadOnlyKeyValueStore<String, V> store = stores.store(storeName);
        try (KeyValueIterator<String, V> entries = prefix == null ? store.all() : store.prefixScan(prefix, PREFIX)) {
            while (entries.hasNext()) {
                KeyValue<String, V> entry = entries.next();
                each.accept(entry.key, entry.value);
            }
        }
    }

    private static final class Builder {

        private final String service;
        private final List<History.Deployment> deployments = new ArrayList<>();
        private final List<History.Shipped> shipped = new ArrayList<>();
        private final List<History.Incident> incidents = new ArrayList<>();

        Builder(String service) {
            this.service = service;
        }

        History build() {
            return new History(service, deployments, shipped, incidents);
        }
    }
}
