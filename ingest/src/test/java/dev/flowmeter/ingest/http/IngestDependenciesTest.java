package dev.flowmeter.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowmeter.ingest.testing.FakePublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IngestDependenciesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);

    /**
     * One thread, busy, and a queue of one, full: the third answer runs on the thread that handed it over, rather
     * than on a new thread or not at all.
     */
    @Test
    void shouldRunTheAnswerOnTheCallerWhenThePoolAndItsQueueAreFull() throws InterruptedException {
        ExecutorService answers = IngestDependencies.answerExecutor(1, 1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ranOn = new CopyOnWriteArrayList<>();
        try {
            answers.execute(() -> {
                ranOn.add(Thread.currentThread().getName());
                started.countDown();
                await(release);
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            answers.execute(() -> ranOn.add(Thread.currentThread().getName()));

            answers.execute(() -> ranOn.add(Thread.currentThread().getName()));

            assertThat(ranOn).containsExactly("flowmeter-answer-1", Thread.currentThread().getName());
        } finally {
            release.countDown();
            answers.shutdown();
            assertThat(answers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ranOn).containsExactly("flowmeter-answer-1", Thread.currentThread().getName(),
                "flowmeter-answer-1");
    }

    @Test
    void shouldStillRunTheAnswerWhenThePoolIsShutDown() throws InterruptedException {
        ExecutorService answers = IngestDependencies.answerExecutor(2, 8);
        answers.shutdown();
        List<String> ranOn = new CopyOnWriteArrayList<>();

        answers.execute(() -> ranOn.add(Thread.currentThread().getName()));

        assertThat(ranOn).containsExactly(Thread.currentThread().getName());
        assertThat(answers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldFailNamingBothVariablesWhenTheBudgetCannotHoldTheLargestBody() {
        IngestLimits limits = new IngestLimits(2000, 10, Duration.ofDays(1));

        assertThatThrownBy(() -> new IngestDependencies(new FakePublisher(), limits, CLOCK, Runnable::run,
                new UnauthenticatedRequests(), new BodyBudget(1999)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_MAX_BUFFERED_BYTES (1999) must be at least FLOWMETER_MAX_BODY_BYTES (2000)");
    }

    @Test
    void shouldRefuseAnExecutorWithoutThreadsOrQueueWhenCreatingOne() {
        assertThatThrownBy(() -> IngestDependencies.answerExecutor(0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an answer executor needs at least one thread and one queue slot, was 0 threads and "
                        + "10 slots");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
