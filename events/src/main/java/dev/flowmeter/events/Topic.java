package dev.flowmeter.events;

import org.apache.kafka.common.serialization.Serde;

/** A topic's name together with the serdes of its keys and values, so no topic name is spelled twice. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
