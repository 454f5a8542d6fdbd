package dev.flowmeter.streams.valuestream;

import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EnvironmentDeleted;
import dev.flowmeter.events.EnvironmentReady;
import dev.flowmeter.events.EnvironmentRequested;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StateChanges;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The value stream's facts: changes (pull and merge requests) with the commits they hold, and environments. As for
 * the DORA keys, facts are kept as they happened and every stage, hop and inventory is computed from them when
 * asked ({@link ValueStreamQuery}), so the answer does not depend on the order events arrive in. Where a change's
 * commits reach each environment comes from the delivery ledger's shipped commits; a merged change's landed sha is
 * linked to its commits by the lead-time feature, which reads {@code change.merged} as a report of that commit.
 */
public final class ValueStream {

    /** {@code service|change} to a {@link ChangeFact}. */
    public static final String CHANGES_STORE = "value-stream-changes-store";
    /**
     * {@code service|change|sha} to when the link was first reported: the commits of a change (its own, its head and
     * its landed sha). The change is {@link StoreKey#escape escaped} here and in the next store.
     */
    public static final String CHANGE_COMMITS_STORE = "value-stream-change-commits-store";
    /** {@code service|sha|change} to the same time: the changes a commit belongs to. */
    public static final String COMMIT_CHANGES_STORE = "value-stream-commit-changes-store";
    /** {@code service|environment} to an {@link EnvironmentFact}. */
    public static final String ENVIRONMENTS_STORE = "value-stream-environments-store";
    public static final String EXPIRY_STORE = "value-stream-expiry-store";
    public static final List<String> STORES = List.of(CHANGES_STORE, CHANGE_COMMITS_STORE, COMMIT_CHANGES_STORE,
            ENVIRONMENTS_STORE, EXPIRY_STORE);

    static final int PURGE_BUDGET = 10_000;
    /** The environment kinds that get a label of their own; any other is {@code other}, none {@code unspecified}. */
    public static final Set<String> KINDS = Set.of("test", "qa", "staging", "ephemeral", "preview", "dev", "uat",
            "performance", "sandbox");
    private static final String CHANGE = "change";
    private static final String LINK = "link";
    private static final String ENVIRONMENT = "environment";

    private ValueStream() {
    }

    /** The {@code kind} label of an environment: a bounded set, whatever sources send. */
    public static String kindLabel(String kind) {
        if (kind.isEmpty()) {
            return "unspecified";
        }
        return KINDS.contains(kind) ? kind : "other";
    }

    /** @param changes told of every write to the stores a scrape works series out from */
    public static void addTo(StreamsBuilder builder, KStream<String, DeliveryEvent> events,
            TopologySettings settings, StateChanges changes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(CHANGES_STORE, settings.stores()),
                Serdes.String(), new JsonSerde<>(ChangeFact.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(CHANGE_COMMITS_STORE, settings.stores()),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(COMMIT_CHANGES_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(ENVIRONMENTS_STORE, settings.stores()),
                Serdes.String(), new JsonSerde<>(EnvironmentFact.class)));
        builder.addStateStore(ExpiryIndex.storeBuilder(EXPIRY_STORE, settings.stores()));
        events.filter((service, event) -> event instanceof ChangeOpened || event instanceof ChangeReviewed
                                || event instanceof ChangeMerged || event instanceof ChangeClosed
                                || event instanceof EnvironmentRequested || event instanceof EnvironmentReady
                                || event instanceof EnvironmentDeleted,
                        Named.as("value-stream-select-changes-and-environments"))
                .process(() -> new ValueStreamProcessor(settings), Named.as("value-stream-record-changes"),
                        STORES.toArray(String[]::new));
    }

    private static final class ValueStreamProcessor implements Processor<String, DeliveryEvent, Void, Void> {

        private final Duration retention;
        private final Duration purgeInterval;
        private KeyValueStore<String, ChangeFact> changes;
        private KeyValueStore<String, Long> changeCommits;
        private KeyValueStore<String, Long> commitChanges;
        private KeyValueStore<String, EnvironmentFact> environments;
        private ExpiryIndex expiry;

        ValueStreamProcessor(TopologySettings settings) {
            this.retention = settings.retention();
            this.purgeInterval = settings.purgeInterval();
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            changes = context.getStateStore(CHANGES_STORE);
            changeCommits = context.getStateStore(CHANGE_COMMITS_STORE);
            commitChanges = context.getStateStore(COMMIT_CHANGES_STORE);
            environments = context.getStateStore(ENVIRONMENTS_STORE);
            expiry = new ExpiryIndex(context.getStateStore(EXPIRY_STORE));
            context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<String, DeliveryEvent> record) {
            DeliveryEvent event = record.value();
            long time = event.time().toEpochMilli();
            String service = event.service();
            if (event instanceof ChangeOpened opened) {
                change(service, opened.change(), fact -> fact.opened(time, opened.sha(), opened.target(),
                        opened.title(), opened.url()));
                Set<String> shas = new LinkedHashSet<>(opened.commits());
                shas.add(opened.sha());
                link(service, opened.change(), shas, time);
            } else if (event instanceof ChangeReviewed reviewed) {
                change(service, reviewed.change(), fact -> fact.reviewed(time));
            } else if (event instanceof ChangeMerged merged) {
                change(service, merged.change(), fact -> fact.merged(time, merged.sha()));
                Set<String> shas = new LinkedHashSet<>(merged.commits());
                shas.add(merged.sha());
                link(service, merged.change(), shas, time);
            } else if (event instanceof ChangeClosed closed) {
                change(service, closed.change(), fact -> fact.closed(time));
            } else if (event instanceof EnvironmentRequested requested) {
                environment(service, requested.environment(),
                        fact -> fact.requested(time, requested.kind(), requested.change()));
            } else if (event instanceof EnvironmentReady ready) {
                environment(service, ready.environment(), fact -> fact.ready(time, ready.kind(), ready.change()));
            } else if (event instanceof EnvironmentDeleted deleted) {
                environment(service, deleted.environment(),
                        fact -> fact.deleted(time, deleted.kind(), deleted.change()));
            }
        }

        private void change(String service, String change, UnaryOperator<ChangeFact> update) {
            String key = StoreKey.of(service, StoreKey.escape(change));
            ChangeFact known = changes.get(key);
            ChangeFact next = update.apply(known == null ? ChangeFact.NONE : known);
            reindex(CHANGE, key, known == null ? null : known.latestMillis(), next.latestMillis());
            changes.put(key, next);
        }

        private void environment(String service, String environment, UnaryOperator<EnvironmentFact> update) {
            String key = StoreKey.of(service, environment);
            EnvironmentFact known = environments.get(key);
            EnvironmentFact next = update.apply(known == null ? EnvironmentFact.NONE : known);
            reindex(ENVIRONMENT, key, known == null ? null : known.latestMillis(), next.latestMillis());
            environments.put(key, next);
        }

        /** Links commits to a change both ways, each link kept with the earliest time it was reported. */
        private void link(String service, String change, Set<String> shas, long time) {
            String escaped = StoreKey.escape(change);
            for (String sha : shas) {
                String byChange = StoreKey.of(service, escaped, sha);
                Long known = changeCommits.get(byChange);
                if (known == null || time < known) {
                    changeCommits.put(byChange, time);
                    commitChanges.put(StoreKey.of(service, sha, escaped), time);
                    if (known != null) {
                        expiry.remove(LINK, known, byChange);
                    }
                    expiry.add(LINK, time, byChange);
                }
            }
        }

        private void reindex(String kind, String key, Long before, long after) {
            if (before != null && before == after) {
                return;
            }
            if (before != null) {
                expiry.remove(kind, before, key);
            }
            expiry.add(kind, after, key);
        }

        private void purge(long now) {
            long cutoff = now - retention.toMillis();
            for (ExpiryIndex.Entry entry : expiry.expire(CHANGE, cutoff, PURGE_BUDGET)) {
                changes.delete(entry.key());
            }
            for (ExpiryIndex.Entry entry : expiry.expire(ENVIRONMENT, cutoff, PURGE_BUDGET)) {
                environments.delete(entry.key());
            }
            for (ExpiryIndex.Entry entry : expiry.expire(LINK, cutoff, PURGE_BUDGET)) {
                Long linked = changeCommits.get(entry.key());
                if (linked == null || linked != entry.timeMillis()) {
                    continue;
                }
                changeCommits.delete(entry.key());
                String[] parts = StoreKey.split(entry.key(), 3); // service|change|sha, the change escaped
                commitChanges.delete(StoreKey.of(parts[0], parts[2], parts[1]));
            }
        }
    }
}
