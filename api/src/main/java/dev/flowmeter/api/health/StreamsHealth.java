package dev.flowmeter.api.health;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the Kafka Streams client's state. Once it has stopped for good (state ERROR: a stream thread died and the
 * client shut down), the process is no longer doing its job, so liveness fails and {@code onFatal} runs once, so that
 * a supervisor restarts it instead of a zombie answering 202 while no metric moves.
 */
public final class StreamsHealth implements KafkaStreams.StateListener {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsHealth.class);

    private final Runnable onFatal;
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final AtomicReference<String> fatal = new AtomicReference<>("");

    public StreamsHealth(Runnable onFatal) {
        this.onFatal = onFatal;
    }

    /** Called by the uncaught-exception handler before the client shuts down, so the reason is known. */
    public void failed(Throwable cause) {
        String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (fatal.compareAndSet("", reason)) {
            LOG.error("Kafka Streams stopped for good; metrics no longer move and /health/live fails. Cause: {}",
                    reason, cause);
        }
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        state.set(newState);
        if (newState == KafkaStreams.State.ERROR) {
            if (fatal.compareAndSet("", "Kafka Streams entered state ERROR")) {
                LOG.error("Kafka Streams entered state ERROR; metrics no longer move and /health/live fails");
            }
            onFatal.run();
        }
    }

    public boolean alive() {
        return fatal.get().isEmpty();
    }

    /** Why liveness fails; empty while alive. */
    public String fatalReason() {
        return fatal.get();
    }

    public boolean running() {
        return state.get() == KafkaStreams.State.RUNNING;
    }

    public KafkaStreams.State state() {
        return state.get();
    }
}
