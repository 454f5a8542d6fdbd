package dev.flowmeter.bench.micro;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Topics;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.ValueStreamTopology;
import dev.flowmeter.streams.state.StoreLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The production topology ({@link ValueStreamTopology#build}) under Kafka's {@link TopologyTestDriver}, so that a
 * benchmark runs exactly the code and the RocksDB stores the server runs, without a broker. The stores live under
 * {@code /dev/shm} when it is writable: the driver commits, and so flushes every store, after each record, and on a
 * disk that flush would be what the benchmark measures.
 *
 * <p>Two things differ from the server and are worth knowing when reading numbers: the per-record commit (the server
 * commits every 100 ms, so its flushes are shared by many records), and the changelog writes, which the driver keeps
 * in memory until read. {@link #dropChangelogs} discards those so that a long run does not fill the heap.
 */
final class DrivenTopology implements AutoCloseable {

    /** The wall clock the driver starts at; event times in the benchmarks lie before it, within the retention. */
    static final Instant WALL_CLOCK = Instant.parse("2026-05-10T00:00:00Z");

    private static final Path MEMORY_DIR = Path.of("/dev/shm");
    private static final String APPLICATION_ID = "flowmeter-bench";

    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, DeliveryEvent> events;
    private final List<String> storeNames;
    private final List<String> changelogs;
    private Instant now = WALL_CLOCK;

    /** The topology with its default settings, as the server builds it when nothing is configured. */
    DrivenTopology() {
        try {
            boolean inMemory = Files.isDirectory(MEMORY_DIR) && Files.isWritable(MEMORY_DIR);
            stateDir = inMemory ? Files.createTempDirectory(MEMORY_DIR, APPLICATION_ID)
                    : Files.createTempDirectory(APPLICATION_ID);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ValueStreamTopology.build(TopologySettings.defaults()), props, WALL_CLOCK);
        events = driver.createInputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer());
        storeNames = List.copyOf(new TreeSet<>(driver.getAllStateStores().keySet()));
        changelogs = storeNames.stream().map(store -> APPLICATION_ID + "-" + store + "-changelog").toList();
    }

    /** Processes one event, keyed by its service as the ingest side writes it. */
    void send(DeliveryEvent event) {
        events.pipeInput(event.service(), event, event.time());
    }

    /** Moves the wall clock on, running every wall-clock punctuator that falls due (gate settling, purges). */
    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
        now = now.plus(duration);
    }

    /** The driver's wall clock. */
    Instant now() {
        return now;
    }

    /** Each store's approximate number of entries, as the server reports them on every scrape. */
    Map<String, Long> approximateStoreSizes() {
        Map<String, Long> sizes = new TreeMap<>();
        for (String name : storeNames) {
            sizes.put(name, driver.getKeyValueStore(name).approximateNumEntries());
        }
        return sizes;
    }

    /** The stores as the server's query classes read them. */
    StoreLookup stores() {
        return new StoreLookup() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return driver.getKeyValueStore(name);
            }
        };
    }

    /** Discards the changelog records the driver has captured so far; they are never read here. */
    void dropChangelogs() {
        ByteArrayDeserializer bytes = new ByteArrayDeserializer();
        for (String topic : changelogs) {
            if (driver.producedTopicNames().contains(topic)) {
                driver.createOutputTopic(topic, bytes, bytes).readRecordsToList();
            }
        }
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> paths = Files.walk(stateDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
