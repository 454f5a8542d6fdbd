package dev.flowmeter.api.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka takes writes right now, for ingest readiness: a cheap cluster description every interval, on its own
 * thread, so a readiness probe never waits on Kafka. Ingest needs only the brokers, not Kafka Streams, so this stays
 * true through a Streams rebalance or restore.
 */
public final class KafkaReachability implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReachability.class);

    private final Admin admin;
    private final Duration timeout;
    private final ScheduledExecutorService probe;
    private final AtomicReference<String> problem = new AtomicReference<>("not checked yet");

    public KafkaReachability(Map<String, Object> clientProperties, Duration interval, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "flowmeter-readiness");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.admin = Admin.create(config);
        this.timeout = timeout;
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "flowmeter-kafka-readiness");
            thread.setDaemon(true);
            return thread;
        });
        check();
        probe.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Empty when the last check reached a broker; otherwise what went wrong. */
    public String problem() {
        return problem.get();
    }

    public boolean reachable() {
        return problem.get().isEmpty();
    }

    private void check() {
        String before = problem.get();
        String now;
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS).size();
            now = nodes > 0 ? "" : "the cluster reports no brokers";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            now = "Kafka did not answer within " + timeout.toMillis() + " ms (" + cause.getClass().getSimpleName()
                    + ")";
        }
        problem.set(now);
        if (!now.equals(before)) {
            if (now.isEmpty()) {
                LOG.info("Kafka is reachable: ingest is ready");
            } else if (before.isEmpty()) {
                LOG.warn("Kafka is not reachable; ingest readiness fails until it is: {}", now);
            }
        }
    }

    @Override
    public void close() {
        probe.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
