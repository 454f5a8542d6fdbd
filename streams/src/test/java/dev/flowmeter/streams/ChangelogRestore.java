package dev.flowmeter.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A restart, as far as TopologyTestDriver allows one: it cannot reopen a state directory (it keeps RocksDB writes in
 * memory and deletes the directory on close), so a second topology is given the first one's state by replaying each
 * store's changelog, in order and with its deletes, the way Kafka Streams restores a store after a restart.
 */
public final class ChangelogRestore {

    private final String applicationId;
    private final TopologySettings settings;
    /** Per store, how its changelog's values are read. */
    private final Map<String, Deserializer<?>> values;

    public ChangelogRestore(String applicationId, TopologySettings settings, Map<String, Deserializer<?>> values) {
        this.applicationId = applicationId;
        this.settings = settings;
        this.values = Map.copyOf(values);
    }

    /** A fresh production topology, on a state directory of its own, whose wall clock starts at {@code wallClock}. */
    public TopologyTestDriver start(Instant wallClock) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("flowmeter-restart").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TopologyTestDriver(ValueStreamTopology.build(settings), props, wallClock);
    }

    /** Gives {@code to} every store's state that {@code from} wrote to its changelogs. */
    public void restoreAll(TopologyTestDriver from, TopologyTestDriver to) {
        values.keySet().forEach(store -> restore(from, to, store));
    }

    /** The stores this restore covers. */
    public Set<String> stores() {
        return values.keySet();
    }

    private void restore(TopologyTestDriver from, TopologyTestDriver to, String store) {
        String topic = applicationId + "-" + store + "-changelog";
        TestOutputTopic<String, byte[]> changelog = from.createOutputTopic(topic, new StringDeserializer(),
                new ByteArrayDeserializer());
        KeyValueStore<String, Object> target = to.getKeyValueStore(store);
        for (KeyValue<String, byte[]> record : changelog.readKeyValuesToList()) {
            if (record.value == null) {
                target.delete(record.key);
            } else {
                target.put(record.key, values.get(store).deserialize(topic, record.value));
            }
        }
    }
}
