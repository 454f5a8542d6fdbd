package dev.flowmeter.api.broker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.coordinator.transaction.TransactionLog;
import org.apache.kafka.coordinator.transaction.TransactionMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes transactions that the embedded broker's transaction coordinator completed without writing their marker to
 * every partition, before anything reads those partitions.
 *
 * <p>How such a transaction comes about (Kafka 4.3, seen in {@code KillNineFaultIT}): the process is killed while the
 * coordinator is committing a transaction of Kafka Streams. On the restart the coordinator reloads the transaction in
 * {@code PrepareCommit} and sends its markers again. At that moment the only broker has just registered again, so
 * for a while its partitions have no leader; the coordinator takes a partition without a leader for a deleted one,
 * drops it from the transaction, and completes the transaction without a marker there. The records the transaction
 * wrote to that partition stay open for good, its last stable offset stops, and a read-committed reader (a Kafka
 * Streams restore) waits for ever.
 *
 * <p>The coordinator's own log still says how it decided: its {@code PrepareCommit} or {@code PrepareAbort} record
 * for the producer, with the epoch the markers carry, lists every partition of the transaction. This class writes that
 * very marker to the partitions left open, so the outcome is the one the coordinator chose and the rest of the
 * transaction already has: the input offsets and the other state changes of a committed transaction stay consistent
 * with its changes here. A transaction still open at the coordinator is left to it. An open transaction for which the
 * log holds no decision is left alone and reported, because guessing would risk losing acknowledged events.
 */
final class HangingTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final String TRANSACTION_LOG = "__transaction_state";
    private static final Set<TransactionState> PREPARING = Set.of(TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);
    private static final short MARKER_VERSION = ApiKeys.WRITE_TXN_MARKERS.latestVersion();

    private final Admin admin;
    private final Map<String, Object> clientConfig;
    private final InetSocketAddress broker;
    private final Duration timeout;

    /**
     * @param clientConfig the admin client's configuration (bootstrap servers and any security settings), reused for
     *     the consumer that reads the coordinator's log
     * @param broker the broker's client address, where markers are written
     */
    HangingTransactions(Admin admin, Map<String, Object> clientConfig, InetSocketAddress broker, Duration timeout) {
        this.admin = admin;
        this.clientConfig = clientConfig;
        this.broker = broker;
        this.timeout = timeout;
    }

    /** One partition's open transaction: who wrote it, from which offset, and the coordinator epoch it last saw. */
    record Open(TopicPartition partition, long producerId, short producerEpoch, long firstOffset,
            int coordinatorEpoch) {
    }

    /** The coordinator's decision about a transaction: the marker it writes, with its epoch and version. */
    record Decision(TransactionResult result, short markerEpoch, short transactionVersion) {
    }

    /**
     * Finds the partitions whose open transaction the coordinator has finished with, and writes the coordinator's
     * marker to each. Returns how many partitions it finished.
     *
     * @throws IllegalStateException if the broker does not answer, or refuses a marker
     */
    int complete() {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitNoTransactionPreparing(deadline);
        List<Open> open = openTransactions(deadline);
        if (open.isEmpty()) {
            return 0;
        }
        List<Open> hanging = withoutThoseInProgress(open, deadline);
        if (hanging.isEmpty()) {
            return 0;
        }
        List<TransactionMetadata> log = readTransactionLog(deadline);
        Map<Decision, Map<Long, List<Open>>> markers = new LinkedHashMap<>();
        int finished = 0;
        for (Open partition : hanging) {
            Optional<Decision> decision = decide(partition, log);
            if (decision.isEmpty()) {
                LOG.error("Partition {} holds an open transaction of producer {} (epoch {}) from offset {} that the "
                        + "transaction coordinator has no record of deciding; it is left alone, and readers of that "
                        + "partition wait until it is resolved (kafka-transactions.sh find-hanging and abort, at the "
                        + "risk of losing its records)", partition.partition(), partition.producerId(),
                        partition.producerEpoch(), partition.firstOffset());
                continue;
            }
            markers.computeIfAbsent(decision.get(), d -> new LinkedHashMap<>())
                    .computeIfAbsent(partition.producerId(), p -> new ArrayList<>()).add(partition);
            finished++;
        }
        for (Map.Entry<Decision, Map<Long, List<Open>>> byDecision : markers.entrySet()) {
            for (Map.Entry<Long, List<Open>> byProducer : byDecision.getValue().entrySet()) {
                writeMarker(byProducer.getKey(), byDecision.getKey(), byProducer.getValue());
            }
        }
        return finished;
    }

    /**
     * The coordinator's decision for the transaction open on {@code partition}: the latest {@code PrepareCommit} or
     * {@code PrepareAbort} of that producer that lists the partition and carries the epoch of its markers (one above
     * the records' epoch under transaction version 2, which bumps the epoch at every end of a transaction; the same
     * epoch before).
     */
    static Optional<Decision> decide(Open partition, List<TransactionMetadata> log) {
        Decision decision = null;
        for (TransactionMetadata record : log) {
            if (record.producerId() != partition.producerId()
                    || !record.topicPartitions().contains(partition.partition())) {
                continue;
            }
            short version = record.clientTransactionVersion().featureLevel();
            int expectedEpoch = version >= 2 ? partition.producerEpoch() + 1 : partition.producerEpoch();
            if (record.producerEpoch() != expectedEpoch) {
                continue;
            }
            switch (record.state()) {
                case PREPARE_COMMIT -> decision =
                        new Decision(TransactionResult.COMMIT, record.producerEpoch(), version);
                case PREPARE_ABORT -> decision =
                        new Decision(TransactionResult.ABORT, record.producerEpoch(), version);
                default -> {
                    // Ongoing and complete records do not decide; a complete one lists no partitions anyway.
                }
            }
        }
        return Optional.ofNullable(decision);
    }

    /** Waits until the coordinator has no transaction half-way through its end: markers it still means to write. */
    private void awaitNoTransactionPreparing(long deadline) {
        while (true) {
            Collection<TransactionListing> preparing = call(deadline, () -> admin.listTransactions(
                    new ListTransactionsOptions().filterStates(PREPARING)).all());
            if (preparing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the transaction coordinator is still ending transactions "
                        + preparing + " after " + timeout.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Every partition (but the coordinator's own log) with a transaction open on it, in partition order. */
    private List<Open> openTransactions(long deadline) {
        Set<String> topics = new TreeSet<>(call(deadline,
                () -> admin.listTopics(new ListTopicsOptions().listInternal(true)).names()));
        topics.remove(TRANSACTION_LOG);
        if (topics.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> described = call(deadline, () -> admin.describeTopics(topics).allTopicNames());
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription topic : described.values()) {
            for (TopicPartitionInfo info : topic.partitions()) {
                partitions.add(new TopicPartition(topic.name(), info.partition()));
            }
        }
        Map<TopicPartition, PartitionProducerState> states = call(deadline,
                () -> admin.describeProducers(partitions).all());
        List<Open> open = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionProducerState> entry : states.entrySet()) {
            for (ProducerState producer : entry.getValue().activeProducers()) {
                if (producer.currentTransactionStartOffset().isPresent()) {
                    open.add(new Open(entry.getKey(), producer.producerId(), (short) producer.producerEpoch(),
                            producer.currentTransactionStartOffset().getAsLong(),
                            producer.coordinatorEpoch().orElse(0)));
                }
            }
        }
        open.sort((a, b) -> a.partition().toString().compareTo(b.partition().toString()));
        return open;
    }

    /**
     * Drops the open transactions the coordinator still holds as ongoing on that partition with that epoch: it ends
     * those itself, when their producer comes back or their timeout passes.
     */
    private List<Open> withoutThoseInProgress(List<Open> open, long deadline) {
        Map<Long, String> transactionalIds = new HashMap<>();
        for (TransactionListing listing : call(deadline, () -> admin.listTransactions().all())) {
            transactionalIds.put(listing.producerId(), listing.transactionalId());
        }
        Set<String> ids = open.stream().map(o -> transactionalIds.get(o.producerId())).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, TransactionDescription> descriptions = new HashMap<>();
        if (!ids.isEmpty()) {
            descriptions.putAll(call(deadline, () -> admin.describeTransactions(ids).all()));
        }
        List<Open> hanging = new ArrayList<>();
        for (Open partition : open) {
            String id = transactionalIds.get(partition.producerId());
            TransactionDescription description = id == null ? null : descriptions.get(id);
            boolean inProgress = description != null && description.producerId() == partition.producerId()
                    && description.state() == TransactionState.ONGOING
                    && description.producerEpoch() == partition.producerEpoch()
                    && description.topicPartitions().contains(partition.partition());
            if (!inProgress) {
                hanging.add(partition);
            }
        }
        return hanging;
    }

    /** Every record of the coordinator's log, in log order within each of its partitions. */
    private List<TransactionMetadata> readTransactionLog(long deadline) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowmeter-embedded-kafka-transaction-log");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<TransactionMetadata> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(TRANSACTION_LOG, remaining(deadline)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
            while (partitions.stream().anyMatch(p -> consumer.position(p, remaining(deadline)) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + TRANSACTION_LOG + " within "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null) {
                        continue;
                    }
                    TransactionLog.ReadResult read = TransactionLog.read(ByteBuffer.wrap(record.key()),
                            record.value() == null ? null : ByteBuffer.wrap(record.value()));
                    if (read instanceof TransactionLog.TxnRecord txn) {
                        records.add(txn.metadata());
                    }
                }
            }
        }
        return records;
    }

    /**
     * Writes the decided marker for one producer to its open partitions, as the coordinator would, and fails unless
     * the broker takes it on every partition. The Admin API can only abort a transaction; a commit marker needs
     * Kafka's own {@code WriteTxnMarkers} request, sent here over a plain connection.
     */
    private void writeMarker(long producerId, Decision decision, List<Open> partitions) {
        int coordinatorEpoch = partitions.stream().mapToInt(Open::coordinatorEpoch).max().orElse(0);
        List<TopicPartition> topicPartitions = partitions.stream().map(Open::partition).toList();
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest.Builder(List.of(
                new WriteTxnMarkersRequest.TxnMarkerEntry(producerId, decision.markerEpoch(), coordinatorEpoch,
                        decision.result(), topicPartitions, decision.transactionVersion())))
                .build(MARKER_VERSION);
        RequestHeader header = new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, MARKER_VERSION,
                "flowmeter-embedded-kafka-markers", 1);
        WriteTxnMarkersResponse response;
        try (Socket socket = new Socket()) {
            int timeoutMs = (int) Math.max(1_000, Math.min(timeout.toMillis(), Integer.MAX_VALUE));
            socket.connect(broker, timeoutMs);
            socket.setSoTimeout(timeoutMs);
            ByteBuffer body = request.serializeWithHeader(header);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(body.remaining());
            out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            response = (WriteTxnMarkersResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write transaction markers to the embedded Kafka on " + broker, e);
        }
        Map<TopicPartition, Errors> errors = response.errorsByProducerId().getOrDefault(producerId, Map.of());
        List<String> refused = new ArrayList<>();
        for (TopicPartition partition : topicPartitions) {
            Errors error = errors.get(partition);
            if (error != Errors.NONE) {
                refused.add(partition + ": " + (error == null ? "no answer" : error.name()));
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalStateException("the embedded Kafka refused the " + decision.result() + " marker of "
                    + "producer " + producerId + " on " + refused);
        }
        LOG.warn("Finished the {} of producer {} (marker epoch {}) on {}: the transaction coordinator had completed "
                + "it without a marker on these partitions, which Kafka does when it sends markers while the only "
                + "broker is registering again after an unclean stop", decision.result(), producerId,
                decision.markerEpoch(), topicPartitions);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(100), deadline - System.nanoTime()));
    }

    private interface Call<T> {
        KafkaFuture<T> start();
    }

    private <T> T call(long deadline, Call<T> call) {
        try {
            return call.start().get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the embedded Kafka failed a check of open transactions: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded Kafka did not answer a check of open transactions within "
                    + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the embedded Kafka's open transactions", e);
        }
    }
}
