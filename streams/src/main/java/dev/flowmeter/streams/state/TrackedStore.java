package dev.flowmeter.streams.state;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A byte store that tells {@link StateChanges} the service of every key written. It sits under Kafka Streams' own
 * layers (metering, change logging), so it sees exactly the writes of the processors, purges included, and
 * forwards every call unchanged to the RocksDB store beneath. Keys must be strings that start with the service and
 * {@link StoreKey#SEPARATOR}, as every per-service store's keys do.
 */
public final class TrackedStore implements KeyValueStore<Bytes, byte[]> {

    private static final byte SEPARATOR = (byte) StoreKey.SEPARATOR;

    private final KeyValueStore<Bytes, byte[]> inner;
    private final StateChanges changes;

    private TrackedStore(KeyValueStore<Bytes, byte[]> inner, StateChanges changes) {
        this.inner = inner;
        this.changes = changes;
    }

    /** A supplier of {@code inner}'s stores, each tracked. */
    public static KeyValueBytesStoreSupplier tracking(KeyValueBytesStoreSupplier inner, StateChanges changes) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new TrackedStore(inner.get(), changes);
            }

            @Override
            public String metricsScope() {
                return inner.metricsScope();
            }
        };
    }

    private void changed(Bytes key) {
        byte[] bytes = key.get();
        int end = 0;
        while (end < bytes.length && bytes[end] != SEPARATOR) {
            end++;
        }
        changes.changed(new String(bytes, 0, end, StandardCharsets.UTF_8));
    }

    @Override
    public void put(Bytes key, byte[] value) {
        inner.put(key, value);
        changed(key);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] previous = inner.putIfAbsent(key, value);
        changed(key);
        return previous;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        inner.putAll(entries);
        entries.forEach(entry -> changed(entry.key));
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] previous = inner.delete(key);
        changed(key);
        return previous;
    }

    @Override
    public byte[] get(Bytes key) {
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return inner.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return inner.reverseAll();
    }

    @Override
    public <S extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, S serializer) {
        return inner.prefixScan(prefix, serializer);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }
}
