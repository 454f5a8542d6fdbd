package dev.flowmeter.bench.org;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.ValueStreamTopology;
import dev.flowmeter.streams.dora.DoraKeys;
import dev.flowmeter.streams.dora.DoraQuery;
import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.errors.SkipFailedRecords;
import dev.flowmeter.streams.errors.SkipOversizedWrites;
import dev.flowmeter.streams.errors.SkipUnreadableRecords;
import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.gates.Gates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Feeds an {@link Organisation} through the production topology ({@link TopologyTestDriver}, with the server's
 * skip-and-dead-letter handlers) as the bytes {@link Preload} writes, and checks that the benchmarks' history is
 * what they assume: every event valid and accepted (nothing dead-lettered, skipped or counted twice), a repeated run
 * identical byte for byte, and every part of the topology exercised for every service (deployments and lead times in
 * all environments, waits at every gate, incidents and recoveries, changes with all four stages). Prints the event
 * mix and a DORA summary; exits 1 with the list of what failed otherwise. Arguments:
 * {@code [--services 20] [--events-per-service 5000] [--seed 1] [--end RFC3339]}.
 */
public final class OrganisationCheck {

    private static final Set<String> ARGUMENTS = Set.of("services", "events-per-service", "seed", "end");
    private static final Path MEMORY = Path.of("/dev/shm");
    private static final List<String> STAGES = List.of("coding", "pickup", "review", "deploy");
    private static final String PRODUCTION = "production";
    private static final String APPLICATION_ID = "flowmeter-organisation-check";
    /** How many events between two drains of the changelog records the driver keeps. */
    private static final int DRAIN_EVERY = 10_000;

    private final Organisation organisation;
    private final Instant end;
    private final List<String> failures = new ArrayList<>();

    private OrganisationCheck(Organisation organisation, Instant end) {
        this.organisation = organisation;
        this.end = end;
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = new Arguments(args, ARGUMENTS);
        int services = arguments.integer("services", 20, 1);
        int eventsPerService = arguments.integer("events-per-service", Organisation.REFERENCE_EVENTS_PER_YEAR, 1);
        long seed = arguments.number("seed", 1, Long.MIN_VALUE);
        Instant end = arguments.end();
        OrganisationCheck check = new OrganisationCheck(
                new Organisation(seed, services, eventsPerService, end, Preload.SPAN), end);
        check.run();
        if (!check.failures.isEmpty()) {
            System.out.println("FAILED (" + check.failures.size() + "):");
            check.failures.stream().limit(50).forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
        System.out.println("OK");
    }

    private void run() throws IOException {
        Path stateDir = Files.isDirectory(MEMORY) && Files.isWritable(MEMORY)
                ? Files.createTempDirectory(MEMORY, "flowmeter-org-check") // RocksDB flushes after every record
                : Files.createTempDirectory("flowmeter-org-check");
        TopologySettings settings = TopologySettings.defaults();
        Topology topology = ValueStreamTopology.build(settings);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, properties(stateDir), end)) {
            long started = System.nanoTime();
            Map<String, Long> sent = feed(driver, changelogs(driver, topology));
            settle(driver, settings, sent);
            System.out.printf(Locale.ROOT, "fed the topology in %.1f s%n", (System.nanoTime() - started) / 1e9);
            print(sent, organisation.serviceNames().size());
            Instant now = end.plus(Duration.ofMinutes(1));
            MetricsSnapshot metrics = new MetricsQuery(driver::getKeyValueStore, Clock.fixed(now, ZoneOffset.UTC),
                    GateLimits.NONE).snapshot();
            TestOutputTopic<String, Rejection> deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER.name(),
                    Topics.DEAD_LETTER.keySerde().deserializer(), Topics.DEAD_LETTER.valueSerde().deserializer());
            List<Rejection> rejected = deadLetters.readValuesToList();
            expect(rejected.isEmpty(), rejected.size() + " records dead-lettered, the first: "
                    + (rejected.isEmpty() ? "" : rejected.get(0)));
            checkCounts(metrics, sent);
            checkCoverage(metrics);
            summarise(driver, metrics, now);
        } finally {
            delete(stateDir);
        }
        checkRepeatable();
    }

    /** The server's handlers; the global switch is deprecated in Kafka 4.3 but still what the server sets. */
    @SuppressWarnings("deprecation")
    private static Properties properties(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // As the server runs it: a record that cannot be read, processed or written is dead-lettered and skipped.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnreadableRecords.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipFailedRecords.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipOversizedWrites.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return props;
    }

    /**
     * Pipes every event as the bytes Preload writes, checking on the way what the topology cannot see: each event
     * reads back equal to itself, ids are unique per service, and each service's times strictly increase within
     * the span. Returns the events sent by type, with the total under {@code ""} and the value bytes under
     * {@code " bytes"}.
     */
    private Map<String, Long> feed(TopologyTestDriver driver, List<TestOutputTopic<byte[], byte[]>> changelogs) {
        TestInputTopic<String, byte[]> input = driver.createInputTopic(Topics.EVENTS.name(), new StringSerializer(),
                new ByteArraySerializer());
        Map<String, Long> sent = new TreeMap<>();
        Map<String, Instant> last = new HashMap<>();
        Set<String> ids = new HashSet<>();
        Instant start = end.minus(Preload.SPAN);
        for (Iterator<DeliveryEvent> all = organisation.events(); all.hasNext();) {
            DeliveryEvent event = all.next();
            byte[] value = Topics.EVENTS.valueSerde().serializer().serialize(Topics.EVENTS.name(), event);
            DeliveryEvent read = EventJson.fromBytes(value);
            if (!read.equals(event)) {
                failures.add("event " + event.id() + " reads back as " + read);
            }
            if (!ids.add(event.service() + "|" + event.id())) {
                failures.add("id " + event.id() + " repeats in " + event.service());
            }
            Instant before = last.put(event.service(), event.time());
            if (before != null && !event.time().isAfter(before)) {
                failures.add(event.id() + " at " + event.time() + " is not after the service's previous event at "
                        + before);
            }
            if (event.time().isAfter(end) || event.time().isBefore(start)) {
                failures.add(event.id() + " at " + event.time() + " is outside [" + start + ", " + end + "]");
            }
            input.pipeInput(event.service(), value, end); // record time: ingest time, as the producer stamps it
            if (sent.getOrDefault("", 0L) % DRAIN_EVERY == 0) {
                changelogs.forEach(TestOutputTopic::readRecordsToList);
            }
            sent.merge(event.type().wireName(), 1L, Long::sum);
            sent.merge("", 1L, Long::sum);
            sent.merge(" bytes", (long) value.length, Long::sum);
            sent.merge(" service " + event.service(), 1L, Long::sum);
        }
        return sent;
    }

    /**
     * The changelog topics of every store: the driver keeps each record written to them until it is read, which
     * for a few hundred thousand events is more than the heap, so the feed reads and drops them as it goes.
     */
    private static List<TestOutputTopic<byte[], byte[]>> changelogs(TopologyTestDriver driver, Topology topology) {
        Set<String> stores = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
        }
        List<TestOutputTopic<byte[], byte[]>> topics = new ArrayList<>();
        for (String store : stores) {
            topics.add(driver.createOutputTopic(APPLICATION_ID + "-" + store + "-changelog",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        }
        return topics;
    }

    /**
     * Lets the gates' reorder window pass so that every held gate event is applied. Each tick settles at most a
     * thousand items, so tick until the index is drained: one tick per thousand gate events and some to spare.
     */
    private static void settle(TopologyTestDriver driver, TopologySettings settings, Map<String, Long> sent) {
        driver.advanceWallClockTime(settings.gateReorderWindow());
        long gateEvents = sent.getOrDefault("gate.queued", 0L) + sent.getOrDefault("gate.started", 0L)
                + sent.getOrDefault("gate.finished", 0L) + sent.getOrDefault("environment.requested", 0L);
        for (long i = 0; i < gateEvents / 1_000 + 10; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
    }

    private void checkCounts(MetricsSnapshot metrics, Map<String, Long> sent) {
        long counted = 0;
        for (MetricsSnapshot.Scalar scalar : metrics.scalars()) {
            if (scalar.metric() == Metric.EVENTS) {
                String type = scalar.labelValues().get(0);
                counted += (long) scalar.value();
                expect(sent.getOrDefault(type, 0L) == (long) scalar.value(), "flowmeter_events_total{type=" + type
                        + "} is " + (long) scalar.value() + ", sent " + sent.getOrDefault(type, 0L));
            }
            if (scalar.metric() == Metric.PROCESSING_ERRORS || scalar.metric() == Metric.EVENTS_DUPLICATE) {
                expect(scalar.value() == 0, scalar.metric().prometheusName() + scalar.labelValues() + " is "
                        + scalar.value());
            }
        }
        expect(counted == sent.get(""), "the topology counted " + counted + " events of " + sent.get(""));
    }

    private void checkCoverage(MetricsSnapshot metrics) {
        for (String service : organisation.serviceNames()) {
            for (String environment : ServiceHistory.ENVIRONMENTS) {
                expect(count(metrics, Metric.DEPLOYMENTS, service, environment, "success") > 0,
                        service + " has no successful deployment to " + environment);
                expect(histogram(metrics, Metric.LEAD_TIME, service, environment) > 0,
                        service + " has no lead time in " + environment);
            }
            List<String> gates = new ArrayList<>(ServiceHistory.GATES);
            gates.add(Gates.ENVIRONMENT_GATE);
            for (String gate : gates) {
                expect(histogram(metrics, Metric.GATE_QUEUE_WAIT, service, gate) > 0,
                        service + " has no queue wait at " + gate);
            }
            expect(histogram(metrics, Metric.GATE_DURATION, service, ServiceHistory.CODE_REVIEW, "failed") > 0,
                    service + " has no failed code review");
            expect(count(metrics, Metric.INCIDENTS, service) > 0, service + " has no incident");
            expect(histogram(metrics, Metric.RECOVERY_TIME, service, PRODUCTION) > 0,
                    service + " has no recovered production failure");
            expect(histogram(metrics, Metric.DEPLOYMENT_COMMITS, service, PRODUCTION) > 0,
                    service + " has no production batch size");
            for (String stage : STAGES) {
                expect(histogram(metrics, Metric.STAGE_DURATION, service, stage) > 0,
                        service + " has no change with a " + stage + " stage");
            }
            expect(histogram(metrics, Metric.CYCLE_TIME, service) > 0, service + " has no cycle time");
            expect(histogram(metrics, Metric.FLOW_EFFICIENCY, service) > 0, service + " has no flow efficiency");
            expect(histogram(metrics, Metric.ENVIRONMENT_HOP, service, "staging", PRODUCTION) > 0,
                    service + " has no staging -> production hop");
        }
        Map<String, Long> reasons = new TreeMap<>();
        for (MetricsSnapshot.Scalar scalar : metrics.scalars()) {
            if (scalar.metric() == Metric.FAILED_DEPLOYMENTS) {
                reasons.merge(scalar.labelValues().get(2), (long) scalar.value(), Long::sum);
            }
        }
        for (String reason : List.of("status", "rollback", "incident")) {
            expect(reasons.getOrDefault(reason, 0L) > 0, "no production deployment failed by " + reason);
        }
        expect(metrics.histograms().stream().anyMatch(h -> h.metric() == Metric.ENVIRONMENT_PROVISIONING
                && h.count() > 0), "no environment provisioning time");
        expect(metrics.histograms().stream().anyMatch(h -> h.metric() == Metric.ENVIRONMENT_LIFETIME
                && h.count() > 0), "no environment lifetime");
    }

    private void summarise(TopologyTestDriver driver, MetricsSnapshot metrics, Instant now) {
        DoraQuery dora = new DoraQuery(driver::getKeyValueStore, Clock.fixed(now, ZoneOffset.UTC),
                DoraSettings.DEFAULTS);
        DoraKeys.Report report = dora.report(List.copyOf(dora.histories(s -> true).values()), null,
                Duration.ofDays(365));
        System.out.printf(Locale.ROOT, "DORA, production, 365 d, organisation: %.2f deployments/day/org "
                        + "(%d), lead time median %.1f h p90 %.1f h (%d commits), change failure rate %.1f %% %s, "
                        + "recovery median %.1f h (%d), rework %.1f %%, batch median %.1f%n",
                report.deploymentFrequency().perDay(), report.deploymentFrequency().deployments(),
                hours(report.leadTime().medianSeconds()), hours(report.leadTime().p90Seconds()),
                report.leadTime().samples(), percent(report.changeFailureRate().rate()),
                report.changeFailureRate().byReason(), hours(report.recoveryTime().medianSeconds()),
                report.recoveryTime().samples(), percent(report.reworkRate().rate()),
                report.batchSize().median() == null ? Double.NaN : report.batchSize().median());
        long abandoned = metrics.scalars().stream().filter(s -> s.metric() == Metric.GATE_ABANDONED)
                .mapToLong(s -> (long) s.value()).sum();
        long waiting = metrics.scalars().stream().filter(s -> s.metric() == Metric.GATE_WAITING_ITEMS)
                .mapToLong(s -> (long) s.value()).sum();
        System.out.printf(Locale.ROOT, "gate items abandoned %d, waiting now %d; series %d histograms, %d scalars%n",
                abandoned, waiting, metrics.histograms().size(), metrics.scalars().size());
    }

    /** Generates the organisation twice more and compares digests of the bytes: a repeated run is identical. */
    private void checkRepeatable() {
        String first = digest();
        String second = digest();
        expect(first.equals(second), "two runs differ: " + first + " and " + second);
        System.out.println("repeatable: two runs give SHA-256 " + first.substring(0, 16) + "...");
    }

    private String digest() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (Iterator<DeliveryEvent> all = organisation.events(); all.hasNext();) {
            sha.update(EventJson.toBytes(all.next()));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void print(Map<String, Long> sent, int services) {
        long total = sent.get("");
        System.out.printf(Locale.ROOT, "events %d (%.0f per service), value bytes %d (%.1f per event)%n", total,
                (double) total / services, sent.get(" bytes"), (double) sent.get(" bytes") / total);
        sent.forEach((type, n) -> {
            if (!type.isEmpty() && !type.startsWith(" ")) {
                System.out.printf(Locale.ROOT, "  %-22s %8d %8.1f per service%n", type, n, (double) n / services);
            }
        });
        List<Long> perService = sent.entrySet().stream().filter(e -> e.getKey().startsWith(" service "))
                .map(Map.Entry::getValue).sorted().toList();
        System.out.printf(Locale.ROOT, "per service: min %d, median %d, max %d%n", perService.get(0),
                perService.get(perService.size() / 2), perService.get(perService.size() - 1));
    }

    private static double hours(Double seconds) {
        return seconds == null ? Double.NaN : seconds / 3600;
    }

    private static double percent(Double rate) {
        return rate == null ? Double.NaN : rate * 100;
    }

    private static long count(MetricsSnapshot metrics, Metric metric, String... labels) {
        return metrics.scalar(metric, labels).map(Double::longValue).orElse(0L);
    }

    private static long histogram(MetricsSnapshot metrics, Metric metric, String... labels) {
        return metrics.histogram(metric, labels).map(MetricsSnapshot.Histogram::count).orElse(0L);
    }

    private void expect(boolean condition, String failure) {
        if (!condition) {
            failures.add(failure);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
