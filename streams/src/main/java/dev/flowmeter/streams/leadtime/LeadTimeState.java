package dev.flowmeter.streams.leadtime;

import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.StoreKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The lead-time stores behind one small API, so that the key layouts live in one place. Everything that grows with
 * input is a key, never a list inside a value: a commit's parents are {@code service|sha|parent} records and its
 * shipped marks and awaited deployments are one record per environment, {@code service|sha|environment}, all found
 * again with a prefix scan. So no value can grow past a few dozen bytes, whatever a client sends.
 *
 * <p>Every commit, mark and awaited deployment is also entered in a time-ordered {@link ExpiryIndex} at its event
 * time, so that {@link #purge} reads only what has expired.
 */
final class LeadTimeState {

    /** Expiry index kinds. The keys indexed are those of the nodes, shipped and awaited stores. */
    static final String COMMIT = "commit";
    static final String SHIPPED = "shipped";
    static final String AWAITED = "awaited";

    /** Index entries taken per read of the index while purging; small, so little is given back at the budget's end. */
    private static final int PURGE_CHUNK = 100;

    private static final Serializer<String> PREFIX = new StringSerializer();

    private final KeyValueStore<String, CommitNode> nodes;
    private final KeyValueStore<String, Integer> parents;
    private final KeyValueStore<String, ShippedMark> shipped;
    private final KeyValueStore<String, AwaitedDeployment> awaited;
    private final ExpiryIndex expiry;

    LeadTimeState(KeyValueStore<String, CommitNode> nodes, KeyValueStore<String, Integer> parents,
            KeyValueStore<String, ShippedMark> shipped, KeyValueStore<String, AwaitedDeployment> awaited,
            ExpiryIndex expiry) {
        this.nodes = nodes;
        this.parents = parents;
        this.shipped = shipped;
        this.awaited = awaited;
        this.expiry = expiry;
    }

    CommitNode node(String service, String sha) {
        return nodes.get(StoreKey.of(service, sha));
    }

    /** Records a commit or artifact seen for the first time, with the parents (or commits) its event listed. */
    void addNode(String service, String sha, long timeMillis, boolean artifact, List<String> parentShas,
            boolean provisional) {
        String key = StoreKey.of(service, sha);
        putParents(key, 0, parentShas);
        nodes.put(key, new CommitNode(timeMillis, artifact, parentShas.size(), provisional));
        expiry.add(COMMIT, timeMillis, key);
    }

    /** Replaces a provisional node's time with a real report's, when earlier; returns the node as it is now. */
    CommitNode confirm(String service, String sha, CommitNode node, long reportedMillis) {
        String key = StoreKey.of(service, sha);
        CommitNode confirmed = node.confirmed(reportedMillis);
        if (confirmed.timeMillis() != node.timeMillis()) {
            expiry.remove(COMMIT, node.timeMillis(), key);
            expiry.add(COMMIT, confirmed.timeMillis(), key);
        }
        nodes.put(key, confirmed);
        return confirmed;
    }

    boolean hasParent(String service, String sha, String parent) {
        return parents.get(StoreKey.of(service, sha, parent)) != null;
    }

    /** Links parents a known node did not have yet; they come after the ones it had. */
    void addParents(String service, String sha, CommitNode node, List<String> added) {
        String key = StoreKey.of(service, sha);
        putParents(key, node.parentCount(), added);
        nodes.put(key, node.withParentCount(node.parentCount() + added.size()));
    }

    /**
     * The parents of a node in the order they were linked. Each parent is stored at the position of its last
     * mention, which is where a depth-first walk over the full list, duplicates and all, would first take it.
     */
    List<String> parents(String service, String sha, CommitNode node) {
        if (node.parentCount() == 0) {
            return List.of();
        }
        List<Map.Entry<String, Integer>> linked = new ArrayList<>(
                scan(parents, StoreKey.of(service, sha), Integer.MAX_VALUE).entrySet());
        linked.sort(Map.Entry.comparingByValue());
        return linked.stream().map(Map.Entry::getKey).toList();
    }

    boolean isShipped(String service, String sha, String environment) {
        return shipped.get(StoreKey.of(service, sha, environment)) != null;
    }

    /** Every environment a commit has been shipped to, with its mark there. */
    Map<String, ShippedMark> shippedMarks(String service, String sha) {
        return scan(shipped, StoreKey.of(service, sha), Integer.MAX_VALUE);
    }

    void ship(String service, String sha, String environment, ShippedMark mark) {
        String key = StoreKey.of(service, sha, environment);
        shipped.put(key, mark);
        expiry.add(SHIPPED, mark.timeMillis(), key);
    }

    void await(String service, String sha, String environment, AwaitedDeployment deployment) {
        String key = StoreKey.of(service, sha, environment);
        AwaitedDeployment replaced = awaited.get(key);
        if (replaced != null) {
            expiry.remove(AWAITED, replaced.timeMillis(), key);
        }
        awaited.put(key, deployment);
        expiry.add(AWAITED, deployment.timeMillis(), key);
    }

    /** Removes and returns the deployments that were waiting for a commit, by environment. */
    Map<String, AwaitedDeployment> takeAwaited(String service, String sha) {
        Map<String, AwaitedDeployment> waiting = scan(awaited, StoreKey.of(service, sha), Integer.MAX_VALUE);
        waiting.forEach((environment, deployment) -> {
            String key = StoreKey.of(service, sha, environment);
            awaited.delete(key);
            expiry.remove(AWAITED, deployment.timeMillis(), key);
        });
        return waiting;
    }

    /**
     * Deletes commits (with their parent records), shipped marks and awaited deployments whose event time is before
     * {@code cutoffMillis}, oldest first within each kind, doing at most about {@code budget} units of work: one per
     * index entry taken and one per parent record deleted. Whatever is left waits in the index for the next run. An
     * entry whose record has vanished or now carries another time is dropped: the record was resolved, or it has
     * an entry of its own.
     *
     * @return the work done
     */
    int purge(long cutoffMillis, int budget) {
        int left = budget;
        left = purge(AWAITED, cutoffMillis, left);
        left = purge(SHIPPED, cutoffMillis, left);
        left = purge(COMMIT, cutoffMillis, left);
        return budget - left;
    }

    private int purge(String kind, long cutoffMillis, int budget) {
        int left = budget;
        while (left > 0) {
            List<ExpiryIndex.Entry> entries = expiry.expire(kind, cutoffMillis, Math.min(left, PURGE_CHUNK));
            if (entries.isEmpty()) {
                break;
            }
            for (ExpiryIndex.Entry entry : entries) {
                if (left > 0) {
                    left -= expired(entry, left);
                } else {
                    expiry.add(entry.kind(), entry.timeMillis(), entry.key()); // for the next run
                }
            }
        }
        return Math.max(0, left);
    }

    /** Deletes what one expired entry points at, if it is still that record; returns the work done. */
    private int expired(ExpiryIndex.Entry entry, int budget) {
        String key = entry.key();
        if (AWAITED.equals(entry.kind())) {
            AwaitedDeployment deployment = awaited.get(key);
            if (deployment != null && deployment.timeMillis() == entry.timeMillis()) {
                awaited.delete(key);
            }
            return 1;
        }
        if (SHIPPED.equals(entry.kind())) {
            ShippedMark mark = shipped.get(key);
            if (mark != null && mark.timeMillis() == entry.timeMillis()) {
                shipped.delete(key);
            }
            return 1;
        }
        CommitNode node = nodes.get(key);
        if (node == null || node.timeMillis() != entry.timeMillis()) {
            return 1;
        }
        // Parents go first and the node last, so a purge cut short by the budget never leaves parents without
        // their node; the entry goes back to the index and the next run goes on with the rest.
        int allowed = Math.max(0, budget - 1);
        Map<String, Integer> linked = scan(parents, key, allowed + 1);
        int deleted = 0;
        for (String parent : linked.keySet()) {
            if (deleted == allowed) {
                expiry.add(entry.kind(), entry.timeMillis(), key);
                return 1 + deleted;
            }
            parents.delete(StoreKey.of(key, parent));
            deleted++;
        }
        nodes.delete(key);
        return 1 + deleted;
    }

    private void putParents(String nodeKey, int firstPosition, List<String> parentShas) {
        for (int i = 0; i < parentShas.size(); i++) {
            parents.put(StoreKey.of(nodeKey, parentShas.get(i)), firstPosition + i);
        }
    }

    /**
     * Up to {@code max} records whose key is {@code owner|...}, by the rest of their key, in key order. The iterator
     * is closed before anyone writes to the store.
     */
    private static <V> Map<String, V> scan(KeyValueStore<String, V> store, String owner, int max) {
        String prefix = owner + StoreKey.SEPARATOR;
        Map<String, V> found = new LinkedHashMap<>();
        try (KeyValueIterator<String, V> range = store.prefixScan(prefix, PREFIX)) {
            while (range.hasNext() && found.size() < max) {
                KeyValue<String, V> next = range.next();
                found.put(next.key.substring(prefix.length()), next.value);
            }
        }
        return found;
    }
}
