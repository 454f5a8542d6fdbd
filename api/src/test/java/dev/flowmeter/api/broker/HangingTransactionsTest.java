package dev.flowmeter.api.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.coordinator.transaction.TransactionMetadata;
import org.apache.kafka.coordinator.transaction.TransactionState;
import org.apache.kafka.server.common.TransactionVersion;
import org.junit.jupiter.api.Test;

/**
 * How the coordinator's log decides an open transaction: its Prepare record for the producer, with the markers' epoch
 * (one above the records' epoch under transaction version 2, the same before), listing the partition.
 */
class HangingTransactionsTest {

    private static final TopicPartition LEFT_OPEN = new TopicPartition("app-store-changelog", 0);
    private static final TopicPartition OTHER = new TopicPartition("app-store-changelog", 1);
    /** Records of producer 7 at epoch 6 from offset 23 on, as describeProducers reports them. */
    private static final HangingTransactions.Open OPEN = new HangingTransactions.Open(LEFT_OPEN, 7L, (short) 6, 23L, 0);

    @Test
    void shouldCommitWhatTheCoordinatorPreparedToCommitAtTheNextEpochUnderVersion2() {
        List<TransactionMetadata> log = List.of(
                record(7, 6, TransactionState.ONGOING, Set.of(LEFT_OPEN, OTHER), TransactionVersion.TV_2),
                record(7, 7, TransactionState.PREPARE_COMMIT, Set.of(LEFT_OPEN, OTHER), TransactionVersion.TV_2),
                record(7, 7, TransactionState.COMPLETE_COMMIT, Set.of(), TransactionVersion.TV_2));
        assertThat(HangingTransactions.decide(OPEN, log)).contains(
                new HangingTransactions.Decision(TransactionResult.COMMIT, (short) 7, (short) 2));
    }

    @Test
    void shouldAbortWhatTheCoordinatorPreparedToAbortAtTheSameEpochUnderVersion1() {
        List<TransactionMetadata> log = List.of(
                record(7, 6, TransactionState.PREPARE_ABORT, Set.of(LEFT_OPEN), TransactionVersion.TV_1));
        assertThat(HangingTransactions.decide(OPEN, log)).contains(
                new HangingTransactions.Decision(TransactionResult.ABORT, (short) 6, (short) 1));
    }

    @Test
    void shouldFindNoDecisionInAnotherEpochsAnotherProducersOrAnotherPartitionsRecords() {
        List<TransactionMetadata> log = List.of(
                // the transaction before, whose markers carried epoch 6
                record(7, 6, TransactionState.PREPARE_COMMIT, Set.of(LEFT_OPEN), TransactionVersion.TV_2),
                record(8, 7, TransactionState.PREPARE_COMMIT, Set.of(LEFT_OPEN), TransactionVersion.TV_2),
                record(7, 7, TransactionState.PREPARE_COMMIT, Set.of(OTHER), TransactionVersion.TV_2),
                record(7, 7, TransactionState.ONGOING, Set.of(LEFT_OPEN), TransactionVersion.TV_2));
        assertThat(HangingTransactions.decide(OPEN, log)).isEqualTo(Optional.empty());
    }

    @Test
    void shouldTakeTheLatestDecisionWhenTheLogHoldsTwo() {
        List<TransactionMetadata> log = List.of(
                record(7, 7, TransactionState.PREPARE_ABORT, Set.of(LEFT_OPEN), TransactionVersion.TV_2),
                record(7, 7, TransactionState.PREPARE_COMMIT, Set.of(LEFT_OPEN), TransactionVersion.TV_2));
        assertThat(HangingTransactions.decide(OPEN, log).map(HangingTransactions.Decision::result))
                .contains(TransactionResult.COMMIT);
    }

    private static TransactionMetadata record(long producerId, int epoch, TransactionState state,
            Set<TopicPartition> partitions, TransactionVersion version) {
        return new TransactionMetadata("app-1", producerId, -1L, -1L, (short) epoch, (short) -1, 10_000, state,
                partitions, 0L, 0L, version);
    }
}
