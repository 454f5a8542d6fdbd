package dev.flowmeter.api.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowmeter.api.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 stall, on the real data it happened to: {@code kafka/kill-nine-stall.zip} is the embedded broker's data
 * directory that a CI run of {@code KillNineFaultIT} left behind when Kafka Streams never finished restoring after
 * the restart (docs/reliability.md). Reading its logs with {@code kafka-dump-log} showed what the expectations below
 * say: nine changelog partitions hold records of producer 1 at epoch 6 with no marker after them, while the
 * coordinator's log holds that transaction's {@code PrepareCommit} at epoch 7 listing those partitions among its 40,
 * and 31 of the 40 carry its epoch-7 commit marker.
 */
class HangingTransactionsIT {

    private static final String APP = "flowmeter-kill-nine-";
    /** The partitions whose open transaction the coordinator completed without them, from the dump. */
    private static final List<TopicPartition> LEFT_OPEN = List.of(
            changelog("dedup-expiry-store", 0),
            changelog("dedup-expiry-store", 2),
            changelog("dedup-ids-store", 0),
            changelog("dora-expiry-store", 0),
            changelog("dora-shipped-commits-store", 1),
            changelog("gates-item-state-store", 1),
            changelog("gates-waiting-store", 2),
            changelog("lead-time-commit-nodes-store", 1),
            changelog("lead-time-shipped-marks-store", 0));

    @TempDir
    Path work;

    @Test
    void shouldCommitOnThePartitionsLeftOpenTheTransactionTheCoordinatorCommitted() throws Exception {
        Path dataDir = unpackFixture(work.resolve("kafka"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0, 0, Map.of(), Map.of(), false);
                Admin admin = admin(kafka)) {
            // Not finished at start: exactly the nine partitions stop short of their end for read-committed readers.
            assertThat(partitionsShortOfTheirEnd(admin)).containsExactlyInAnyOrderElementsOf(LEFT_OPEN);

            Map<String, Object> config = clientConfig(kafka);
            HangingTransactions hanging = new HangingTransactions(admin, config,
                    new InetSocketAddress(EmbeddedKafka.HOST, kafka.brokerPort()), Duration.ofSeconds(60));
            assertThat(hanging.complete()).as("partitions finished").isEqualTo(LEFT_OPEN.size());

            assertThat(partitionsShortOfTheirEnd(admin)).as("partitions still open").isEmpty();
            // dora-expiry-store-changelog-0 holds offsets 0-34: data at 0-3, 5-8, 10-21 and 23-34 (the open epoch-6
            // transaction), commit markers at 4, 9 and 22, and now the new one at 35. Committed, all 32 are read.
            assertThat(readCommitted(kafka, changelog("dora-expiry-store", 0))).isEqualTo(4 + 4 + 12 + 12);
            assertThat(hanging.complete()).as("partitions finished by a second run").isZero();
        }
    }

    @Test
    void shouldBringTheStalledServerBackCountingEveryAcknowledgedEventOnce() throws Exception {
        unpackFixture(work.resolve("kafka"));
        // The fixture's run: application id and partitions of KillNineFaultIT, whose plan holds 6 services x 120
        // rounds x 7 events = 5,040 events, every one acknowledged before the test gave up waiting.
        try (TestServer server = TestServer.start(work, Clock.systemUTC(), Map.of(
                "FLOWMETER_APPLICATION_ID", "flowmeter-kill-nine", "FLOWMETER_PARTITIONS", "3"))) {
            await("query readiness").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> server.get("/health/query", Map.of()).statusCode() == 200);
            await("every event counted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(eventsTotal(server.flowmeterSeries())).isEqualTo(5_040));
        }
    }

    private static long eventsTotal(Map<String, String> series) {
        return series.entrySet().stream().filter(e -> e.getKey().startsWith("flowmeter_events_total{"))
                .mapToLong(e -> (long) Double.parseDouble(e.getValue())).sum();
    }

    private static TopicPartition changelog(String store, int partition) {
        return new TopicPartition(APP + store + "-changelog", partition);
    }

    /** Partitions whose last stable offset is below their high watermark. */
    private static List<TopicPartition> partitionsShortOfTheirEnd(Admin admin) throws Exception {
        TreeSet<String> topics = new TreeSet<>(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get());
        topics.remove("__transaction_state");
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
            for (TopicPartitionInfo info : topic.partitions()) {
                latest.put(new TopicPartition(topic.name(), info.partition()), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> stable = offsets(admin, latest, IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, Long> end = offsets(admin, latest, IsolationLevel.READ_UNCOMMITTED);
        List<TopicPartition> shortOfEnd = new ArrayList<>();
        end.forEach((partition, offset) -> {
            if (stable.get(partition) < offset) {
                shortOfEnd.add(partition);
            }
        });
        return shortOfEnd;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Map<TopicPartition, OffsetSpec> specs,
            IsolationLevel isolation) throws Exception {
        Map<TopicPartition, Long> offsets = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        admin.listOffsets(specs, new ListOffsetsOptions(isolation)).all().get()
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private static int readCommitted(EmbeddedKafka kafka, TopicPartition partition) {
        Map<String, Object> config = new HashMap<>(clientConfig(kafka));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            int[] read = {0};
            await("read to the end").atMost(Duration.ofSeconds(30)).until(() -> {
                read[0] += consumer.poll(Duration.ofMillis(200)).count();
                return consumer.position(partition) >= end;
            });
            return read[0];
        }
    }

    private static Map<String, Object> clientConfig(EmbeddedKafka kafka) {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(clientConfig(kafka));
    }

    private static Path unpackFixture(Path target) throws IOException {
        Files.createDirectories(target);
        try (InputStream in = HangingTransactionsIT.class.getResourceAsStream("/kafka/kill-nine-stall.zip");
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path path = target.resolve(entry.getName()).normalize();
                assertThat(path.startsWith(target)).as("%s inside the fixture", entry.getName()).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(zip, path);
                }
            }
        }
        return target;
    }
}
