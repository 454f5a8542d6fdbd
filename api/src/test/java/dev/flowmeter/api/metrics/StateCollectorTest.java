package dev.flowmeter.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.state.StoreLookup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

class StateCollectorTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC);

    /** A lookup that fails the way a store that is not here fails, but with an exception nobody planned for. */
    private static final StoreLookup BROKEN = new StoreLookup() {
        @Override
        public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
            throw new IllegalStateException("the store went away in an unexpected way");
        }
    };

    @Test
    void shouldServeTheRestOfTheScrapeAndSayStateIsNotReadyWhenTheStateCannotBeRead() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("some.other.metric").increment();
        registry.getPrometheusRegistry().register(new StateCollector(new MetricsQuery(BROKEN, CLOCK), () -> {
            throw new IllegalStateException("sizes unavailable too");
        }));

        String scrape = registry.scrape();

        assertThat(scrape).contains("flowmeter_state_ready 0.0");
        assertThat(scrape).contains("some_other_metric_total 1.0");
        assertThat(scrape).doesNotContain("flowmeter_state_store_entries{");
        registry.close();
    }

    @Test
    void shouldServeEachStoresEstimatedSizeWhenTheSizesCanBeRead() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(new StateCollector(new MetricsQuery(BROKEN, CLOCK),
                () -> Map.of("dedup-ids-store", 42L)));

        assertThat(registry.scrape()).contains("flowmeter_state_store_entries{store=\"dedup-ids-store\"} 42.0");
        registry.close();
    }
}
