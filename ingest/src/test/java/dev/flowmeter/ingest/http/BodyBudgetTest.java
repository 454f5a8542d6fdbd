package dev.flowmeter.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    private final BodyBudget budget = new BodyBudget(1000);

    @Test
    void shouldReserveUpToTheLimitAndNoFurtherWhenRequestsShareIt() {
        BodyBudget.Reservation first = budget.reservation();
        BodyBudget.Reservation second = budget.reservation();

        assertThat(first.tryAdd(600)).isTrue();
        assertThat(second.tryAdd(401)).isFalse();
        assertThat(second.tryAdd(400)).isTrue();
        assertThat(second.tryAdd(1)).isFalse();

        assertThat(budget.reservedBytes()).isEqualTo(1000);
        assertThat(first.bytes()).isEqualTo(600);
        assertThat(second.bytes()).isEqualTo(400);
    }

    @Test
    void shouldGiveEverythingBackOnceWhenClosedTwice() {
        BodyBudget.Reservation first = budget.reservation();
        BodyBudget.Reservation second = budget.reservation();
        first.tryAdd(300);
        first.tryAdd(200);
        second.tryAdd(100);

        first.close();
        first.close();

        assertThat(budget.reservedBytes()).isEqualTo(100);
        assertThat(first.bytes()).isZero();
        assertThatThrownBy(() -> first.tryAdd(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldKeepOnlyWhatWasReadWhenPartIsGivenBack() {
        BodyBudget.Reservation reservation = budget.reservation();
        reservation.tryAdd(800);

        reservation.giveBack(750);

        assertThat(reservation.bytes()).isEqualTo(50);
        assertThat(budget.reservedBytes()).isEqualTo(50);
        assertThatThrownBy(() -> reservation.giveBack(51)).isInstanceOf(IllegalArgumentException.class);
    }

    /** 8 threads reserving 10 bytes 1,000 times each against a budget of 1,000: never more than 100 hold at once. */
    @Test
    void shouldNeverExceedTheLimitWhenReservedFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            runs.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 1000; i++) {
                    try (BodyBudget.Reservation reservation = budget.reservation()) {
                        if (reservation.tryAdd(10)) {
                            seen.add(budget.reservedBytes());
                        }
                    }
                }
            }, pool));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(seen).isNotEmpty().allSatisfy(reserved -> assertThat(reserved).isBetween(10L, 1000L));
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void shouldFailNamingTheVariableWhenTheLimitIsNotPositive() {
        assertThatThrownBy(() -> new BodyBudget(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_MAX_BUFFERED_BYTES must be at least 1, was 0");
    }
}
