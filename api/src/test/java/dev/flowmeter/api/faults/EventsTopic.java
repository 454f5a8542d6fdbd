package dev.flowmeter.api.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a fault test reads from {@code flowmeter.events.v1} itself. Only ingest writes that topic, with a plain
 * idempotent producer (no transactions, so no markers), which makes two readings exact: the backlog (end offsets
 * minus the offsets the topology's Kafka Streams group committed; 0 means every event on the topic has been
 * processed and its state committed, which is when a test may compare counters, rather than after some sleep), and
 * the distinct events on the topic (what the topology, deduplicating by service and id, must have counted).
 */
final class EventsTopic implements AutoCloseable {

    private static final long TIMEOUT_MS = 5_000;

    private final String bootstrapServers;
    private final Admin admin;
    private final String applicationId;

    EventsTopic(String bootstrapServers, String applicationId) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "fault-test-backlog",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS));
        this.applicationId = applicationId;
    }

    /** Events on the topic not yet committed by the topology, or -1 when Kafka does not answer. */
    long backlog() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long backlog = 0;
            for (Map.Entry<TopicPartition, Long> end : endOffsets().entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                backlog += end.getValue() - (done == null ? 0 : done.offset());
            }
            return backlog;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Reads the whole topic: the distinct (service, id) pairs on it, which is what {@code flowmeter_events_total}
     * must sum to once the backlog is 0, and how many records are not even JSON with those two fields.
     */
    Census census() throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, Long> ends = endOffsets();
        Set<String> distinct = new HashSet<>();
        long records = 0;
        long unreadable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("could not read " + Topics.EVENTS.name() + " to its end in 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    try {
                        JsonNode event = EventJson.MAPPER.readTree(record.value());
                        if (event.path("service").isTextual() && event.path("id").isTextual()) {
                            distinct.add(event.get("service").asText() + "\n" + event.get("id").asText());
                        } else {
                            unreadable++;
                        }
                    } catch (IOException e) {
                        unreadable++;
                    }
                }
            }
        }
        return new Census(records, distinct.size(), unreadable);
    }

    /** The records on the events topic, the distinct (service, id) pairs among them, and the unreadable ones. */
    record Census(long records, long distinct, long unreadable) {
    }

    private Map<TopicPartition, Long> endOffsets() throws ExecutionException, InterruptedException,
            TimeoutException {
        String topic = Topics.EVENTS.name();
        List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(topic))
                .allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic).partitions();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        ends.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    @Override
    public void close() {
        admin.close();
    }
}
