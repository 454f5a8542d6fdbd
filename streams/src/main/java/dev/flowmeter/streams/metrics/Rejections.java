package dev.flowmeter.streams.metrics;

import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topic;
import dev.flowmeter.streams.errors.DeadLetters;
import dev.flowmeter.streams.state.StoreKind;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts input refused at the HTTP boundary by reason, and records the topology itself skipped
 * ({@link DeadLetters}). The refusals travel through Kafka (the dead-letter topic) like
 * everything else, so the count is committed state too and survives restarts.
 */
public final class Rejections {

    private Rejections() {
    }

    public static void addTo(StreamsBuilder builder, Topic<String, Rejection> deadLetter,
            TimestampExtractor timestamps, StoreKind stores) {
        builder.addStateStore(Aggregates.storeBuilder(Aggregates.REJECTIONS_STORE, stores));
        builder.stream(deadLetter.name(), Consumed.with(deadLetter.keySerde(), deadLetter.valueSerde())
                        .withTimestampExtractor(timestamps)
                        .withName("rejections-read-dead-letters"))
                .process(CountProcessor::new, Named.as("rejections-count-by-reason"), Aggregates.REJECTIONS_STORE);
    }

    private static final class CountProcessor implements Processor<String, Rejection, Void, Void> {

        private Aggregates aggregates;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            aggregates = new Aggregates(context.getStateStore(Aggregates.REJECTIONS_STORE));
        }

        @Override
        public void process(Record<String, Rejection> record) {
            Rejection rejection = record.value();
            if (rejection == null) {
                return;
            }
            if (DeadLetters.SOURCE.equals(rejection.source())) {
                aggregates.increment(Metric.PROCESSING_ERRORS, rejection.reason());
            } else {
                aggregates.increment(Metric.EVENTS_REJECTED, rejection.reason());
            }
        }
    }
}
