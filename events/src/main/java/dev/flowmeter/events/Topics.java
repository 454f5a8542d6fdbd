package dev.flowmeter.events;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/** Every Kafka topic Flowmeter writes or reads. Keys are the service, so one service's history is one partition. */
public final class Topics {

    /** Accepted delivery events, keyed by service. */
    public static final Topic<String, DeliveryEvent> EVENTS =
            new Topic<>("flowmeter.events.v1", Serdes.String(), new DeliveryEventSerde());

    /** Input that was refused at the HTTP boundary, kept so nothing sent is lost and rejections are counted. */
    public static final Topic<String, Rejection> DEAD_LETTER =
            new Topic<>("flowmeter.events.dead-letter.v1", Serdes.String(), new RejectionSerde());

    /**
     * {@code gate.stalled} and {@code gate.unstalled} records, keyed by service, for other systems (chat bots,
     * ticketing) to react to; written by the topology, read by nothing of ours.
     */
    public static final Topic<String, GateStall> GATES_STALLED =
            new Topic<>("flowmeter.gates.stalled.v1", Serdes.String(), new GateStallSerde());

    public static final List<Topic<?, ?>> ALL = List.of(EVENTS, DEAD_LETTER, GATES_STALLED);

    private Topics() {
    }
}
