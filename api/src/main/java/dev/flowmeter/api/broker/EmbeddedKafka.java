package dev.flowmeter.api.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, one process acting as broker and controller) that runs inside the Flowmeter
 * server when no external Kafka is configured, so the server works out of the box with its data under one directory.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How long {@link #start} waits for the broker to answer before giving up. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #start} spends at most finishing transactions Kafka left open after an unclean stop. */
    static final Duration HANGING_TRANSACTIONS_TIMEOUT = Duration.ofSeconds(60);

    static final int NODE_ID = 1;
    static final String HOST = "127.0.0.1";
    static final String META_PROPERTIES = "meta.properties";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final int brokerPort;
    private final int controllerPort;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, int brokerPort, int controllerPort) {
        this.server = server;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /**
     * Starts the broker with its logs in {@code dataDir}, formatting the directory first if it has never held a
     * broker, and returns once the broker answers a client. Port 0 picks a free port; a caller restarting on an
     * existing directory passes the ports it got the first time ({@link #brokerPort()}, {@link #controllerPort()}).
     *
     * @throws IllegalStateException if the broker does not become ready within {@link #READY_TIMEOUT}
     */
    public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort) {
        return start(dataDir, brokerPort, controllerPort, Map.of(), Map.of());
    }

    /**
     * Like {@link #start(Path, int, int)}, with {@code brokerOverrides} replacing or adding entries of
     * {@link #brokerConfig} and {@code clientProperties} added to the readiness check's admin client. It exists for
     * tests that need a broker unlike Flowmeter's own, which is always plain on loopback: one whose client listener
     * requires SASL, say. Overrides that name a port (listeners) need fixed ports, not 0.
     */
    static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort, Map<String, String> brokerOverrides,
            Map<String, Object> clientProperties) {
        return start(dataDir, brokerPort, controllerPort, brokerOverrides, clientProperties, true);
    }

    /**
     * Like {@link #start(Path, int, int, Map, Map)}; {@code finishHanging} false skips finishing the transactions Kafka
     * left open, for the test that shows what that step mends.
     */
    static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort, Map<String, String> brokerOverrides,
            Map<String, Object> clientProperties, boolean finishHanging) {
        checkPort("brokerPort", brokerPort);
        checkPort("controllerPort", controllerPort);
        if (brokerPort != 0 && brokerPort == controllerPort) {
            throw new IllegalArgumentException("brokerPort and controllerPort must differ, both are " + brokerPort);
        }
        long startNanos = System.nanoTime();
        Path dir = dataDir.toAbsolutePath().normalize();
        int[] ports = resolvePorts(brokerPort, controllerPort);
        requireFree(ports[0], "FLOWMETER_KAFKA_PORT");
        requireFree(ports[1], "FLOWMETER_KAFKA_CONTROLLER_PORT");
        String clusterId = formatIfNew(dir);

        Map<String, String> config = brokerConfig(dir, ports[0], ports[1]);
        config.putAll(brokerOverrides);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        EmbeddedKafka kafka = new EmbeddedKafka(server, ports[0], ports[1]);
        try {
            server.startup();
            kafka.awaitReady(READY_TIMEOUT, clientProperties);
            if (finishHanging) {
                kafka.finishHangingTransactions(clientProperties);
            }
        } catch (RuntimeException e) {
            try {
                kafka.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        LOG.info("Embedded Kafka ready on {} (controller port {}, cluster {}, data {}) in {} ms",
                kafka.bootstrapServers(), ports[1], clusterId, dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return kafka;
    }

    /** The {@code bootstrap.servers} value for clients of this broker. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The port clients connect to; pass it again to {@link #start} to restart on the same data directory. */
    public int brokerPort() {
        return brokerPort;
    }

    /** The KRaft controller's port; pass it again to {@link #start} to restart on the same data directory. */
    public int controllerPort() {
        return controllerPort;
    }

    /** Shuts the broker down and waits until it has stopped; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long startNanos = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Embedded Kafka on {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /**
     * The broker's configuration. Everything that defaults to three replicas is set to one, because a topic, the
     * consumer offsets or the transaction log with more replicas than brokers cannot be created: the first
     * transactional producer (Kafka Streams with exactly_once_v2) would then time out in initTransactions.
     * The controller is a static single voter, so its address comes from this configuration on every start rather
     * than from the formatted directory.
     */
    static Map<String, String> brokerConfig(Path dataDir, int brokerPort, int controllerPort) {
        Map<String, String> config = new TreeMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        config.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("log.dirs", dataDir.toString());
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("num.partitions", "1");
        // Topics are created explicitly with their configuration; a typo in a topic name must fail, not create one.
        config.put("auto.create.topics.enable", "false");
        return config;
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, was " + port);
        }
    }

    /**
     * Fails with the variable to change when a port is taken (say by another Kafka on 9092), instead of letting the
     * broker stop the whole process on a bind error.
     */
    private static void requireFree(int port, String variable) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Kafka binds it: a restart right after a stop must pass
            probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + HOST + " is in use, so the embedded Kafka cannot "
                    + "start; set " + variable + " to a free port, or KAFKA_BOOTSTRAP_SERVERS to use an existing Kafka",
                    e);
        }
    }

    /**
     * Replaces port 0 with a free port. Kafka could bind port 0 itself for the broker, but the static controller
     * voter needs its port before start, and callers must learn both to restart on the same directory. A port is
     * free when picked and could in theory be taken before Kafka binds it; the start then fails at bind time.
     */
    private static int[] resolvePorts(int brokerPort, int controllerPort) {
        InetAddress loopback;
        try {
            loopback = InetAddress.getByName(HOST);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + HOST, e);
        }
        try (ServerSocket first = new ServerSocket(0, 1, loopback);
             ServerSocket second = new ServerSocket(0, 1, loopback)) {
            // Two sockets open at once give two distinct free ports; when one port is fixed, the free port handed
            // to the other is one that differs from it.
            int free = first.getLocalPort() != brokerPort && first.getLocalPort() != controllerPort
                    ? first.getLocalPort() : second.getLocalPort();
            int broker = brokerPort != 0 ? brokerPort : free;
            int controller = controllerPort != 0 ? controllerPort
                    : brokerPort != 0 ? free : second.getLocalPort();
            return new int[] {broker, controller};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    /**
     * Formats {@code dataDir} with a fresh cluster id when it has no {@code meta.properties}, like
     * {@code kafka-storage format}; a directory that was formatted before is left alone so a restart keeps its data.
     *
     * @return the cluster id stored in the directory
     */
    private static String formatIfNew(Path dataDir) {
        Path metaProperties = dataDir.resolve(META_PROPERTIES);
        if (Files.exists(metaProperties)) {
            return readClusterId(metaProperties);
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        try {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setPrintStream(new PrintStream(formatterOutput, true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .addDirectory(dataDir.toString())
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + dataDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.info("Formatted new Kafka data directory {} with cluster id {} and metadata.version {}",
                dataDir, clusterId, MetadataVersion.latestProduction());
        LOG.debug("Kafka storage formatter said: {}", formatterOutput.toString(StandardCharsets.UTF_8).trim());
        return clusterId;
    }

    private static String readClusterId(Path metaProperties) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(metaProperties)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metaProperties, e);
        }
        return properties.getProperty("cluster.id", "unknown");
    }

    /**
     * Finishes the transactions the coordinator completed without a marker on every partition (see
     * {@link HangingTransactions}), before Kafka Streams reads any of them. Nothing in this process writes yet, so
     * every open transaction is a dead producer's. A failure is logged, not thrown: the broker works, and only the
     * partitions concerned would wait, as they would without this step.
     */
    private void finishHangingTransactions(Map<String, Object> clientProperties) {
        long deadline = System.nanoTime() + HANGING_TRANSACTIONS_TIMEOUT.toNanos();
        Map<String, Object> config = adminConfig(clientProperties, "flowmeter-embedded-kafka-transactions");
        RuntimeException last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    Duration left = Duration.ofNanos(deadline - System.nanoTime());
                    long checkNanos = System.nanoTime();
                    int finished = new HangingTransactions(admin, config, new InetSocketAddress(HOST, brokerPort),
                            left).complete();
                    LOG.info("Checked the embedded Kafka for transactions left open in {} ms",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkNanos));
                    if (finished > 0) {
                        LOG.warn("Finished {} partitions' transactions that Kafka had left open after an unclean "
                                + "stop", finished);
                    }
                    return;
                } catch (RuntimeException e) {
                    // Typically a partition without a leader yet, just after the broker registered: try again.
                    last = e;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                }
            }
        }
        LOG.error("Could not check the embedded Kafka for transactions left open within {} s; if Kafka Streams stays "
                + "short of RUNNING after an unclean stop, that is the likely cause", HANGING_TRANSACTIONS_TIMEOUT
                .toSeconds(), last);
    }

    private Map<String, Object> adminConfig(Map<String, Object> clientProperties, String clientId) {
        Map<String, Object> adminConfig = new HashMap<>(clientProperties);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        adminConfig.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        adminConfig.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
        return adminConfig;
    }

    /** Waits until the broker is registered, unfenced and answering metadata requests on its client port. */
    private void awaitReady(Duration timeout, Map<String, Object> clientProperties) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> adminConfig = adminConfig(clientProperties, "flowmeter-embedded-kafka-ready");
        String lastProblem = "no answer";
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    break;
                }
                int callTimeoutMs = (int) Math.min(remainingMs, 5_000);
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions()
                            .timeoutMs(callTimeoutMs)).nodes().get(callTimeoutMs, TimeUnit.MILLISECONDS);
                    if (nodes.stream().anyMatch(node -> node.id() == NODE_ID)) {
                        return;
                    }
                    lastProblem = "broker " + NODE_ID + " not yet among the live brokers " + nodes;
                } catch (ExecutionException | TimeoutException e) {
                    lastProblem = String.valueOf(e.getCause() == null ? e : e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for embedded Kafka to start", e);
                }
                // The broker answered but has not registered yet; a short pause keeps this from spinning.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        throw new IllegalStateException("embedded Kafka on " + bootstrapServers() + " did not become ready within "
                + timeout.toSeconds() + " s (last problem: " + lastProblem + "); check the Kafka log lines above");
    }
}
