package dev.flowmeter.streams;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time is when a thing happened at its source: the event's {@code time}, not when Kafka received it. */
final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof DeliveryEvent event) {
            return event.time().toEpochMilli();
        }
        if (record.value() instanceof Rejection rejection) {
            return rejection.receivedAt().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
