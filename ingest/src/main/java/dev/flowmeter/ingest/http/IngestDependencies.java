package dev.flowmeter.ingest.http;

import dev.flowmeter.ingest.kafka.EventPublisher;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every ingest route shares, built once by the server: where events go, the request limits, the clock, the
 * executor answers are written on, the count of 401s and the budget of body bytes held at once. The server owns the
 * executor and shuts it down after the HTTP server has stopped.
 *
 * @param answerExecutor runs the code that writes an answer once Kafka acknowledged or failed, so that neither a
 *                       Kafka I/O thread nor a new thread per request does it; bounded, see {@link #answerExecutor}
 */
public record IngestDependencies(EventPublisher publisher, IngestLimits limits, Clock clock, Executor answerExecutor,
        UnauthenticatedRequests unauthenticated, BodyBudget bodyBudget) {

    public IngestDependencies {
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(answerExecutor, "answerExecutor");
        Objects.requireNonNull(unauthenticated, "unauthenticated");
        Objects.requireNonNull(bodyBudget, "bodyBudget");
        if (bodyBudget.maxBytes() < limits.maxBodyBytes()) {
            // Else a body within the size limit could never be read, and its sender would get 503 for ever.
            throw new IllegalArgumentException(BodyBudget.MAX_BUFFERED_BYTES_VARIABLE + " (" + bodyBudget.maxBytes()
                    + ") must be at least " + IngestLimits.MAX_BODY_BYTES_VARIABLE + " (" + limits.maxBodyBytes()
                    + ")");
        }
    }

    /**
     * A fixed pool of {@code threads} daemon threads named {@code flowmeter-answer-N} with a queue of
     * {@code queueCapacity} answers. When the queue is full, or the pool is already shut down, the answer is written
     * on the thread that completed the write instead: an answer is never dropped, and the load is pushed back onto
     * the producer. Writing an answer only hands bytes to Jetty, so two threads serve thousands of requests a second.
     */
    public static ExecutorService answerExecutor(int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("an answer executor needs at least one thread and one queue slot, was "
                    + threads + " threads and " + queueCapacity + " slots");
        }
        AtomicInteger number = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "flowmeter-answer-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, (task, pool) -> task.run());
    }
}
