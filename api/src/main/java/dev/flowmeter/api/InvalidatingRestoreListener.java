package dev.flowmeter.api;

import dev.flowmeter.streams.state.StateChanges;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Restoring a store from its changelog writes to it without passing the topology's processors, so nothing tells
 * {@link StateChanges} which services changed: at the start and at the end of every restore, everything counts as
 * changed.
 */
final class InvalidatingRestoreListener implements StateRestoreListener {

    private final StateChanges changes;

    InvalidatingRestoreListener(StateChanges changes) {
        this.changes = changes;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        changes.invalidateAll();
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long restored) {
        changes.invalidateAll();
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        changes.invalidateAll();
    }
}
