package dev.flowmeter.streams.work;

import dev.flowmeter.streams.state.StoreLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the work items this process holds (each item is in one partition, so in one process). */
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
}
