package dev.flowmeter.streams;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Topic;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.dedup.Deduplication;
import dev.flowmeter.streams.dora.DeliveryLedger;
import dev.flowmeter.streams.dora.Dora;
import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.leadtime.LeadTime;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Rejections;
import dev.flowmeter.streams.state.StateChanges;
import dev.flowmeter.streams.valuestream.ValueStream;
import dev.flowmeter.streams.work.WorkItems;
import dev.flowmeter.streams.work.WorkSettings;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * The one entry point of the streams module: builds the topology that turns delivery events into metric state.
 * Events are keyed by service, so each service's history is in one partition; only the work items' facts are
 * repartitioned, by item, since a tracker's item is named by commits of any service ({@link WorkItems}).
 *
 * <p>Record timestamps stay the ingest time, end to end: every metric is computed from the event's own {@code time}
 * in the payload, never from the record's timestamp. Were the event time extracted as the record timestamp, Kafka
 * Streams would stamp every changelog write with it, and the broker refuses records more than
 * {@code message.timestamp.after.max.ms} (1 h) ahead: one event from a sender whose clock runs fast would stop the
 * topology for good.
 */
public final class ValueStreamTopology {

    private ValueStreamTopology() {
    }

    /** The topology, with nobody reading which services changed. */
    public static Topology build(TopologySettings settings) {
        return build(settings, new StateChanges());
    }

    /** @param changes told of every write to the stores the scrape works series out from, for its cache */
    public static Topology build(TopologySettings settings, StateChanges changes) {
        return build(settings, changes, WorkSettings.DEFAULTS);
    }

    /** @param work which environments are production and how item keys are found, for the work items */
    public static Topology build(TopologySettings settings, StateChanges changes, WorkSettings work) {
        StreamsBuilder builder = new StreamsBuilder();
        TimestampExtractor ingestTime = new UsePartitionTimeOnInvalidTimestamp();
        Topic<String, DeliveryEvent> topic = Topics.EVENTS;
        builder.addStateStore(Aggregates.storeBuilder(Aggregates.STORE, settings.stores()));
        KStream<String, DeliveryEvent> events = builder.stream(topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde())
                        .withTimestampExtractor(ingestTime)
                        .withName("events-read-delivery-events"));
        KStream<String, DeliveryEvent> firstDeliveries = Deduplication.addTo(builder, events, settings);
        DeliveryLedger.addStores(builder, settings, changes);
        LeadTime.addTo(builder, firstDeliveries, settings, changes);
        Dora.addTo(builder, firstDeliveries, settings);
        Gates.addTo(builder, firstDeliveries, settings, changes);
        ValueStream.addTo(builder, firstDeliveries, settings, changes);
        // After LeadTime: it reads what LeadTime wrote for the same record.
        WorkItems.addTo(builder, firstDeliveries, settings, work);
        Rejections.addTo(builder, Topics.DEAD_LETTER, ingestTime, settings.stores());
        return builder.build();
    }
}
