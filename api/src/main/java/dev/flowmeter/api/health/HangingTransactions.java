package dev.flowmeter.api.health;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts hanging transactions on Flowmeter's own topics, which otherwise stop Kafka Streams from ever
 * finishing a restore.
 *
 * <p>Seen in {@code KillNineFaultIT}: the process and its embedded broker killed together left changelog partitions
 * with records of an open transaction that the transaction coordinator no longer knew (it listed the transactional
 * id as {@code Empty}, a newer epoch). Restarting the producer aborts only what the coordinator knows, so those
 * partitions' last stable offset stayed put for good, the read-committed restore waited for it, and queries stayed
 * {@code 503} with no error anywhere. Kafka's own {@code kafka-transactions.sh find-hanging} applies the rule used
 * here: a partition's open transaction is hanging when its producer has written nothing for longer than
 * {@link #MIN_AGE} (beyond any transaction timeout Kafka Streams uses, after which the coordinator would have aborted
 * a transaction it knows) and the coordinator holds no ongoing transaction of that producer and epoch that includes
 * the partition. Such a transaction can never complete, so aborting it loses nothing: its records were never
 * visible to a read-committed reader and the work they belong to is redone from the committed input offsets.
 *
 * <p>The check runs every {@link #INTERVAL} while Kafka Streams is not running, on a thread of its own.
 */
public final class HangingTransactions implements AutoCloseable {

    static final Duration MIN_AGE = Duration.ofSeconds(60);
    static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final Set<TransactionState> IN_FLIGHT = Set.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT);
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String applicationId;
    private final Collection<String> ownTopics;
    private final Clock clock;
    private final ScheduledExecutorService sweeper;

    /**
     * @param ownTopics      the topics Flowmeter creates and Kafka Streams writes (its changelogs are found by the
     *                       application id)
     * @param streamsRunning true while Kafka Streams runs; nothing is checked then
     */
    public HangingTransactions(Map<String, Object> clientProperties, String applicationId,
            Collection<String> ownTopics, Clock clock, BooleanSupplier streamsRunning) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "flowmeter-hanging-transactions");
        this.admin = Admin.create(config);
        this.applicationId = applicationId;
        this.ownTopics = List.copyOf(ownTopics);
        this.clock = clock;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "flowmeter-hanging-transactions");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            if (!streamsRunning.getAsBoolean()) {
                sweep();
            }
        }, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One check of every partition of Flowmeter's topics; failures are logged and the next check tries again. */
    void sweep() {
        try {
            Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(name -> ownTopics.contains(name) || name.startsWith(applicationId + "-"))
                    .collect(Collectors.toSet());
            List<TopicPartition> partitions = new ArrayList<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
            Map<TopicPartition, List<ProducerState>> open = new HashMap<>();
            var producers = admin.describeProducers(partitions);
            for (TopicPartition partition : partitions) {
                List<ProducerState> states = producers.partitionResult(partition)
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).activeProducers().stream()
                        .filter(state -> state.currentTransactionStartOffset().isPresent()).toList();
                if (!states.isEmpty()) {
                    open.put(partition, states);
                }
            }
            if (open.isEmpty()) {
                return;
            }
            List<String> ids = admin.listTransactions().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).toList();
            Collection<TransactionDescription> transactions = ids.isEmpty() ? List.of()
                    : admin.describeTransactions(ids).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values();
            long now = clock.millis();
            for (Map.Entry<TopicPartition, List<ProducerState>> entry : open.entrySet()) {
                for (ProducerState state : entry.getValue()) {
                    if (hanging(entry.getKey(), state, transactions, now)) {
                        abort(entry.getKey(), state);
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not check for hanging transactions, will try again: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Could not check for hanging transactions, will try again", e);
        }
    }

    /**
     * Whether the open transaction of {@code state} on {@code partition} can never complete: its producer has been
     * silent for {@link #MIN_AGE} and no transaction in flight at the coordinator, of that producer and epoch,
     * includes the partition.
     */
    static boolean hanging(TopicPartition partition, ProducerState state,
            Collection<TransactionDescription> transactions, long nowMillis) {
        if (state.currentTransactionStartOffset().isEmpty()
                || nowMillis - state.lastTimestamp() < MIN_AGE.toMillis()) {
            return false;
        }
        for (TransactionDescription transaction : transactions) {
            if (transaction.producerId() == state.producerId() && transaction.producerEpoch() == state.producerEpoch()
                    && IN_FLIGHT.contains(transaction.state()) && transaction.topicPartitions().contains(partition)) {
                return false;
            }
        }
        return true;
    }

    private void abort(TopicPartition partition, ProducerState state)
            throws InterruptedException, ExecutionException, TimeoutException {
        LOG.warn("Aborting a hanging transaction on {}: producer {} epoch {} opened it at offset {} and the "
                + "coordinator no longer knows it; until it is aborted Kafka Streams cannot finish restoring",
                partition, state.producerId(), state.producerEpoch(),
                state.currentTransactionStartOffset().getAsLong());
        admin.abortTransaction(new AbortTransactionSpec(partition, state.producerId(), (short) state.producerEpoch(),
                state.coordinatorEpoch().orElse(0))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
