package dev.flowmeter.streams.dora;

import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.JsonSerde;
import dev.flowmeter.streams.state.StateChanges;
import dev.flowmeter.streams.state.StoreKey;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The facts the DORA keys are computed from, kept as they happened rather than as running totals, so that a window
 * can be asked for afterwards and a late event (a rollback, an incident naming an old sha) changes the answer as it
 * would have had it come in order. Three stores, each record bounded by the event contract:
 * <ul>
 *   <li>deployments, {@code service|environment|time|id} to a {@link DeploymentFact};</li>
 *   <li>commits shipped, {@code service|environment|deployed-at|sha} to the commit's time: one record per commit and
 *   environment, written by the lead-time feature when it observes the commit's lead time;</li>
 *   <li>incidents, {@code service|incident} to an {@link IncidentFact}.</li>
 * </ul>
 * Times in keys are zero-padded epoch milliseconds, so byte order is time order. Everything is entered in a
 * time-ordered {@link ExpiryIndex} and deleted once older than the retention.
 */
public final class DeliveryLedger {

    public static final String DEPLOYMENTS_STORE = "dora-deployments-store";
    public static final String SHIPPED_STORE = "dora-shipped-commits-store";
    public static final String INCIDENTS_STORE = "dora-incidents-store";
    public static final String EXPIRY_STORE = "dora-expiry-store";
    /** The stores the lead-time feature writes deployments and shipped commits to. */
    public static final List<String> DEPLOYMENT_STORES = List.of(DEPLOYMENTS_STORE, SHIPPED_STORE, EXPIRY_STORE);
    /** Every store of the ledger. */
    public static final List<String> STORES = List.of(DEPLOYMENTS_STORE, SHIPPED_STORE, INCIDENTS_STORE,
            EXPIRY_STORE);

    static final String DEPLOYMENT = "deployment";
    static final String SHIPPED = "shipped";
    static final String INCIDENT = "incident";

    private final KeyValueStore<String, DeploymentFact> deployments;
    private final KeyValueStore<String, Long> shipped;
    private final KeyValueStore<String, IncidentFact> incidents;
    private final ExpiryIndex expiry;

    private DeliveryLedger(KeyValueStore<String, DeploymentFact> deployments, KeyValueStore<String, Long> shipped,
            KeyValueStore<String, IncidentFact> incidents, ExpiryIndex expiry) {
        this.deployments = deployments;
        this.shipped = shipped;
        this.incidents = incidents;
        this.expiry = expiry;
    }

    /** Adds the ledger's stores; before any processor that is connected to them. */
    public static void addStores(StreamsBuilder builder, TopologySettings settings, StateChanges changes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(DEPLOYMENTS_STORE, settings.stores()),
                Serdes.String(), new JsonSerde<>(DeploymentFact.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(SHIPPED_STORE, settings.stores()),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(changes.store(INCIDENTS_STORE, settings.stores()),
                Serdes.String(), new JsonSerde<>(IncidentFact.class)));
        builder.addStateStore(ExpiryIndex.storeBuilder(EXPIRY_STORE, settings.stores()));
    }

    /** The deployment side, for a processor connected to {@link #DEPLOYMENT_STORES}. */
    public static DeliveryLedger forDeployments(ProcessorContext<?, ?> context) {
        return new DeliveryLedger(context.getStateStore(DEPLOYMENTS_STORE), context.getStateStore(SHIPPED_STORE),
                null, new ExpiryIndex(context.getStateStore(EXPIRY_STORE)));
    }

    /** The incident side, for a processor connected to the incidents and expiry stores. */
    static DeliveryLedger forIncidents(ProcessorContext<?, ?> context) {
        return new DeliveryLedger(null, null, context.getStateStore(INCIDENTS_STORE),
                new ExpiryIndex(context.getStateStore(EXPIRY_STORE)));
    }

    /**
     * Whether this very deployment (service, environment, time and id) is recorded already: a redelivery that came
     * after the deduplication retention, from a re-run backfill say, which must not count it again.
     */
    public boolean isRecorded(DeploymentFinished deployment) {
        return deployments.get(deploymentKey(deployment.service(), deployment.environment(),
                deployment.time().toEpochMilli(), deployment.id())) != null;
    }

    /** Records a finished deployment and the number of commits it shipped for the first time. */
    public void deployed(DeploymentFinished deployment, int commits) {
        long time = deployment.time().toEpochMilli();
        String key = deploymentKey(deployment.service(), deployment.environment(), time, deployment.id());
        boolean success = deployment.status() == DeploymentStatus.SUCCESS;
        deployments.put(key, new DeploymentFact(deployment.sha(), success, deployment.rollback(), commits));
        expiry.add(DEPLOYMENT, time, key);
    }

    /** Records that a commit reached an environment for the first time, with the deployment's and its own time. */
    public void shipped(String service, String environment, long deployedAt, String sha, long committedAt) {
        String key = StoreKey.of(service, environment, ExpiryIndex.pad(deployedAt), sha);
        shipped.put(key, committedAt);
        expiry.add(SHIPPED, deployedAt, key);
    }

    /** Merges what one incident event says into the incident's record. */
    void incident(String service, String incident, IncidentFact said) {
        String key = StoreKey.of(service, incident);
        IncidentFact known = incidents.get(key);
        IncidentFact merged = known == null ? said : known.merge(said);
        if (known != null && known.latestMillis() != merged.latestMillis()) {
            expiry.remove(INCIDENT, known.latestMillis(), key);
        }
        if (known == null || known.latestMillis() != merged.latestMillis()) {
            expiry.add(INCIDENT, merged.latestMillis(), key);
        }
        incidents.put(key, merged);
    }

    /**
     * Deletes deployments and shipped commits older than {@code cutoffMillis}, at most {@code budget} of them;
     * returns how many index entries it read.
     */
    public int purgeDeployments(long cutoffMillis, int budget) {
        int read = 0;
        for (ExpiryIndex.Entry entry : expiry.expire(DEPLOYMENT, cutoffMillis, budget)) {
            deployments.delete(entry.key());
            read++;
        }
        for (ExpiryIndex.Entry entry : expiry.expire(SHIPPED, cutoffMillis, budget - read)) {
            shipped.delete(entry.key());
            read++;
        }
        return read;
    }

    /** Deletes incidents whose latest event is older than {@code cutoffMillis}; returns the entries read. */
    int purgeIncidents(long cutoffMillis, int budget) {
        List<ExpiryIndex.Entry> due = expiry.expire(INCIDENT, cutoffMillis, budget);
        for (ExpiryIndex.Entry entry : due) {
            IncidentFact known = incidents.get(entry.key());
            if (known != null && known.latestMillis() == entry.timeMillis()) {
                incidents.delete(entry.key());
            }
        }
        return due.size();
    }

    static String deploymentKey(String service, String environment, long time, String id) {
        return StoreKey.of(service, environment, ExpiryIndex.pad(time), id);
    }
}
