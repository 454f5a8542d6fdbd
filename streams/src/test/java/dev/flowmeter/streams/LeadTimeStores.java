package dev.flowmeter.streams;

import dev.flowmeter.streams.state.JsonSerde;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;

/** Reads the lead-time stores of a test driver whole, which only a test may do. */
final class LeadTimeStores {

    private LeadTimeStores() {
    }

    /** Every record of a store, by key. */
    static Map<String, Object> contents(TopologyTestDriver driver, String store) {
        Map<String, Object> records = new TreeMap<>();
        try (KeyValueIterator<String, Object> all = driver.<String, Object>getKeyValueStore(store).all()) {
            all.forEachRemaining(record -> records.put(record.key, record.value));
        }
        return records;
    }

    /** The size of the largest value of a store, written with the serde the store writes its changelog with. */
    static int largestValueBytes(TopologyTestDriver driver, String store) {
        return contents(driver, store).values().stream().mapToInt(LeadTimeStores::serializedBytes).max().orElse(0);
    }

    /**
     * The lead-time stores keep Integers (parent positions), Strings (the expiry index) and small records written
     * as JSON with {@link JsonSerde}, which writes a record by its runtime type.
     */
    private static int serializedBytes(Object value) {
        if (value instanceof Integer number) {
            return Serdes.Integer().serializer().serialize("", number).length;
        }
        if (value instanceof String text) {
            return Serdes.String().serializer().serialize("", text).length;
        }
        return new JsonSerde<>(Object.class).serializer().serialize("", value).length;
    }
}
