package dev.flowmeter.streams.work;

import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.state.StoreLookup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the work items this process holds (each item is in one partition, so in one process), and, for the services
 * it holds, which of their commits and changes name which items.
 */
public final class WorkQuery {

    /** The most items one answer gathers. */
    public static final int MAX_ITEMS = 10_000;

    private final StoreLookup stores;

    public WorkQuery(StoreLookup stores) {
        this.stores = stores;
    }

    /** The item {@code item} of {@code service} ({@code #42} is one per service; a tracker's key is global). */
    public Optional<WorkItemState> item(String service, String item) {
        ReadOnlyKeyValueStore<String, WorkItemState> store = stores.store(WorkItems.ITEMS_STORE);
        return Optional.ofNullable(store.get(WorkFact.identity(service == null ? "" : service, item)));
    }

    /**
     * The items known by their own events (not only named by commits) that {@code accept} keeps, at most
     * {@link #MAX_ITEMS}.
     */
    public List<WorkItemState> items(Predicate<WorkItemState> accept) {
        ReadOnlyKeyValueStore<String, WorkItemState> store = stores.store(WorkItems.ITEMS_STORE);
        List<WorkItemState> found = new ArrayList<>();
        try (KeyValueIterator<String, WorkItemState> all = store.all()) {
            while (all.hasNext() && found.size() < MAX_ITEMS) {
                KeyValue<String, WorkItemState> next = all.next();
                if (next.value.described() && accept.test(next.value)) {
                    found.add(next.value);
                }
            }
        }
        return found;
    }

    /** The commits (shas) and changes of one service that name an item. */
    public record Links(Set<String> shas, Set<String> changes) {

        public Links {
            shas = Set.copyOf(shas);
            changes = Set.copyOf(changes);
        }
    }

    /**
     * The commits and changes of {@code service} that name {@code item}: the commits naming it, the changes naming
     * it and every commit of those changes. Read from {@code service}'s partition, so only where it is held.
     */
    public Links linksOf(String service, String item) {
        return linksOf(service, List.of(item)).get(item);
    }

    /** {@link #linksOf(String, String)} for several items at once, in one pass over the service's links. */
    public Map<String, Links> linksOf(String service, Collection<String> items) {
        Map<String, Set<String>> changes = new LinkedHashMap<>();
        Map<String, Set<String>> shas = new LinkedHashMap<>();
        for (String item : items) {
            changes.put(item, new LinkedHashSet<>());
            shas.put(item, new LinkedHashSet<>());
        }
        String prefix = service + StoreKey.SEPARATOR;
        ReadOnlyKeyValueStore<String, WorkItems.ItemList> changeItems = stores.store(WorkItems.CHANGE_ITEMS_STORE);
        Map<String, List<String>> itemsOfChange = new HashMap<>();
        try (KeyValueIterator<String, WorkItems.ItemList> all = changeItems.prefixScan(prefix,
                new StringSerializer())) {
            all.forEachRemaining(next -> {
                String change = StoreKey.split(next.key, 2)[1];
                for (String item : next.value.items()) {
                    if (changes.containsKey(item)) {
                        changes.get(item).add(change);
                        itemsOfChange.computeIfAbsent(change, c -> new ArrayList<>()).add(item);
                    }
                }
            });
        }
        ReadOnlyKeyValueStore<String, WorkItems.ItemList> commitItems = stores.store(WorkItems.COMMIT_ITEMS_STORE);
        try (KeyValueIterator<String, WorkItems.ItemList> all = commitItems.prefixScan(prefix,
                new StringSerializer())) {
            all.forEachRemaining(next -> {
                for (String item : next.value.items()) {
                    if (shas.containsKey(item)) {
                        shas.get(item).add(StoreKey.split(next.key, 2)[1]);
                    }
                }
            });
        }
        if (!itemsOfChange.isEmpty()) {
            ReadOnlyKeyValueStore<String, String> commitChanges = stores.store(WorkItems.COMMIT_CHANGE_STORE);
            try (KeyValueIterator<String, String> all = commitChanges.prefixScan(prefix, new StringSerializer())) {
                all.forEachRemaining(next -> {
                    for (String item : itemsOfChange.getOrDefault(next.value, List.of())) {
                        shas.get(item).add(StoreKey.split(next.key, 2)[1]);
                    }
                });
            }
        }
        Map<String, Links> links = new LinkedHashMap<>();
        for (String item : items) {
            links.put(item, new Links(shas.get(item), changes.get(item)));
        }
        return links;
    }

    /**
     * The item keys that {@code service}'s commits {@code shas} and changes {@code changes} name, in the order
     * found: a commit's own, then its change's. Read from {@code service}'s partition, so only where it is held.
     */
    public Set<String> itemsOf(String service, Collection<String> shas, Collection<String> changes) {
        ReadOnlyKeyValueStore<String, WorkItems.ItemList> commitItems = stores.store(WorkItems.COMMIT_ITEMS_STORE);
        ReadOnlyKeyValueStore<String, WorkItems.ItemList> changeItems = stores.store(WorkItems.CHANGE_ITEMS_STORE);
        ReadOnlyKeyValueStore<String, String> commitChanges = stores.store(WorkItems.COMMIT_CHANGE_STORE);
        Set<String> items = new LinkedHashSet<>();
        for (String sha : shas) {
            String key = StoreKey.of(service, sha);
            WorkItems.ItemList own = commitItems.get(key);
            if (own != null) {
                items.addAll(own.items());
            }
            String change = commitChanges.get(key);
            WorkItems.ItemList ofChange = change == null ? null : changeItems.get(StoreKey.of(service, change));
            if (ofChange != null) {
                items.addAll(ofChange.items());
            }
        }
        for (String change : changes) {
            WorkItems.ItemList ofChange = changeItems.get(StoreKey.of(service, change));
            if (ofChange != null) {
                items.addAll(ofChange.items());
            }
        }
        return items;
    }

    /** The key an item is held under: a tracker's key as it is, an issue number with its service. */
    public static String identity(String service, String item) {
        return WorkFact.identity(service, item);
    }
}
