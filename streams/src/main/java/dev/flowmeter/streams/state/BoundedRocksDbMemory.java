package dev.flowmeter.streams.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Puts every RocksDB store of the process under one memory budget. By Kafka Streams' defaults each store instance
 * (every store of every partition: 22 stores x 6 partitions here) has its own 50 MiB block cache and up to three
 * 16 MiB memtables, so resident memory grows with the number of partitions a process holds and has no ceiling. Here
 * they all share one block cache, which also holds their index and filter blocks, and their memtables are charged
 * to that same cache through one write-buffer manager, so the process's RocksDB memory stays near the budget
 * whatever the number of stores. The budget comes from {@link #MEMORY_BYTES_CONFIG} in the Streams configuration.
 *
 * <p>The cache and the manager are made once per JVM, at the first store opened, and never closed: stores come and
 * go as partitions move, the budget stays. A later change of the budget in the same JVM has no effect.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The Streams configuration entry, in bytes, for the budget of all RocksDB stores of the process together. */
    public static final String MEMORY_BYTES_CONFIG = "flowmeter.state.memory.bytes";
    public static final long DEFAULT_MEMORY_BYTES = 128L * 1024 * 1024;
    /** The share of the budget memtables may take; the rest caches blocks read, index and filter blocks first. */
    static final double WRITE_BUFFER_SHARE = 0.5;
    /** Index and filter blocks are evicted last: losing them makes every read touch the disk. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;
    private static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;

    private static Shared shared;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared memory = shared(budget(configs.get(MEMORY_BYTES_CONFIG)));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBuffers());
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store and outlive each one.
    }

    static long budget(Object configured) {
        if (configured == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes = configured instanceof Number number ? number.longValue()
                : Long.parseLong(configured.toString().trim());
        if (bytes < 16L * 1024 * 1024) {
            throw new IllegalArgumentException(MEMORY_BYTES_CONFIG + " must be at least 16 MiB, was " + bytes);
        }
        return bytes;
    }

    private static synchronized Shared shared(long budget) {
        if (shared == null) {
            Cache cache = new LRUCache(budget, -1, false, HIGH_PRIORITY_SHARE);
            shared = new Shared(cache, new WriteBufferManager((long) (budget * WRITE_BUFFER_SHARE), cache));
        }
        return shared;
    }

    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }
}
