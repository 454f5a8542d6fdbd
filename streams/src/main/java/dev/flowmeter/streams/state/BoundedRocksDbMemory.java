package dev.flowmeter.streams.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * Puts the read side of every RocksDB store of the process under one memory budget, and caps each store's
 * memtables. By Kafka Streams' defaults each store instance (every store of every partition: 22 stores x 6
 * partitions here) has its own 50 MiB block cache plus its index and filter blocks outside any cache, so resident
 * memory grows with the partitions a process holds and has no ceiling. Here they share one LRU block cache of
 * {@link #MEMORY_BYTES_CONFIG} bytes that also holds their index and filter blocks, and each store keeps at most two
 * 8 MiB memtables, which fill only as it is written.
 *
 * <p>Charging the memtables to the same budget with a RocksDB write-buffer manager was measured and dropped: with
 * 132 store instances under one budget every instance flushes tiny memtables, and the topology ran seven times
 * slower (docs/performance.md).
 *
 * <p>The cache is made once per JVM, at the first store opened, and never closed: stores come and go as partitions
 * move, the budget stays. A later change of the budget in the same JVM has no effect.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The Streams configuration entry, in bytes, for the block cache all RocksDB stores of the process share. */
    public static final String MEMORY_BYTES_CONFIG = "flowmeter.state.memory.bytes";
    public static final long DEFAULT_MEMORY_BYTES = 128L * 1024 * 1024;
    public static final long MIN_MEMORY_BYTES = 16L * 1024 * 1024;
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
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache is shared by every store and outlives each one.
    }

    static long budget(Object configured) {
        if (configured == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes = configured instanceof Number number ? number.longValue()
                : Long.parseLong(configured.toString().trim());
        if (bytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException(MEMORY_BYTES_CONFIG + " must be at least 16 MiB, was " + bytes);
        }
        return bytes;
    }

    private static synchronized Shared shared(long budget) {
        if (shared == null) {
            shared = new Shared(new LRUCache(budget, -1, false, HIGH_PRIORITY_SHARE));
        }
        return shared;
    }

    private record Shared(Cache cache) {
    }
}
