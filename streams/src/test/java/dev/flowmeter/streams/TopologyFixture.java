package dev.flowmeter.streams;

import dev.flowmeter.events.ArtifactBuilt;
import dev.flowmeter.events.ChangeClosed;
import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.GateFinished;
import dev.flowmeter.events.GateOutcome;
import dev.flowmeter.events.GateQueued;
import dev.flowmeter.events.GateStall;
import dev.flowmeter.events.GateStarted;
import dev.flowmeter.events.IncidentOpened;
import dev.flowmeter.events.IncidentResolved;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.dora.DoraKeys;
import dev.flowmeter.streams.dora.DoraQuery;
import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.dora.Teams;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.metrics.MetricsSnapshot;
import dev.flowmeter.streams.state.StateChanges;
import dev.flowmeter.streams.valuestream.Facts;
import dev.flowmeter.streams.valuestream.Journey;
import dev.flowmeter.streams.valuestream.Journeys;
import dev.flowmeter.streams.valuestream.ValueStreamQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;

/** Drives the production topology with explicit event times and reads the metrics the way /metrics does. */
final class TopologyFixture implements AutoCloseable {

    static final String SERVICE = "shop/checkout";
    static final Instant WALL_CLOCK_START = Instant.parse("2026-05-10T00:00:00Z");
    /**
     * The driver commits, and so flushes every RocksDB store, after each record; in memory rather than on disk that
     * costs a third, which adds up in property tests that build hundreds of drivers.
     */
    private static final Path MEMORY_DIR = Path.of("/dev/shm");

    private final TopologySettings settings;
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, DeliveryEvent> events;
    private final TestInputTopic<String, Rejection> deadLetters;
    private final TestOutputTopic<String, GateStall> stalls;
    private final AtomicInteger ids = new AtomicInteger();
    private final StateChanges changes = new StateChanges();
    private boolean closed;

    TopologyFixture() {
        this(TopologySettings.defaults());
    }

    TopologyFixture(TopologySettings settings) {
        this.settings = settings;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "flowmeter-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            boolean inMemory = Files.isDirectory(MEMORY_DIR) && Files.isWritable(MEMORY_DIR);
            stateDir = inMemory ? Files.createTempDirectory(MEMORY_DIR, "flowmeter-ttd")
                    : Files.createTempDirectory("flowmeter-ttd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ValueStreamTopology.build(settings, changes), props, WALL_CLOCK_START);
        events = driver.createInputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer());
        deadLetters = driver.createInputTopic(Topics.DEAD_LETTER.name(), Topics.DEAD_LETTER.keySerde().serializer(),
                Topics.DEAD_LETTER.valueSerde().serializer());
        stalls = driver.createOutputTopic(Topics.GATES_STALLED.name(),
                Topics.GATES_STALLED.keySerde().deserializer(), Topics.GATES_STALLED.valueSerde().deserializer());
    }

    TopologyTestDriver driver() {
        return driver;
    }

    void send(DeliveryEvent event) {
        events.pipeInput(event.service(), event, event.time());
    }

    void reject(Rejection rejection) {
        deadLetters.pipeInput(rejection.source(), rejection, rejection.receivedAt());
    }

    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** Lets the gate reorder window pass, so that every held gate event is applied and its measures observed. */
    void passReorderWindow() {
        driver.advanceWallClockTime(settings.gateReorderWindow());
    }

    /** How many entries a store holds, counted (a RocksDB store's own figure is an estimate). */
    long entries(String store) {
        long count = 0;
        try (KeyValueIterator<String, Object> all = driver.<String, Object>getKeyValueStore(store).all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    /** The metrics as a scrape at {@code now} would see them. */
    MetricsSnapshot metricsAt(Instant now) {
        return new MetricsQuery(driver::getKeyValueStore, Clock.fixed(now, ZoneOffset.UTC), settings.gateLimits())
                .snapshot();
    }

    /** A query that keeps each service's derived series between scrapes, as the server's does. */
    MetricsQuery cachingQuery(Clock clock) {
        return new MetricsQuery(driver::getKeyValueStore, clock, settings.gateLimits(), DoraSettings.DEFAULTS,
                Teams.NONE, changes);
    }

    /** The tracker the topology tells of its writes. */
    StateChanges changes() {
        return changes;
    }

    MetricsSnapshot metrics() {
        return metricsAt(WALL_CLOCK_START);
    }

    /** The gate.stalled and gate.unstalled records written since the last call, in order. */
    List<GateStall> stalls() {
        return stalls.readValuesToList();
    }

    String nextId() {
        return "event-" + ids.incrementAndGet();
    }

    CommitRecorded commit(String sha, String time, String... parents) {
        return new CommitRecorded(nextId(), Instant.parse(time), SERVICE, sha, List.of(parents));
    }

    ArtifactBuilt artifact(String sha, String time, String... commits) {
        return new ArtifactBuilt(nextId(), Instant.parse(time), SERVICE, sha, List.of(commits));
    }

    DeploymentFinished deployed(String environment, String sha, String time) {
        return new DeploymentFinished(nextId(), Instant.parse(time), SERVICE, environment, sha,
                DeploymentStatus.SUCCESS, List.of());
    }

    DeploymentFinished failed(String environment, String sha, String time) {
        return new DeploymentFinished(nextId(), Instant.parse(time), SERVICE, environment, sha,
                DeploymentStatus.FAILURE, List.of());
    }

    DeploymentFinished deployedExplicitly(String environment, String sha, String time, String... commits) {
        return new DeploymentFinished(nextId(), Instant.parse(time), SERVICE, environment, sha,
                DeploymentStatus.SUCCESS, List.of(commits));
    }

    GateQueued queued(String gate, String item, String time) {
        return new GateQueued(nextId(), Instant.parse(time), SERVICE, gate, item);
    }

    GateStarted started(String gate, String item, String time) {
        return new GateStarted(nextId(), Instant.parse(time), SERVICE, gate, item);
    }

    GateFinished finished(String gate, String item, String time, GateOutcome outcome) {
        return new GateFinished(nextId(), Instant.parse(time), SERVICE, gate, item, outcome);
    }

    DeploymentFinished rolledBack(String environment, String sha, String time) {
        return new DeploymentFinished(nextId(), Instant.parse(time), SERVICE, environment, sha,
                DeploymentStatus.SUCCESS, List.of(), true);
    }

    IncidentOpened incidentOpened(String incident, String time, String sha) {
        return new IncidentOpened(nextId(), Instant.parse(time), SERVICE, incident, "", sha);
    }

    IncidentResolved incidentResolved(String incident, String time) {
        return new IncidentResolved(nextId(), Instant.parse(time), SERVICE, incident, "", "");
    }

    ChangeOpened changeOpened(String change, String time, String head, String... commits) {
        return new ChangeOpened(nextId(), Instant.parse(time), SERVICE, change, head, List.of(commits), "main",
                "Change " + change, "https://git.example/shop/pull/" + change);
    }

    ChangeReviewed changeReviewed(String change, String time) {
        return new ChangeReviewed(nextId(), Instant.parse(time), SERVICE, change);
    }

    ChangeMerged changeMerged(String change, String time, String landed, String... commits) {
        return new ChangeMerged(nextId(), Instant.parse(time), SERVICE, change, landed, List.of(commits));
    }

    ChangeClosed changeClosed(String change, String time) {
        return new ChangeClosed(nextId(), Instant.parse(time), SERVICE, change);
    }

    /** The journeys of the fixture's service's changes, production by default. */
    Map<String, Journey> journeys() {
        return Journeys.of(facts(), DoraSettings.DEFAULTS.environments(null));
    }

    /** The value-stream facts of the fixture's service. */
    Facts facts() {
        ValueStreamQuery query = new ValueStreamQuery(driver::getKeyValueStore, Clock.fixed(WALL_CLOCK_START,
                ZoneOffset.UTC), DoraSettings.DEFAULTS);
        return query.facts(SERVICE);
    }

    /** The DORA keys of the fixture's service over {@code window} ending at {@code now}, production by default. */
    DoraKeys.Report dora(Duration window, String now) {
        DoraQuery query = new DoraQuery(driver::getKeyValueStore, Clock.fixed(Instant.parse(now), ZoneOffset.UTC),
                DoraSettings.DEFAULTS);
        return query.report(List.of(query.history(SERVICE)), null, window);
    }

    /** The fixture's service's keys over {@code weeks} 7-day windows, oldest first, the last ending at {@code now}. */
    List<DoraKeys.Report> doraWeekly(int weeks, String now) {
        DoraQuery query = new DoraQuery(driver::getKeyValueStore, Clock.fixed(Instant.parse(now), ZoneOffset.UTC),
                DoraSettings.DEFAULTS);
        return query.weekly(List.of(query.history(SERVICE)), null, weeks);
    }

    /** The cumulative count of a histogram at the bucket whose upper bound is {@code bound}. */
    static long atOrBelow(MetricsSnapshot.Histogram histogram, double bound) {
        double[] bounds = histogram.metric().buckets().upperBounds();
        for (int i = 0; i < bounds.length; i++) {
            if (bounds[i] == bound) {
                return histogram.cumulativeCounts()[i];
            }
        }
        throw new IllegalArgumentException("no bucket with upper bound " + bound);
    }

    /** A readable, valid 40-character sha: the letter repeated. */
    static String sha(char c) {
        return String.valueOf(c).repeat(40);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.close();
            deleteStateDir(); // the driver empties it but leaves it behind; property tests make hundreds
        }
    }

    private void deleteStateDir() {
        try (Stream<Path> paths = Files.walk(stateDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
