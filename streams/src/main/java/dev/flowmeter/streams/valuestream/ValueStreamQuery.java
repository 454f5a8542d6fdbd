package dev.flowmeter.streams.valuestream;

import dev.flowmeter.streams.dora.DoraQuery;
import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.dora.History;
import dev.flowmeter.streams.gates.FinishedPass;
import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.leadtime.CommitNode;
import dev.flowmeter.streams.leadtime.LeadTime;
import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.state.StoreLookup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one service's value-stream facts from the stores this process holds: its changes and their commits, the
 * times of those commits, its delivery history and the finished gate passes of the items that matter.
 */
public final class ValueStreamQuery {

    private static final StringSerializer PREFIX = new StringSerializer();

    private final StoreLookup stores;
    private final DoraQuery dora;

    public ValueStreamQuery(StoreLookup stores, Clock clock, DoraSettings settings) {
        this.stores = stores;
        this.dora = new DoraQuery(stores, clock, settings);
    }

    public DoraSettings settings() {
        return dora.settings();
    }

    /** The facts of {@code service}, as far as this process holds them. */
    public Facts facts(String service) {
        return facts(service, dora.history(service));
    }

    /** The same, with the service's delivery history already read (a scrape reads every history once). */
    public Facts facts(String service, History history) {
        String prefix = service + StoreKey.SEPARATOR;
        Map<String, ChangeFact> changes = new TreeMap<>();
        this.<ChangeFact>scan(ValueStream.CHANGES_STORE, prefix, (key, fact) ->
                changes.put(StoreKey.unescape(key.substring(prefix.length())), fact));
        Map<String, Set<String>> commits = new TreeMap<>();
        this.<Long>scan(ValueStream.CHANGE_COMMITS_STORE, prefix, (key, at) -> {
            String[] parts = StoreKey.split(key, 3);
            commits.computeIfAbsent(StoreKey.unescape(parts[1]), c -> new TreeSet<>()).add(parts[2]);
        });
        ReadOnlyKeyValueStore<String, CommitNode> nodes = stores.store(LeadTime.NODES_STORE);
        Map<String, Long> times = new TreeMap<>();
        commits.values().forEach(shas -> shas.forEach(sha -> {
            CommitNode node = nodes.get(StoreKey.of(service, sha));
            if (node != null && !node.artifact()) {
                times.put(sha, node.timeMillis());
            }
        }));
        Map<String, List<Journey.Pass>> passes = new TreeMap<>();
        this.<FinishedPass>scan(Gates.PASSES_STORE, prefix, (key, pass) -> {
            String[] parts = StoreKey.split(key, 4); // service|item|gate|finished-at
            String item = StoreKey.unescape(parts[1]);
            passes.computeIfAbsent(item, i -> new ArrayList<>()).add(new Journey.Pass(parts[2], item,
                    pass.queuedAt(), pass.startedAt(), pass.finishedAt(), pass.outcome()));
        });
        Map<String, EnvironmentFact> environments = new TreeMap<>();
        this.<EnvironmentFact>scan(ValueStream.ENVIRONMENTS_STORE, prefix, (key, fact) ->
                environments.put(key.substring(prefix.length()), fact));
        return new Facts(service, changes, commits, times, history, passes, environments);
    }

    /** The services this process holds value-stream or delivery facts of. */
    public Set<String> services() {
        Set<String> services = new TreeSet<>(dora.histories(s -> true).keySet());
        services.addAll(servicesWithChangesOrEnvironments());
        return services;
    }

    /** The services this process holds changes or environments of; keys only. */
    public Set<String> servicesWithChangesOrEnvironments() {
        Set<String> services = new TreeSet<>();
        this.<ChangeFact>scan(ValueStream.CHANGES_STORE, null, (key, fact) -> services.add(StoreKey.split(key, 2)[0]));
        this.<EnvironmentFact>scan(ValueStream.ENVIRONMENTS_STORE, null,
                (key, fact) -> services.add(StoreKey.split(key, 2)[0]));
        return services;
    }

    private interface Each<V> {
        void accept(String key, V value);
    }

    private <V> void scan(String storeName, String prefix, Each<V> each) {
        ReadOnlyKeyValueStore<String, V> store = stores.store(storeName);
        try (KeyValueIterator<String, V> entries = prefix == null ? store.all() : store.prefixScan(prefix, PREFIX)) {
            while (entries.hasNext()) {
                KeyValue<String, V> entry = entries.next();
                each.accept(entry.key, entry.value);
            }
        }
    }
}
