package dev.flowmeter.bench.run;

import dev.flowmeter.ingest.kafka.KafkaEventPublisher;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The producer settings Flowmeter's ingest uses, given to the reference producer too (beyond acks and idempotence). */
final class ProducerSettings {

    static final Map<String, String> FLOWMETER = new TreeMap<>(KafkaEventPublisher.BATCHING.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, entry -> String.valueOf(entry.getValue()))));

    private ProducerSettings() {
    }
}
