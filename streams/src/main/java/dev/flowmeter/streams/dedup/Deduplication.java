package dev.flowmeter.streams.dedup;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.ExpiryIndex;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Drops redelivered events inside the topology, so deduplication holds across restarts and replicas: the ids live in
 * a changelogged store, updated in the same transaction as everything they protect. Ids are remembered for the
 * configured retention, measured on the wall clock from when an id was first seen (not from its event time, so a
 * backfill of old events is still deduplicated), and expire through a time-ordered index, oldest first, never by a
 * scan of all ids.
 */
public final class Deduplication {

    /** Key service|event id, value the wall-clock time the id was first seen (epoch millis). */
    public static final String STORE = "dedup-ids-store";
    /** The ids by first-seen time (an {@link ExpiryIndex}). */
    public static final String EXPIRY_STORE = "dedup-expiry-store";

    private Deduplication() {
    }

    /** Returns the stream of first deliveries; counts events and duplicates on the way. */
    public static KStream<String, DeliveryEvent> addTo(
            StreamsBuilder builder, KStream<String, DeliveryEvent> events, TopologySettings settings) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                settings.stores().supplier(STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(ExpiryIndex.storeBuilder(EXPIRY_STORE, settings.stores()));
        return events.process(() -> new DedupProcessor(settings.dedupRetention(), settings.purgeInterval()),
                Named.as("dedup-drop-redeliveries"), STORE, EXPIRY_STORE, Aggregates.STORE);
    }

    private static final class DedupProcessor
            implements Processor<String, DeliveryEvent, String, DeliveryEvent> {

        /** Most ids expired in one punctuation, so that one purge never holds the stream thread for long. */
        static final int BATCH = 1_000;

        private static final String SEEN = "seen";
        private static final Duration MAX_TICK = Duration.ofSeconds(1);

        private final long retentionMillis;
        private final long purgeIntervalMillis;
        private final Duration tick;
        private ProcessorContext<String, DeliveryEvent> context;
        private KeyValueStore<String, Long> seen;
        private ExpiryIndex expiry;
        private Aggregates aggregates;
        private long nextPurgeAt;
        private boolean purgeBehind;

        DedupProcessor(Duration retention, Duration purgeInterval) {
            this.retentionMillis = retention.toMillis();
            this.purgeIntervalMillis = purgeInterval.toMillis();
            // A purge runs every purge interval; ticking more often lets one that fell behind catch up a batch a tick.
            this.tick = purgeInterval.compareTo(MAX_TICK) < 0 ? purgeInterval : MAX_TICK;
        }

        @Override
        public void init(ProcessorContext<String, DeliveryEvent> context) {
            this.context = context;
            this.seen = context.getStateStore(STORE);
            this.expiry = new ExpiryIndex(context.getStateStore(EXPIRY_STORE));
            this.aggregates = new Aggregates(context.getStateStore(Aggregates.STORE));
            context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
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
            long now = context.currentSystemTimeMs();
            seen.put(key, now);
            expiry.add(SEEN, now, key);
            aggregates.increment(Metric.EVENTS, event.type().wireName());
            context.forward(record);
        }

        private void punctuate(long now) {
            if (now < nextPurgeAt && !purgeBehind) {
                return;
            }
            long oldest = now - retentionMillis;
            List<ExpiryIndex.Entry> expired = expiry.expire(SEEN, oldest, BATCH);
            for (ExpiryIndex.Entry entry : expired) {
                Long firstSeen = seen.get(entry.key());
                if (firstSeen != null && firstSeen < oldest) {
                    seen.delete(entry.key());
                }
            }
            // A full batch means more may be due: carry on at the next tick rather than a purge interval later.
            purgeBehind = expired.size() == BATCH;
            nextPurgeAt = now + purgeIntervalMillis;
        }
    }
}
