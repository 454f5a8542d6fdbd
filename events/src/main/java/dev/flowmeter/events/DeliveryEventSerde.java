package dev.flowmeter.events;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde for {@link DeliveryEvent} in its canonical JSON; reading re-checks the whole contract. */
public final class DeliveryEventSerde implements Serde<DeliveryEvent> {

    @Override
    public Serializer<DeliveryEvent> serializer() {
        return (topic, event) -> event == null ? null : EventJson.toBytes(event);
    }

    @Override
    public Deserializer<DeliveryEvent> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return EventJson.fromBytes(bytes);
            } catch (InvalidEventException e) {
                throw new SerializationException("record on " + topic + " is not a delivery event: " + e.getMessage());
            }
        };
    }
}
