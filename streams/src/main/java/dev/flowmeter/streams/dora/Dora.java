package dev.flowmeter.streams.dora;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.streams.TopologySettings;
import java.time.Duration;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The DORA keys' own part of the topology: incidents into the {@link DeliveryLedger}. Deployments and the commits
 * they ship are entered by the lead-time feature, which is where a deployment's commits are worked out. Everything
 * the keys report is computed from the ledger when asked ({@link DoraQuery}), not here.
 */
public final class Dora {

    /** Most incidents deleted in one purge run. */
    static final int PURGE_BUDGET = 10_000;

    private Dora() {
    }

    public static void addTo(StreamsBuilder builder, KStream<String, DeliveryEvent> events,
            TopologySettings settings) {
        events.filter((service, event) -> event instanceof IncidentOpened || event instanceof IncidentResolved,
                        Named.as("dora-select-incidents"))
                .process(() -> new IncidentProcessor(settings), Named.as("dora-record-incidents"),
                        DeliveryLedger.INCIDENTS_STORE, DeliveryLedger.EXPIRY_STORE);
    }

    private static final class IncidentProcessor implements Processor<String, DeliveryEvent, Void, Void> {

        private final Duration retention;
        private final Duration purgeInterval;
        private DeliveryLedger ledger;

        IncidentProcessor(TopologySettings settings) {
            this.retention = settings.retention();
            this.purgeInterval = settings.purgeInterval();
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            ledger = DeliveryLedger.forIncidents(context);
            context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME,
                    now -> ledger.purgeIncidents(now - retention.toMillis(), PURGE_BUDGET));
        }

        @Override
        public void process(Record<String, DeliveryEvent> record) {
            if (record.value() instanceof IncidentOpened opened) {
                ledger.incident(opened.service(), opened.incident(), IncidentFact.opened(
                        opened.time().toEpochMilli(), opened.environment(), opened.sha()));
            } else if (record.value() instanceof IncidentResolved resolved) {
                ledger.incident(resolved.service(), resolved.incident(), IncidentFact.resolved(
                        resolved.time().toEpochMilli(), resolved.environment(), resolved.sha()));
            }
        }
    }
}
