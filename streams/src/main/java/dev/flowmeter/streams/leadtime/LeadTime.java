package dev.flowmeter.streams.leadtime;

import dev.flowmeter.events.ArtifactBuilt;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StoreKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lead time for changes, deployment counts and batch size. A successful deployment ships its explicit commit list,
 * or else its sha and every ancestor not yet shipped to that environment (a bounded walk over {@code parents}).
 * Each commit counts once per environment, at its first successful deployment there; a commit that arrives after
 * the deployment that shipped it gets its lead time when it arrives.
 */
public final class LeadTime {

    public static final String COMMITS_STORE = "lead-time-commits-store";
    public static final String SHIPPED_STORE = "lead-time-shipped-store";
    public static final String AWAITING_STORE = "lead-time-awaiting-commit-store";

    private static final Logger LOG = LoggerFactory.getLogger(LeadTime.class);

    private LeadTime() {
    }

    public static void addTo(StreamsBuilder builder, KStream<String, DeliveryEvent> events,
            TopologySettings settings) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COMMITS_STORE),
                Serdes.String(), new JsonSerde<>(CommitNode.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SHIPPED_STORE),
                Serdes.String(), new JsonSerde<>(ShippedTo.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AWAITING_STORE),
                Serdes.String(), new JsonSerde<>(Awaiting.class)));
        events.filter((service, event) -> event instanceof CommitRecorded || event instanceof ArtifactBuilt
                                || event instanceof DeploymentFinished,
                        Named.as("lead-time-select-commits-and-deployments"))
                .process(() -> new LeadTimeProcessor(settings.walkLimit()), Named.as("lead-time-ship-commits"),
                        COMMITS_STORE, SHIPPED_STORE, AWAITING_STORE, Aggregates.STORE);
    }

    private static final class LeadTimeProcessor implements Processor<String, DeliveryEvent, Void, Void> {

        private final int walkLimit;
        private KeyValueStore<String, CommitNode> commits;
        private KeyValueStore<String, ShippedTo> shipped;
        private KeyValueStore<String, Awaiting> awaiting;
        private Aggregates aggregates;

        LeadTimeProcessor(int walkLimit) {
            this.walkLimit = walkLimit;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            commits = context.getStateStore(COMMITS_STORE);
            shipped = context.getStateStore(SHIPPED_STORE);
            awaiting = context.getStateStore(AWAITING_STORE);
            aggregates = new Aggregates(context.getStateStore(Aggregates.STORE));
        }

        @Override
        public void process(Record<String, DeliveryEvent> record) {
            if (record.value() instanceof DeploymentFinished deployment) {
                deployed(deployment);
            } else if (record.value() instanceof CommitRecorded commit) {
                recorded(commit.service(), commit.sha(), new CommitNode(commit.time().toEpochMilli(),
                        commit.parents(), false));
            } else if (record.value() instanceof ArtifactBuilt artifact) {
                recorded(artifact.service(), artifact.sha(), new CommitNode(artifact.time().toEpochMilli(),
                        artifact.commits(), true));
            }
        }

        private void deployed(DeploymentFinished deployment) {
            String service = deployment.service();
            String environment = deployment.environment();
            aggregates.increment(Metric.DEPLOYMENTS, service, environment, deployment.status().wireName());
            if (deployment.status() != DeploymentStatus.SUCCESS) {
                return;
            }
            long time = deployment.time().toEpochMilli();
            int count = 0;
            if (deployment.commits().isEmpty()) {
                count = walk(service, environment, time, Set.of(deployment.sha()));
            } else {
                for (String sha : deployment.commits()) {
                    CommitNode known = commits.get(StoreKey.of(service, sha));
                    ShippedTo shippedTo = shipped.get(StoreKey.of(service, sha));
                    if (known != null && known.artifact()) {
                        count += walk(service, environment, time, List.of(sha)); // what it was built from
                    } else if (!isShippedTo(shippedTo, environment)) {
                        markShipped(service, environment, time, sha, false, known, shippedTo);
                        count++;
                    }
                }
            }
            aggregates.observe(Metric.DEPLOYMENT_COMMITS, count, service, environment);
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
                ShippedTo shippedTo = shipped.get(StoreKey.of(service, sha));
                if (isShippedTo(shippedTo, environment)) {
                    continue;
                }
                CommitNode known = commits.get(StoreKey.of(service, sha));
                boolean change = known == null || !known.artifact();
                if (change && count == walkLimit) {
                    LOG.warn("Deployment of {} to {} reached the walk limit of {} commits; older history is not"
                            + " counted for it (FLOWMETER_WALK_LIMIT)", service, environment, walkLimit);
                    break;
                }
                if (change) {
                    count++;
                }
                markShipped(service, environment, time, sha, true, known, shippedTo);
                if (known != null) {
                    known.parents().forEach(pending::push);
                }
            }
            return count;
        }

        private static boolean isShippedTo(ShippedTo shippedTo, String environment) {
            return shippedTo != null && shippedTo.environments().containsKey(environment);
        }

        /**
         * Records a commit as shipped ({@code shippedTo}: where it already was, or null); observes its lead time or,
         * when {@code node} is null because its event has not come yet, awaits it.
         */
        private void markShipped(String service, String environment, long time, String sha, boolean walk,
                CommitNode node, ShippedTo shippedTo) {
            String shippedKey = StoreKey.of(service, sha);
            shipped.put(shippedKey, (shippedTo == null ? ShippedTo.NONE : shippedTo).plus(environment, time, walk));
            if (node == null) {
                Awaiting current = awaiting.get(shippedKey);
                Awaiting.Deployment waiting = new Awaiting.Deployment(environment, time, walk);
                awaiting.put(shippedKey, current == null ? new Awaiting(List.of(waiting)) : current.plus(waiting));
            } else if (!node.artifact()) {
                observeLeadTime(service, environment, time, node);
            }
        }

        private void recorded(String service, String sha, CommitNode node) {
            String key = StoreKey.of(service, sha);
            CommitNode known = commits.get(key);
            if (known != null) {
                linked(service, sha, known, node.parents());
                return;
            }
            commits.put(key, node);
            Awaiting waiting = awaiting.get(key);
            if (waiting == null) {
                return;
            }
            awaiting.delete(key);
            for (Awaiting.Deployment deployment : waiting.deployments()) {
                if (!node.artifact()) {
                    observeLeadTime(service, deployment.environment(), deployment.timeMillis(), node);
                }
                // Deploying an artifact ships what it was built from, whether the artifact was listed or walked to.
                if (deployment.walk() || node.artifact()) {
                    walk(service, deployment.environment(), deployment.timeMillis(), node.parents());
                }
            }
        }

        /**
         * The same commit reported again, for example pushed to a second branch, or linked by a merged pull request
         * to the commits it squashed. Its time stays the first one reported; parents it did not have yet are added,
         * and every environment it already reached through a derived walk now also ships what is behind them.
         */
        private void linked(String service, String sha, CommitNode known, List<String> parents) {
            List<String> added = parents.stream().filter(p -> !known.parents().contains(p)).toList();
            if (added.isEmpty()) {
                return;
            }
            List<String> all = new ArrayList<>(known.parents());
            all.addAll(added);
            commits.put(StoreKey.of(service, sha), known.withParents(all));
            ShippedTo shippedTo = shipped.get(StoreKey.of(service, sha));
            if (shippedTo == null) {
                return;
            }
            shippedTo.environments().forEach((environment, time) -> {
                if (shippedTo.walked(environment) || known.artifact()) {
                    walk(service, environment, time, added);
                }
            });
        }

        private void observeLeadTime(String service, String environment, long deployedAt, CommitNode commit) {
            // A commit stamped after its deployment means skewed clocks; count it as zero rather than negative.
            aggregates.observe(Metric.LEAD_TIME, Math.max(0, deployedAt - commit.timeMillis()), service, environment);
        }
    }
}
