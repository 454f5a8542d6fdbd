package dev.flowmeter.streams.state;

import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Where the topology keeps its key-value stores: in RocksDB, as the server always does and every test but the
 * property tests do, or in memory, for the property tests only. Those build hundreds of fresh topologies of some
 * forty stores each, and opening, flushing and closing RocksDB is nearly all of their time; what they check (that
 * order does not matter) does not depend on the store. Both keep keys in the same byte order, so scans agree.
 */
public enum StoreKind {
    ROCKSDB, IN_MEMORY;

    public KeyValueBytesStoreSupplier supplier(String name) {
        return this == ROCKSDB ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }
}
