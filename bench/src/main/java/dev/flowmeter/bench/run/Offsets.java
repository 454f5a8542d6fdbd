package dev.flowmeter.bench.run;

import dev.flowmeter.events.Topics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a Streams application has got through the events topic: the offsets its group committed against the
 * topic's end offsets. Under exactly-once a group commits its offsets in the transaction with its state, so a
 * committed offset is work done for good. The pre-loaded topic is written without transactions, so its end offset is
 * exactly one past its last event.
 */
final class Offsets implements AutoCloseable {

    private final Admin admin;

    Offsets(String bootstrap) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** The events topic's end offsets, summed over its partitions: how many events it holds. */
    long endOfEvents() throws InterruptedException, ExecutionException, TimeoutException {
        Set<TopicPartition> partitions = partitions();
        ListOffsetsResult ends = admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
        long total = 0;
        for (TopicPartition partition : partitions) {
            total += ends.partitionResult(partition).get(10, TimeUnit.SECONDS).offset();
        }
        return total;
    }

    /** The group's committed offsets on the events topic, summed; 0 before its first commit. */
    long committed(String group) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long total = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            if (entry.getKey().topic().equals(Topics.EVENTS.name()) && entry.getValue() != null) {
                total += entry.getValue().offset();
            }
        }
        return total;
    }

    int partitionCount() throws InterruptedException, ExecutionException, TimeoutException {
        return partitions().size();
    }

    private Set<TopicPartition> partitions() throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeTopics(Set.of(Topics.EVENTS.name())).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(Topics.EVENTS.name()).partitions().stream()
                .map(info -> new TopicPartition(Topics.EVENTS.name(), info.partition()))
                .collect(Collectors.toSet());
    }

    Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close();
    }
}
