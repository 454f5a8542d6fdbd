package dev.flowmeter.streams.state;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Finds a local read-only store by name: Kafka Streams' interactive queries in the server, a test driver's store in
 * tests. Every query class reads state through it.
 */
@FunctionalInterface
public interface StoreLookup {
    <V> ReadOnlyKeyValueStore<String, V> store(String name);
}
