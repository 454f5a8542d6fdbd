package dev.flowmeter.streams.dedup;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Drops redelivered events inside the topology, so deduplication holds across restarts and replicas: the ids live in
 * a changelogged store, updated in the same transaction as everything they protect. Ids are remembered for the
 * configured retention, measured on the wall clock from when an id was first seen (not from its event time, so a
 * backfill of old events is still deduplicated).
 */
public final class Deduplication {

    public static final String STORE = "dedup-ids-store";

    private Deduplication() {
    }

    /** Returns the stream of first deliveries; counts events and duplicates on the way. */
    public static KStream<String, DeliveryEvent> addTo(
            StreamsBuilder builder, KStream<String, DeliveryEvent> events, TopologySettings settings) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()));
        return events.process(() -> new DedupProcessor(settings.dedupRetention(), settings.purgeInterval()),
                Named.as("dedup-drop-redeliveries"), STORE, Aggregates.STORE);
    }

    private static final class DedupProcessor
            implements Processor<String, DeliveryEvent, String, DeliveryEvent> {

        private final Duration retention;
        private final Duration purgeInterval;
        private ProcessorContext<String, DeliveryEvent> context;
        private KeyValueStore<String, Long> seen;
        private Aggregates aggregates;

        DedupProcessor(Duration retention, Duration purgeInterval) {
            this.retention = retention;
            this.purgeInterval = purgeInterval;
        }

        @Override
        public void init(ProcessorContext<String, DeliveryEvent> context) {
            this.context = context;
            this.seen = context.getStateStore(STORE);
            this.aggregates = new Aggregates(context.getStateStore(Aggregates.STORE));
            context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<String, DeliveryEvent> record) {
            DeliveryEvent event = record.value();
            if (event == null) {
                return;
            }
            String key = StoreKey.of(event.service(), event.id());
            if (seen.get(key) != null) {
                aggregates.increment(Metric.EVENTS_DUPLICATE);
                return;
            }
            seen.put(key, context.currentSystemTimeMs());
            aggregates.increment(Metric.EVENTS, event.type().wireName());
            context.forward(record);
        }

        private void purge(long now) {
            long oldest = now - retention.toMillis();
            try (KeyValueIterator<String, Long> all = seen.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Long> entry = all.next();
                    if (entry.value < oldest) {
                        seen.delete(entry.key);
                    }
                }
            }
        }
    }
}
