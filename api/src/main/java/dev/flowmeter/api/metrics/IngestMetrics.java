package dev.flowmeter.api.metrics;

import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.kafka.KafkaEventPublisher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.List;

/**
 * The ingest side's own numbers, kept in memory by this process: refused credentials per source, request bytes held
 * right now, and the producer's client metrics. Unlike the topology's series they start from 0 with the process.
 */
public final class IngestMetrics {

    private IngestMetrics() {
    }

    /**
     * Binds the counters of {@code sources} (the events API and every enabled webhook) at 0 from the start; returns
     * what to close when the server stops.
     */
    public static AutoCloseable bind(MeterRegistry registry, UnauthenticatedRequests unauthenticated,
            List<String> sources,
            BodyBudget budget, KafkaEventPublisher publisher) {
        for (String source : sources) {
            FunctionCounter.builder("flowmeter.requests.unauthenticated", unauthenticated, u -> u.count(source))
                    .description("Requests refused with 401 (missing or wrong token or signature); never written to"
                            + " Kafka")
                    .tag("source", source)
                    .register(registry);
        }
        Gauge.builder("flowmeter.ingest.buffered", budget, BodyBudget::reservedBytes)
                .description("Request-body bytes held in memory right now, over all requests")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("flowmeter.ingest.buffered.limit", budget, BodyBudget::maxBytes)
                .description("FLOWMETER_MAX_BUFFERED_BYTES: past it, requests are answered 503 with Retry-After")
                .baseUnit("bytes")
                .register(registry);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(publisher.producer());
        producerMetrics.bindTo(registry);
        return producerMetrics;
    }
}
