package dev.flowmeter.bench.micro;

import dev.flowmeter.api.metrics.StateCollector;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.dora.Teams;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one {@code /metrics} scrape costs. Nothing is counted in memory: every scrape reads the aggregates, the waiting
 * gate items, every service's delivery ledger and value-stream facts from the state stores and works the DORA and
 * value-stream series out afresh, so the cost grows with the services and their history. The state is made the
 * honest way, by feeding each service's {@link ServiceHistory} (five environments, ten gates, a month of releases)
 * through the real topology before the measurement; the scrape then reads the driver's RocksDB stores.
 *
 * <p>Three layers, each including the one before: {@link #snapshot} is {@link MetricsQuery} alone (reading and
 * computing), {@link #collect} adds {@link StateCollector}'s conversion to the Prometheus model, and {@link #scrape}
 * is the whole text the server answers, from a registry holding only Flowmeter's collector (the JVM and Kafka client
 * metrics the server adds are left out).
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class MetricsScrapeBenchmark {

    /** Services per team in the generated names; teams are only part of the name here (no FLOWMETER_TEAMS). */
    private static final int SERVICES_PER_TEAM = 20;

    @Param({"100", "1000"})
    public int services;

    private DrivenTopology topology;
    private MetricsQuery query;
    private StateCollector collector;
    private PrometheusMeterRegistry registry;

    @Setup(Level.Trial)
    public void feed() {
        topology = new DrivenTopology();
        Instant start = DrivenTopology.WALL_CLOCK.minus(Duration.ofDays(30));
        for (int s = 0; s < services; s++) {
            String service = "team-" + s / SERVICES_PER_TEAM + "/service-" + s;
            ServiceHistory.of(service, start.plus(Duration.ofMinutes(s))).forEach(topology::send);
            if (s % 100 == 99) {
                topology.dropChangelogs();
            }
        }
        settleGateItems();
        topology.dropChangelogs();
        Clock clock = Clock.fixed(topology.now(), ZoneOffset.UTC);
        query = new MetricsQuery(topology.stores(), clock, TopologySettings.defaults().gateLimits(),
                DoraSettings.DEFAULTS, Teams.NONE);
        collector = new StateCollector(query, topology::approximateStoreSizes);
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(collector);
        MetricsSnapshot snapshot = query.snapshot();
        String text = registry.scrape();
        long samples = text.lines().filter(line -> !line.startsWith("#")).count();
        System.out.printf("%n%d services: %d histogram and %d other series, %,d samples, a scrape of %,d bytes%n",
                services, snapshot.histograms().size(), snapshot.scalars().size(), samples,
                text.getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * Lets the gate reorder window pass and then enough punctuations for every held gate event to be applied, as a
     * running server would have long before a scrape; a punctuation settles at most a thousand items.
     */
    private void settleGateItems() {
        topology.advanceWallClock(TopologySettings.DEFAULT_GATE_REORDER_WINDOW);
        int items = services * ServiceHistory.GATES.size() * 2 + services;
        for (int i = 0; i <= items / 1_000; i++) {
            topology.advanceWallClock(Duration.ofSeconds(1));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        registry.close();
        topology.close();
    }

    @Benchmark
    public MetricsSnapshot snapshot() {
        return query.snapshot();
    }

    @Benchmark
    public MetricSnapshots collect() {
        return collector.collect();
    }

    @Benchmark
    public String scrape() {
        return registry.scrape();
    }
}
