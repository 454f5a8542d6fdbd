package dev.flowmeter.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The rule for a hanging transaction, on the states seen after KillNineFaultIT's stall: producer 1 at epoch 5 left
 * open transactions on changelog partitions while the coordinator held the transactional id as Empty at epoch 6.
 */
class HangingTransactionsTest {

    private static final TopicPartition PARENTS = new TopicPartition("app-lead-time-parents-changelog", 2);
    private static final long NOW = 1_000_000;
    private static final long SILENT_61_S = NOW - 61_000;

    @Test
    void shouldCallAnOpenTransactionTheCoordinatorNoLongerHoldsHangingOnceItsProducerIsSilentAMinute() {
        ProducerState open = open(1, 5, SILENT_61_S);
        List<TransactionDescription> coordinator = List.of(transaction(1, 6, TransactionState.EMPTY, Set.of()));

        assertThat(HangingTransactions.hanging(PARENTS, open, coordinator, NOW)).isTrue();
        assertThat(HangingTransactions.hanging(PARENTS, open, List.of(), NOW)).isTrue();
    }

    @Test
    void shouldLeaveATransactionInFlightAtTheCoordinatorForThatPartitionAlone() {
        ProducerState open = open(1, 5, SILENT_61_S);

        assertThat(HangingTransactions.hanging(PARENTS, open,
                List.of(transaction(1, 5, TransactionState.ONGOING, Set.of(PARENTS))), NOW)).isFalse();
        assertThat(HangingTransactions.hanging(PARENTS, open,
                List.of(transaction(1, 5, TransactionState.PREPARE_ABORT, Set.of(PARENTS))), NOW)).isFalse();
        // In flight at the coordinator, but without this partition: the partition's part can never complete.
        assertThat(HangingTransactions.hanging(PARENTS, open, List.of(transaction(1, 5, TransactionState.ONGOING,
                Set.of(new TopicPartition("app-lead-time-parents-changelog", 0)))), NOW)).isTrue();
    }

    @Test
    void shouldLeaveRecentAndClosedTransactionsAlone() {
        assertThat(HangingTransactions.hanging(PARENTS, open(1, 5, NOW - 59_000), List.of(), NOW)).isFalse();
        ProducerState closed = new ProducerState(1, 5, 14, SILENT_61_S, OptionalInt.of(0), OptionalLong.empty());
        assertThat(HangingTransactions.hanging(PARENTS, closed, List.of(), NOW)).isFalse();
    }

    private static ProducerState open(long producerId, int epoch, long lastTimestamp) {
        return new ProducerState(producerId, epoch, 14, lastTimestamp, OptionalInt.of(0), OptionalLong.of(28));
    }

    private static TransactionDescription transaction(long producerId, int epoch, TransactionState state,
            Set<TopicPartition> partitions) {
        return new TransactionDescription(1, state, producerId, epoch, 10_000, OptionalLong.empty(), partitions);
    }
}
