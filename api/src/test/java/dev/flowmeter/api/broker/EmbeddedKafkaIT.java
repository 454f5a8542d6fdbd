package dev.flowmeter.api.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTopicsRecordsAndOffsetsWhenRestartedOnTheSameDataDir() throws Exception {
        String topic = "flowmeter.test.restart.v1";
        int brokerPort;
        int controllerPort;
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0, 0)) {
            brokerPort = kafka.brokerPort();
            controllerPort = kafka.controllerPort();
            assertThat(brokerPort).isPositive().isNotEqualTo(controllerPort);
            assertThat(controllerPort).isPositive();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + brokerPort);
            clusterId = clusterIdIn(dataDir);

            createTopic(kafka, topic);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka))) {
                for (int i = 1; i <= 3; i++) {
                    producer.send(new ProducerRecord<>(topic, "service-a", "event-" + i)).get(10, TimeUnit.SECONDS);
                }
            }
            assertThat(consume(kafka, topic, "before-restart", "read_uncommitted", 3))
                    .containsExactly("event-1", "event-2", "event-3");
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, brokerPort, controllerPort)) {
            assertThat(kafka.brokerPort()).isEqualTo(brokerPort);
            assertThat(kafka.controllerPort()).isEqualTo(controllerPort);
            assertThat(clusterIdIn(dataDir)).isEqualTo(clusterId);
            try (Admin admin = admin(kafka)) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
                assertThat(admin.listTopics().names().get()).contains(topic);
                TopicDescription description = admin.describeTopics(Set.of(topic)).topicNameValues().get(topic).get();
                assertThat(description.partitions()).hasSize(1);
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets("before-restart").partitionsToOffsetAndMetadata().get();
                assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(3);
            }
            assertThat(consume(kafka, topic, "after-restart", "read_uncommitted", 3))
                    .containsExactly("event-1", "event-2", "event-3");
        }
    }

    @Test
    void shouldNameTheVariableToChangeWhenTheBrokerPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, port, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + port + " on 127.0.0.1 is in use, so the embedded Kafka cannot start; set "
                            + "FLOWMETER_KAFKA_PORT to a free port, or KAFKA_BOOTSTRAP_SERVERS to use an existing "
                            + "Kafka");
        }
    }

    @Test
    void shouldExposeOnlyCommittedRecordsWhenTransactionalProducerCommitsAndAborts() throws Exception {
        String topic = "flowmeter.test.transactions.v1";
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0, 0)) {
            createTopic(kafka, topic);
            Map<String, Object> config = producerConfig(kafka);
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "flowmeter-test-tx");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                producer.initTransactions();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "service-a", "committed-1"));
                producer.send(new ProducerRecord<>(topic, "service-a", "committed-2"));
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "service-a", "aborted"));
                producer.flush();
                producer.abortTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "service-a", "committed-3"));
                producer.commitTransaction();
            }

            assertThat(consume(kafka, topic, "read-committed", "read_committed", 3))
                    .containsExactly("committed-1", "committed-2", "committed-3");
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static void createTopic(EmbeddedKafka kafka, String topic)
            throws InterruptedException, ExecutionException {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static Map<String, Object> producerConfig(EmbeddedKafka kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /** Reads from the beginning with a new group until {@code expected} values arrived or the deadline passed. */
    private static List<String> consume(EmbeddedKafka kafka, String topic, String groupId, String isolationLevel,
            int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
        }
        return values;
    }

    private static String clusterIdIn(Path dir) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("meta.properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("cluster.id")).isNotBlank();
        return properties.getProperty("cluster.id");
    }
}
