package dev.flowmeter.events;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde for {@link GateStall} as JSON. */
public final class GateStallSerde implements Serde<GateStall> {

    @Override
    public Serializer<GateStall> serializer() {
        return (topic, stall) -> {
            try {
                return stall == null ? null : EventJson.MAPPER.writeValueAsBytes(stall);
            } catch (IOException e) {
                throw new SerializationException("cannot write gate stall", e);
            }
        };
    }

    @Override
    public Deserializer<GateStall> deserializer() {
        return (topic, bytes) -> {
            try {
                return bytes == null ? null : EventJson.MAPPER.readValue(bytes, GateStall.class);
            } catch (IOException e) {
                throw new SerializationException("record on " + topic + " is not a gate stall", e);
            }
        };
    }
}
