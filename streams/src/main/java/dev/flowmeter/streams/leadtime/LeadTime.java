package dev.flowmeter.streams.leadtime;

import dev.flowmeter.events.ArtifactBuilt;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.dora.DeliveryLedger;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StateChanges;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lead time for changes, deployment counts and batch size. A successful deployment ships its explicit commit list,
 * or else its sha and every ancestor not yet shipped to that environment (a bounded walk over {@code parents}).
 * Each commit counts once per environment, at its first successful deployment there; a commit that arrives after
 * the deployment that shipped it gets its lead time when it arrives. Commits, shipped marks and awaited deployments
 * are purged once their event time is older than the retention.
 */
public final class LeadTime {

    /** {@code service|sha} to a {@link CommitNode}. */
    public static final String NODES_STORE = "lead-time-commit-nodes-store";
    /** {@code service|sha|parent} to the parent's position among the node's parents. */
    public static final String PARENTS_STORE = "lead-time-commit-parents-store";
    /** {@code service|sha|environment} to a {@link ShippedMark}. */
    public static final String SHIPPED_STORE = "lead-time-shipped-marks-store";
    /** {@code service|sha|environment} to an {@link AwaitedDeployment}. */
    public static final String AWAITING_STORE = "lead-time-awaited-deployments-store";
    /** The time-ordered index of the three stores above. */
    public static final String EXPIRY_STORE = "lead-time-expiry-store";
    /** Every store of the feature. */
    public static final List<String> STORES = List.of(NODES_STORE, PARENTS_STORE, SHIPPED_STORE, AWAITING_STORE,
            EXPIRY_STORE);

    /**
     * Work one purge may do (index entries read plus parent records deleted), so that a purge never holds the
     * stream thread for long; a backlog is worked off over the following runs.
     */
    static final int PURGE_BUDGET = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(LeadTime.class);

    private LeadTime() {
    }

    /** @param changes told of every write to the stores a scrape works series out from */
    public static void addTo(StreamsBuilder builder, KStream<String, DeliveryEvent> events,
            TopologySettings settings, StateChanges changes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(NODES_STORE, settings.stores()),
                Serdes.String(), new JsonSerde<>(CommitNode.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(PARENTS_STORE),
                Serdes.String(), Serdes.Integer()));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(SHIPPED_STORE),
                Serdes.String(), new JsonSerde<>(ShippedMark.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(settings.stores().supplier(AWAITING_STORE),
                Serdes.String(), new JsonSerde<>(AwaitedDeployment.class)));
        builder.addStateStore(ExpiryIndex.storeBuilder(EXPIRY_STORE, settings.stores()));
        events.filter((service, event) -> event instanceof CommitRecorded || event instanceof ArtifactBuilt
                                || event instanceof DeploymentFinished || event instanceof ChangeMerged,
                        Named.as("lead-time-select-commits-and-deployments"))
                .process(() -> new LeadTimeProcessor(settings), Named.as("lead-time-ship-commits"),
                        NODES_STORE, PARENTS_STORE, SHIPPED_STORE, AWAITING_STORE, EXPIRY_STORE, Aggregates.STORE,
                        DeliveryLedger.DEPLOYMENTS_STORE, DeliveryLedger.SHIPPED_STORE, DeliveryLedger.EXPIRY_STORE);
    }

    private static final class LeadTimeProcessor implements Processor<String, DeliveryEvent, Void, Void> {

        private final int walkLimit;
        private final Duration retention;
        private final Duration purgeInterval;
        private LeadTimeState state;
        private Aggregates aggregates;
        private DeliveryLedger ledger;

        LeadTimeProcessor(TopologySettings settings) {
            this.walkLimit = settings.walkLimit();
            this.retention = settings.retention();
            this.purgeInterval = settings.purgeInterval();
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            state = new LeadTimeState(context.getStateStore(NODES_STORE), context.getStateStore(PARENTS_STORE),
                    context.getStateStore(SHIPPED_STORE), context.getStateStore(AWAITING_STORE),
                    new ExpiryIndex(context.getStateStore(EXPIRY_STORE)));
            aggregates = new Aggregates(context.getStateStore(Aggregates.STORE));
            ledger = DeliveryLedger.forDeployments(context);
            // Retention is a wall-clock matter: history ages while no event comes.
            context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<String, DeliveryEvent> record) {
            if (record.value() instanceof DeploymentFinished deployment) {
                deployed(deployment);
            } else if (record.value() instanceof CommitRecorded commit) {
                recorded(commit.service(), commit.sha(), commit.time().toEpochMilli(), false, commit.parents(), false);
            } else if (record.value() instanceof ArtifactBuilt artifact) {
                recorded(artifact.service(), artifact.sha(), artifact.time().toEpochMilli(), true,
                        artifact.commits(), false);
            } else if (record.value() instanceof ChangeMerged merged) {
                // The landed sha is a commit made at the merge, whose history is the change's commits: so a squash
                // or a rebase still reaches them, and their lead time starts at their own time.
                recorded(merged.service(), merged.sha(), merged.time().toEpochMilli(), false, merged.commits(),
                        true);
            }
        }

        private void deployed(DeploymentFinished deployment) {
            if (ledger.isRecorded(deployment)) {
                return; // a redelivery older than the deduplication retention: counted once already
            }
            String service = deployment.service();
            String environment = deployment.environment();
            aggregates.increment(Metric.DEPLOYMENTS, service, environment, deployment.status().wireName());
            if (deployment.status() != DeploymentStatus.SUCCESS) {
                ledger.deployed(deployment, 0);
                return;
            }
            long time = deployment.time().toEpochMilli();
            int count = 0;
            if (deployment.commits().isEmpty()) {
                count = walk(service, environment, time, Set.of(deployment.sha()));
            } else {
                for (String sha : deployment.commits()) {
                    CommitNode known = state.node(service, sha);
                    if (known != null && known.artifact()) {
                        count += walk(service, environment, time, List.of(sha)); // what it was built from
                    } else if (!state.isShipped(service, sha, environment)) {
                        markShipped(service, environment, time, sha, false, known);
                        count++;
                    }
                }
            }
            aggregates.observe(Metric.DEPLOYMENT_COMMITS, count, service, environment);
            ledger.deployed(deployment, count);
        }

        /**
         * Ships {@code roots} and their ancestors that this environment has not had yet; returns how many commits
         * were shipped. Commits not seen yet are shipped too and wait for their event to give their lead time.
         */
        private int walk(String service, String environment, long time, Collection<String> roots) {
            Deque<String> pending = new ArrayDeque<>(roots);
            Set<String> visited = new HashSet<>();
            int count = 0;
            while (!pending.isEmpty()) {
                String sha = pending.pop();
                if (!visited.add(sha)) {
                    continue;
                }
                if (state.isShipped(service, sha, environment)) {
                    continue;
                }
                CommitNode known = state.node(service, sha);
                boolean change = known == null || !known.artifact();
                if (change && count == walkLimit) {
                    LOG.warn("Deployment of {} to {} reached the walk limit of {} commits; older history is not"
                            + " counted for it (FLOWMETER_WALK_LIMIT)", service, environment, walkLimit);
                    break;
                }
                if (change) {
                    count++;
                }
                markShipped(service, environment, time, sha, true, known);
                if (known != null) {
                    state.parents(service, sha, known).forEach(pending::push);
                }
            }
            return count;
        }

        /**
         * Records a commit as shipped; observes its lead time or, when {@code node} is null because its event has
         * not come yet, awaits it.
         */
        private void markShipped(String service, String environment, long time, String sha, boolean walk,
                CommitNode node) {
            state.ship(service, sha, environment, new ShippedMark(time, walk));
            if (node == null) {
                state.await(service, sha, environment, new AwaitedDeployment(time, walk));
            } else if (!node.artifact()) {
                observeLeadTime(service, environment, time, sha, node.timeMillis());
            }
        }

        private void recorded(String service, String sha, long time, boolean artifact, List<String> parents,
                boolean provisional) {
            CommitNode known = state.node(service, sha);
            if (known != null) {
                if (known.provisional() && !provisional) {
                    known = state.confirm(service, sha, known, time);
                }
                linked(service, sha, known, parents);
                return;
            }
            state.addNode(service, sha, time, artifact, parents, provisional);
            Map<String, AwaitedDeployment> waiting = state.takeAwaited(service, sha);
            waiting.forEach((environment, deployment) -> {
                if (!artifact) {
                    observeLeadTime(service, environment, deployment.timeMillis(), sha, time);
                }
                // Deploying an artifact ships what it was built from, whether the artifact was listed or walked to.
                if (deployment.walk() || artifact) {
                    walk(service, environment, deployment.timeMillis(), parents);
                }
            });
        }

        /**
         * The same commit reported again, for example pushed to a second branch, or linked by a merged pull request
         * to the commits it squashed. Its time stays the first one reported; parents it did not have yet are added,
         * and every environment it already reached through a derived walk now also ships what is behind them.
         */
        private void linked(String service, String sha, CommitNode known, List<String> parents) {
            List<String> added = parents.stream().filter(p -> !state.hasParent(service, sha, p)).toList();
            if (added.isEmpty()) {
                return;
            }
            state.addParents(service, sha, known, added);
            state.shippedMarks(service, sha).forEach((environment, mark) -> {
                if (mark.walked() || known.artifact()) {
                    walk(service, environment, mark.timeMillis(), added);
                }
            });
        }

        private void observeLeadTime(String service, String environment, long deployedAt, String sha,
                long committedAt) {
            // A commit stamped after its deployment means skewed clocks; count it as zero rather than negative.
            aggregates.observe(Metric.LEAD_TIME, Math.max(0, deployedAt - committedAt), service, environment);
            ledger.shipped(service, environment, deployedAt, sha, committedAt);
        }

        private void purge(long now) {
            int work = state.purge(now - retention.toMillis(), PURGE_BUDGET);
            work += ledger.purgeDeployments(now - retention.toMillis(), PURGE_BUDGET);
            if (work >= PURGE_BUDGET) {
                LOG.debug("Lead-time purge did its most work ({} records) this run; the rest of what is older than"
                        + " FLOWMETER_RETENTION follows in the next runs", PURGE_BUDGET);
            }
        }
    }
}
