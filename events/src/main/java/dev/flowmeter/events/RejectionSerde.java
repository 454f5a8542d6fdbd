package dev.flowmeter.events;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde for {@link Rejection} as JSON. */
public final class RejectionSerde implements Serde<Rejection> {

    @Override
    public Serializer<Rejection> serializer() {
        return (topic, rejection) -> {
            try {
                return rejection == null ? null : EventJson.MAPPER.writeValueAsBytes(rejection);
            } catch (IOException e) {
                throw new SerializationException("cannot write rejection", e);
            }
        };
    }

    @Override
    public Deserializer<Rejection> deserializer() {
        return (topic, bytes) -> {
            try {
                return bytes == null ? null : EventJson.MAPPER.readValue(bytes, Rejection.class);
            } catch (IOException e) {
                throw new SerializationException("record on " + topic + " is not a rejection", e);
            }
        };
    }
}
