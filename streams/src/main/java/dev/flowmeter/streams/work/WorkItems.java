package dev.flowmeter.streams.work;

import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.dora.DeliveryLedger;
import dev.flowmeter.streams.leadtime.LeadTime;
import dev.flowmeter.streams.leadtime.ShippedMark;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work items: flow time, item lead time, work in progress and items done (definitions in docs/metrics.md).
 *
 * <p>Two steps. In the service partitions, {@code LinkProcessor} finds the items each commit and change names and
 * remembers them; when a linked commit reaches production it says so. Its facts go, keyed by item, through the
 * {@value #REPARTITION} repartition topic to the item's partition, where {@code ItemProcessor} keeps the item (its
 * state changes, its commits and which of them are in production) and writes the metrics. A Jira key names one item
 * whichever repository's commits name it, which is why the item needs its own partition. Both steps are part of the
 * same exactly-once processing.
 *
 * <p>The link step reads what the lead-time step wrote for the same record (which commits a deployment shipped, and
 * where a commit already is): it is added to the topology after it, and Kafka Streams hands a record to a node's
 * children in the order they were added.
 */
public final class WorkItems {

    /** {@code service|sha} to the items the commit names. */
    public static final String COMMIT_ITEMS_STORE = "work-commit-items-store";
    /** {@code service|change} to the items the change names. */
    public static final String CHANGE_ITEMS_STORE = "work-change-items-store";
    /** {@code service|sha} to the change whose commit it is, for changes that name items. */
    public static final String COMMIT_CHANGE_STORE = "work-commit-changes-store";
    /** The time-ordered index of the three link stores. */
    public static final String LINKS_EXPIRY_STORE = "work-links-expiry-store";
    /** The item's identity ({@link WorkFact#identity}) to its {@link WorkItemState}. */
    public static final String ITEMS_STORE = "work-items-store";
    /** The time-ordered index of the items store, by each item's latest fact. */
    public static final String ITEMS_EXPIRY_STORE = "work-items-expiry-store";
    /** Every store of the feature. */
    public static final List<String> STORES = List.of(COMMIT_ITEMS_STORE, CHANGE_ITEMS_STORE, COMMIT_CHANGE_STORE,
            LINKS_EXPIRY_STORE, ITEMS_STORE, ITEMS_EXPIRY_STORE);
    /** The repartition topic's name (Kafka Streams prefixes the application id and suffixes -repartition). */
    public static final String REPARTITION = "work-facts";
    /** The most commits one item keeps: beyond, more are not linked (and a warning says so). */
    static final int MAX_COMMITS_PER_ITEM = 1_000;
    static final int PURGE_BUDGET = 10_000;

    private static final String COMMIT = "commit";
    private static final String CHANGE = "change";
    private static final String ITEM = "item";
    private static final Logger LOG = LoggerFactory.getLogger(WorkItems.class);

    private WorkItems() {
    }

    public static void addTo(StreamsBuilder builder, KStream<String, DeliveryEvent> events,
            TopologySettings settings, WorkSettings work) {
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(COMMIT_ITEMS_STORE),
                Serdes.String(), new JsonSerde<>(ItemList.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(CHANGE_ITEMS_STORE),
                Serdes.String(), new JsonSerde<>(ItemList.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(COMMIT_CHANGE_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(ExpiryIndex.storeBuilder(LINKS_EXPIRY_STORE, settings.stores()));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(ITEMS_STORE),
                Serdes.String(), new JsonSerde<>(WorkItemState.class)));
        builder.addStateStore(ExpiryIndex.storeBuilder(ITEMS_EXPIRY_STORE, settings.stores()));
        builder.addStateStore(Aggregates.storeBuilder(Aggregates.WORK_STORE, settings.stores()));
        events.filter((service, event) -> event instanceof CommitRecorded || event instanceof ChangeOpened
                                || event instanceof ChangeMerged || event instanceof DeploymentFinished
                                || event instanceof WorkItemChanged,
                        Named.as("work-select-links-and-items"))
                .process(() -> new LinkProcessor(settings, work), Named.as("work-link-commits-to-items"),
                        COMMIT_ITEMS_STORE, CHANGE_ITEMS_STORE, COMMIT_CHANGE_STORE, LINKS_EXPIRY_STORE,
                        LeadTime.SHIPPED_STORE, DeliveryLedger.SHIPPED_STORE)
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(WorkFact.class))
                        .withName(REPARTITION))
                .process(() -> new ItemProcessor(settings), Named.as("work-follow-items"), ITEMS_STORE,
                        ITEMS_EXPIRY_STORE, Aggregates.WORK_STORE);
    }

    /** The items a commit or change names, in order, at most {@link EventJson#MAX_ITEMS}. */
    public record ItemList(List<String> items, long timeMillis) {

        public ItemList {
            items = List.copyOf(items);
        }
    }

    /** In the service partitions: which items each commit and change names, and when their commits ship. */
    private static final class LinkProcessor implements Processor<String, DeliveryEvent, String, WorkFact> {

        private final WorkSettings work;
        private final Duration retention;
        private final Duration purgeInterval;
        private ProcessorContext<String, WorkFact> context;
        private KeyValueStore<String, ItemList> commitItems;
        private KeyValueStore<String, ItemList> changeItems;
        private KeyValueStore<String, String> commitChanges;
        private ExpiryIndex expiry;
        private KeyValueStore<String, ShippedMark> shippedMarks;
        private KeyValueStore<String, Long> ledgerShipped;

        LinkProcessor(TopologySettings settings, WorkSettings work) {
            this.work = work;
            this.retention = settings.retention();
            this.purgeInterval = settings.purgeInterval();
        }

        @Override
        public void init(ProcessorContext<String, WorkFact> context) {
            this.context = context;
            commitItems = context.getStateStore(COMMIT_ITEMS_STORE);
            changeItems = context.getStateStore(CHANGE_ITEMS_STORE);
            commitChanges = context.getStateStore(COMMIT_CHANGE_STORE);
            expiry = new ExpiryIndex(context.getStateStore(LINKS_EXPIRY_STORE));
            shippedMarks = context.getStateStore(LeadTime.SHIPPED_STORE);
            ledgerShipped = context.getStateStore(DeliveryLedger.SHIPPED_STORE);
            context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<String, DeliveryEvent> record) {
            DeliveryEvent event = record.value();
            if (event instanceof WorkItemChanged changed) {
                send(record, WorkFact.identity(changed.service(), changed.item()), WorkFact.changed(changed));
            } else if (event instanceof CommitRecorded commit) {
                List<String> items = work.keys().of(commit.items(), commit.message());
                if (!items.isEmpty()) {
                    String key = StoreKey.of(commit.service(), commit.sha());
                    long time = commit.time().toEpochMilli();
                    remember(commitItems, COMMIT, key, items, time);
                    items.forEach(item -> link(record, commit.service(), item, commit.sha(), time));
                }
            } else if (event instanceof ChangeOpened opened) {
                List<String> items = work.keys().of(opened.items(), opened.title(), opened.branch());
                if (!items.isEmpty()) {
                    long time = opened.time().toEpochMilli();
                    remember(changeItems, CHANGE, StoreKey.of(opened.service(), opened.change()), items, time);
                    List<String> shas = new ArrayList<>(opened.commits());
                    shas.add(opened.sha());
                    linkChange(record, opened.service(), opened.change(), shas, time);
                }
            } else if (event instanceof ChangeMerged merged) {
                List<String> shas = new ArrayList<>(merged.commits());
                shas.add(merged.sha());
                linkChange(record, merged.service(), merged.change(), shas, merged.time().toEpochMilli());
            } else if (event instanceof DeploymentFinished deployment) {
                deployed(record, deployment);
            }
        }

        /** The change's commits (its own, its head, the one it landed) belong to the items the change names. */
        private void linkChange(Record<String, DeliveryEvent> record, String service, String change,
                List<String> shas, long time) {
            ItemList items = changeItems.get(StoreKey.of(service, change));
            if (items == null) {
                return;
            }
            for (String sha : new LinkedHashSet<>(shas)) {
                String key = StoreKey.of(service, sha);
                if (commitChanges.get(key) == null) {
                    commitChanges.put(key, change);
                    expiry.add(COMMIT, time, key);
                }
                items.items().forEach(item -> link(record, service, item, sha, time));
            }
        }

        /** Says the item has this commit, and, when the commit is in production already, since when. */
        private void link(Record<String, DeliveryEvent> record, String service, String item, String sha, long time) {
            String identity = WorkFact.identity(service, item);
            send(record, identity, WorkFact.linked(service, item, sha, time));
            Long inProduction = firstInProduction(service, sha);
            if (inProduction != null) {
                send(record, identity, WorkFact.shipped(service, item, sha, inProduction));
            }
        }

        private Long firstInProduction(String service, String sha) {
            Long first = null;
            String prefix = StoreKey.of(service, sha) + StoreKey.SEPARATOR;
            try (KeyValueIterator<String, ShippedMark> marks = shippedMarks.prefixScan(prefix,
                    new StringSerializer())) {
                while (marks.hasNext()) {
                    KeyValue<String, ShippedMark> mark = marks.next();
                    String environment = StoreKey.split(mark.key, 3)[2];
                    if (work.isProduction(environment) && (first == null || mark.value.timeMillis() < first)) {
                        first = mark.value.timeMillis();
                    }
                }
            }
            return first;
        }

        /** The commits a successful production deployment shipped for the first time, and their items. */
        private void deployed(Record<String, DeliveryEvent> record, DeploymentFinished deployment) {
            if (deployment.status() != DeploymentStatus.SUCCESS || !work.isProduction(deployment.environment())) {
                return;
            }
            String service = deployment.service();
            long time = deployment.time().toEpochMilli();
            String prefix = StoreKey.of(service, deployment.environment(), ExpiryIndex.pad(time))
                    + StoreKey.SEPARATOR;
            List<String> shas = new ArrayList<>();
            try (KeyValueIterator<String, Long> shipped = ledgerShipped.prefixScan(prefix, new StringSerializer())) {
                while (shipped.hasNext()) {
                    shas.add(StoreKey.split(shipped.next().key, 4)[3]);
                }
            }
            for (String sha : shas) {
                for (String item : itemsOf(service, sha)) {
                    send(record, WorkFact.identity(service, item), WorkFact.shipped(service, item, sha, time));
                }
            }
        }

        private Set<String> itemsOf(String service, String sha) {
            Set<String> items = new LinkedHashSet<>();
            String key = StoreKey.of(service, sha);
            ItemList own = commitItems.get(key);
            if (own != null) {
                items.addAll(own.items());
            }
            String change = commitChanges.get(key);
            if (change != null) {
                ItemList ofChange = changeItems.get(StoreKey.of(service, change));
                if (ofChange != null) {
                    items.addAll(ofChange.items());
                }
            }
            return items;
        }

        private void remember(KeyValueStore<String, ItemList> store, String kind, String key, List<String> items,
                long time) {
            ItemList known = store.get(key);
            Set<String> merged = new LinkedHashSet<>(known == null ? List.of() : known.items());
            for (String item : items) {
                if (merged.size() < EventJson.MAX_ITEMS) {
                    merged.add(item);
                }
            }
            if (known == null) {
                expiry.add(kind, time, key);
            }
            store.put(key, new ItemList(List.copyOf(merged), known == null ? time : known.timeMillis()));
        }

        private void send(Record<String, DeliveryEvent> record, String identity, WorkFact fact) {
            context.forward(record.withKey(identity).withValue(fact));
        }

        private void purge(long now) {
            long cutoff = now - retention.toMillis();
            int budget = PURGE_BUDGET;
            for (ExpiryIndex.Entry entry : expiry.expire(COMMIT, cutoff, budget)) {
                commitItems.delete(entry.key());
                commitChanges.delete(entry.key());
                budget--;
            }
            for (ExpiryIndex.Entry entry : expiry.expire(CHANGE, cutoff, Math.max(0, budget))) {
                changeItems.delete(entry.key());
            }
        }
    }

    /** In the item's partition: the item itself, its commits, and the metrics. */
    private static final class ItemProcessor implements Processor<String, WorkFact, Void, Void> {

        private final Duration retention;
        private final Duration purgeInterval;
        private KeyValueStore<String, WorkItemState> items;
        private ExpiryIndex expiry;
        private Aggregates aggregates;

        ItemProcessor(TopologySettings settings) {
            this.retention = settings.retention();
            this.purgeInterval = settings.purgeInterval();
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            items = context.getStateStore(ITEMS_STORE);
            expiry = new ExpiryIndex(context.getStateStore(ITEMS_EXPIRY_STORE));
            aggregates = new Aggregates(context.getStateStore(Aggregates.WORK_STORE));
            context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<String, WorkFact> record) {
            WorkFact fact = record.value();
            if (fact == null) {
                return;
            }
            String identity = record.key();
            WorkItemState known = items.get(identity);
            WorkItemState state = known == null ? WorkItemState.unknown(fact.item()) : known;
            WorkItemState next = switch (fact.fact()) {
                case CHANGED -> changed(state, fact);
                case LINKED -> linked(identity, state, fact);
                case SHIPPED -> shipped(linked(identity, state, fact), fact);
            };
            next = leadTime(next);
            long updatedAt = Math.max(next.updatedAt(), fact.time());
            next = with(next, next.status(), next.transitionAt(), updatedAt);
            if (known != null && known.updatedAt() != updatedAt) {
                expiry.remove(ITEM, known.updatedAt(), identity);
            }
            if (known == null || known.updatedAt() != updatedAt) {
                expiry.add(ITEM, updatedAt, identity);
            }
            items.put(identity, next);
        }

        /** A {@code work.*} event: the latest description, and the state change unless a later one came first. */
        private WorkItemState changed(WorkItemState state, WorkFact fact) {
            boolean latest = fact.time() >= state.transitionAt();
            String service = state.described() && !latest ? state.service() : fact.service();
            String kind = state.described() && !latest ? state.kind() : fact.kind();
            boolean wasInProgress = state.inProgress();
            if (wasInProgress && state.described() && (!service.equals(state.service())
                    || !kind.equals(state.kind()))) {
                // Counted in progress under its old service or kind: move it.
                aggregates.adjust(Metric.WORK_IN_PROGRESS, -1, state.service(), state.kind());
                aggregates.adjust(Metric.WORK_IN_PROGRESS, 1, service, kind);
            }
            Long createdAt = state.createdAt();
            Long startedAt = state.startedAt();
            EventType type = EventType.fromWireName(fact.type()).orElseThrow();
            if (type == EventType.WORK_CREATED) {
                createdAt = createdAt == null ? fact.time() : Math.min(createdAt, fact.time());
            }
            if (type == EventType.WORK_STARTED) {
                startedAt = startedAt == null ? fact.time() : Math.min(startedAt, fact.time());
            }
            WorkItemState described = new WorkItemState(service, state.item(), kind,
                    latest || state.title().isEmpty() ? nonEmpty(fact.title(), state.title()) : state.title(),
                    latest || state.url().isEmpty() ? nonEmpty(fact.url(), state.url()) : state.url(),
                    latest || state.release().isEmpty() ? nonEmpty(fact.release(), state.release())
                            : state.release(),
                    createdAt, startedAt, state.doneAt(), state.status(), state.transitionAt(), state.updatedAt(),
                    state.commits(), state.leadTimeObserved(), state.completions());
            if (!latest) {
                return described; // an older state change than the one applied: its times count, not its state
            }
            String status = switch (type) {
                case WORK_CREATED -> state.status();
                case WORK_STARTED, WORK_REOPENED -> WorkItemState.IN_PROGRESS;
                case WORK_DONE -> WorkItemState.DONE;
                default -> WorkItemState.CANCELLED;
            };
            if (status.equals(WorkItemState.IN_PROGRESS) && !wasInProgress) {
                aggregates.adjust(Metric.WORK_IN_PROGRESS, 1, service, kind);
            } else if (!status.equals(WorkItemState.IN_PROGRESS) && wasInProgress) {
                aggregates.adjust(Metric.WORK_IN_PROGRESS, -1, service, kind);
            }
            Long doneAt = described.doneAt();
            int completions = described.completions();
            if (type == EventType.WORK_DONE && !WorkItemState.DONE.equals(state.status())) {
                long from = startedAt != null ? startedAt : createdAt != null ? createdAt : fact.time();
                aggregates.observe(Metric.WORK_FLOW_TIME, Math.max(0, fact.time() - from), service, kind);
                aggregates.increment(Metric.WORK_DONE, service, kind);
                doneAt = fact.time();
                completions++;
            }
            return new WorkItemState(service, described.item(), kind, described.title(), described.url(),
                    described.release(), createdAt, startedAt, doneAt, status, fact.time(), described.updatedAt(),
                    described.commits(), described.leadTimeObserved(), completions);
        }

        private WorkItemState linked(String identity, WorkItemState state, WorkFact fact) {
            String key = StoreKey.of(fact.service(), fact.sha());
            if (state.commits().containsKey(key)) {
                return state;
            }
            if (state.commits().size() >= MAX_COMMITS_PER_ITEM) {
                LOG.warn("Work item {} names more than {} commits; {} of {} is not counted for it", identity,
                        MAX_COMMITS_PER_ITEM, fact.sha(), fact.service());
                return state;
            }
            Map<String, Long> commits = new LinkedHashMap<>(state.commits());
            commits.put(key, null);
            return withCommits(state, commits);
        }

        private WorkItemState shipped(WorkItemState state, WorkFact fact) {
            String key = StoreKey.of(fact.service(), fact.sha());
            if (!state.commits().containsKey(key)) {
                return state; // over the limit of commits
            }
            Long known = state.commits().get(key);
            if (known != null && known <= fact.time()) {
                return state;
            }
            Map<String, Long> commits = new LinkedHashMap<>(state.commits());
            commits.put(key, fact.time());
            return withCommits(state, commits);
        }

        /** Once the item is done and all its commits are in production: from its creation to the last of them. */
        private WorkItemState leadTime(WorkItemState state) {
            if (state.leadTimeObserved() || !state.described() || state.createdAt() == null
                    || !WorkItemState.DONE.equals(state.status()) || !state.allShipped()) {
                return state;
            }
            aggregates.observe(Metric.WORK_LEAD_TIME, Math.max(0, state.lastShippedAt() - state.createdAt()),
                    state.service(), state.kind());
            return new WorkItemState(state.service(), state.item(), state.kind(), state.title(), state.url(),
                    state.release(), state.createdAt(), state.startedAt(), state.doneAt(), state.status(),
                    state.transitionAt(), state.updatedAt(), state.commits(), true, state.completions());
        }

        private static WorkItemState withCommits(WorkItemState state, Map<String, Long> commits) {
            return new WorkItemState(state.service(), state.item(), state.kind(), state.title(), state.url(),
                    state.release(), state.createdAt(), state.startedAt(), state.doneAt(), state.status(),
                    state.transitionAt(), state.updatedAt(), commits, state.leadTimeObserved(), state.completions());
        }

        private static WorkItemState with(WorkItemState state, String status, long transitionAt, long updatedAt) {
            return new WorkItemState(state.service(), state.item(), state.kind(), state.title(), state.url(),
                    state.release(), state.createdAt(), state.startedAt(), state.doneAt(), status, transitionAt,
                    updatedAt, state.commits(), state.leadTimeObserved(), state.completions());
        }

        private static String nonEmpty(String preferred, String otherwise) {
            return preferred == null || preferred.isEmpty() ? otherwise : preferred;
        }

        /** Items whose latest fact is older than the retention are forgotten (one in progress leaves the gauge). */
        private void purge(long now) {
            for (ExpiryIndex.Entry entry : expiry.expire(ITEM, now - retention.toMillis(), PURGE_BUDGET)) {
                WorkItemState state = items.get(entry.key());
                if (state == null || state.updatedAt() != entry.timeMillis()) {
                    continue;
                }
                if (state.inProgress() && state.described()) {
                    aggregates.adjust(Metric.WORK_IN_PROGRESS, -1, state.service(), state.kind());
                }
                items.delete(entry.key());
            }
        }
    }
}
