package dev.flowmeter.bench.run;

import java.util.Map;

/** The producer settings Flowmeter's ingest uses, given to the reference producer too (beyond acks and idempotence). */
final class ProducerSettings {

    static final Map<String, String> FLOWMETER = Map.of("linger.ms", "5");

    private ProducerSettings() {
    }
}
