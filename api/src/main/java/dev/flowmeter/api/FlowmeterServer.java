package dev.flowmeter.api;

import dev.flowmeter.api.broker.EmbeddedKafka;
import dev.flowmeter.api.health.KafkaReachability;
import dev.flowmeter.api.health.StreamsHealth;
import dev.flowmeter.api.metrics.IngestMetrics;
import dev.flowmeter.api.metrics.StateCollector;
import dev.flowmeter.events.Topic;
import dev.flowmeter.events.Topics;
import dev.flowmeter.ingest.api.EventsRoute;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.kafka.KafkaEventPublisher;
import dev.flowmeter.streams.ValueStreamTopology;
import dev.flowmeter.streams.dora.DoraQuery;
import dev.flowmeter.streams.errors.SkipFailedRecords;
import dev.flowmeter.streams.errors.SkipOversizedWrites;
import dev.flowmeter.streams.errors.SkipUnreadableRecords;
import dev.flowmeter.streams.gates.GateQuery;
import dev.flowmeter.streams.metrics.MetricsQuery;
import dev.flowmeter.streams.state.BoundedRocksDbMemory;
import dev.flowmeter.streams.state.StateChanges;
import dev.flowmeter.streams.state.StoreLookup;
import dev.flowmeter.streams.valuestream.ValueStreamQuery;
import dev.flowmeter.streams.work.WorkQuery;
import dev.flowmeter.streams.work.WorkSettings;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Flowmeter: the embedded broker (unless an external Kafka is configured), the topics, the Kafka Streams
 * topology and the HTTP server. {@link #start} wires it all; {@link #close} stops it in reverse order.
 */
public final class FlowmeterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlowmeterServer.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READINESS_INTERVAL = Duration.ofSeconds(1);
    private static final int ANSWER_QUEUE = 4096;
    static final String INSTANCE_ID_FILE = "instance-id";
    /** The durability floor of every topic: a write is acknowledged by two replicas when there are two. */
    static final int MIN_IN_SYNC_REPLICAS = 2;

    private final EmbeddedKafka broker;
    private final KafkaStreams streams;
    private final Set<String> stores;
    private final StreamsHealth streamsHealth;
    private final Javalin http;
    /** Everything started, in order; closed in reverse. */
    private final List<AutoCloseable> parts;

    private FlowmeterServer(EmbeddedKafka broker, KafkaStreams streams, Set<String> stores, StreamsHealth streamsHealth,
            Javalin http, List<AutoCloseable> parts) {
        this.broker = broker;
        this.streams = streams;
        this.stores = stores;
        this.streamsHealth = streamsHealth;
        this.http = http;
        this.parts = List.copyOf(parts);
    }

    /** Starts a server whose fatal Kafka Streams failure only fails liveness (tests watch for that). */
    public static FlowmeterServer start(FlowmeterConfig config, Clock clock) {
        return start(config, clock, () -> { });
    }

    /**
     * @param onFatal runs once when Kafka Streams has stopped for good; {@link Main} exits the process with it, so a
     *                supervisor restarts Flowmeter
     */
    public static FlowmeterServer start(FlowmeterConfig config, Clock clock, Runnable onFatal) {
        LOG.info("Starting Flowmeter with {}", config.describe());
        if (config.ingestToken().isEmpty() && config.http().loopbackOnly()) {
            LOG.warn("No {} is set, so the server listens on {} only: only this machine can write events",
                    FlowmeterConfig.INGEST_TOKEN, config.http().host());
        } else if (config.ingestToken().isEmpty()) {
            LOG.warn("No {} is set and {}=true: anyone who reaches {} can write events",
                    FlowmeterConfig.INGEST_TOKEN, FlowmeterConfig.ALLOW_UNAUTHENTICATED, config.http().host());
        }
        List<AutoCloseable> started = new ArrayList<>();
        try {
            EmbeddedKafka broker = null;
            String bootstrap;
            if (config.embeddedKafka()) {
                broker = EmbeddedKafka.start(config.dataDir().resolve("kafka"), config.embeddedKafkaPort(),
                        config.embeddedControllerPort());
                started.add(broker);
                bootstrap = broker.bootstrapServers();
            } else {
                bootstrap = config.kafkaBootstrapServers().orElseThrow();
            }
            Map<String, Object> client = new HashMap<>(config.kafkaSecurity().clientProperties());
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            int minInSync = createTopics(client, config);

            StreamsHealth streamsHealth = new StreamsHealth(onFatal);
            // Which services' facts changed, so a scrape works out again only their series.
            StateChanges changes = new StateChanges();
            Topology topology = ValueStreamTopology.build(config.topology(), changes,
                    new WorkSettings(config.dora().production(), config.workItemKeys()));
            KafkaStreams streams = new KafkaStreams(topology, streamsProperties(client, config, minInSync));
            // A restore or a rebalance changes what the stores hold without the topology's writers: start over.
            streams.setStateListener((newState, oldState) -> {
                changes.invalidateAll();
                streamsHealth.onChange(newState, oldState);
            });
            streams.setGlobalStateRestoreListener(new InvalidatingRestoreListener(changes));
            streams.setUncaughtExceptionHandler(e -> {
                streamsHealth.failed(e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            // Leaving the group lets another instance (or this one, restarted) take the partitions over at once
            // instead of after the session timeout.
            started.add(() -> streams.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30))));
            streams.start();

            KafkaReachability kafka = new KafkaReachability(client, READINESS_INTERVAL,
                    Duration.ofMillis(Math.min(config.kafkaTimeout().toMillis(), 2_000)));
            started.add(kafka);

            Map<String, Object> producer = new HashMap<>(client);
            producer.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.applicationId() + "-ingest");
            KafkaEventPublisher publisher = new KafkaEventPublisher(producer, config.kafkaTimeout());
            started.add(publisher);

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            started.add(registry::close);
            new JvmMemoryMetrics().bindTo(registry);
            // GC pauses for the internals dashboard; it listens to GC notifications, so it is closed with the rest.
            JvmGcMetrics gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
            started.add(gcMetrics);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(registry);
            started.add(streamsMetrics);
            MetricsQuery query = new MetricsQuery(storesOf(streams), clock, config.topology().gateLimits(),
                    config.dora(), config.teams(), changes, config.forecasts());
            int partitions = eventPartitions(client);
            Peers peers = config.advertisedUrl().<Peers>map(url -> new StreamsPeers(streams, url, partitions,
                    config.apiToken())).orElseGet(() -> Peers.alone(partitions));
            GatesRoute gates = new GatesRoute(new GateQuery(storesOf(streams), clock, config.topology().gateLimits()),
                    peers);
            DoraRoutes dora = new DoraRoutes(new DoraQuery(storesOf(streams), clock, config.dora()), config.teams(),
                    clock, peers);
            WorkQuery workQuery = new WorkQuery(storesOf(streams));
            ValueStreamQuery valueStreamQuery = new ValueStreamQuery(storesOf(streams), clock, config.dora());
            ForecastRoutes forecasts = new ForecastRoutes(valueStreamQuery, workQuery, config.forecasts(), clock,
                    peers);
            ValueStreamRoutes valueStream = new ValueStreamRoutes(valueStreamQuery, workQuery, forecasts,
                    config.teams(), clock, peers);
            WorkRoutes work = new WorkRoutes(workQuery, valueStream, forecasts, clock, peers);
            forecasts.itemsFrom(work);
            Set<String> stores = storeNames(topology);
            registry.getPrometheusRegistry().register(new StateCollector(query,
                    () -> approximateStoreSizes(streams, stores)));

            IngestLimits limits = new IngestLimits(config.maxBodyBytes(), config.maxBatchSize(), config.maxFuture());
            // Answers are tiny writes; a thread per core is plenty, and a full queue answers on the producer's thread.
            ExecutorService answers = IngestDependencies.answerExecutor(
                    Math.max(2, Runtime.getRuntime().availableProcessors()), ANSWER_QUEUE);
            started.add(answers::shutdown);
            UnauthenticatedRequests unauthenticated = new UnauthenticatedRequests();
            BodyBudget budget = new BodyBudget(config.maxBufferedBytes());
            IngestDependencies ingest = new IngestDependencies(publisher, limits, clock, answers, unauthenticated,
                    budget);
            EventsRoute events = new EventsRoute(ingest, config.ingestToken());
            List<String> sources = new ArrayList<>();
            OverviewPage overview = OverviewPage.of(config.apiToken().isPresent(), config.grafanaUrl());
            Javalin http = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                HttpServer.configure(cfg, config.http());
                Problems.register(cfg);
                ReadAccess.register(cfg, config.apiToken());
                events.register(cfg);
                sources.add(EventsRoute.SOURCE);
                sources.addAll(Webhooks.register(cfg, config.webhooks(), ingest));
                gates.register(cfg);
                dora.register(cfg);
                valueStream.register(cfg);
                work.register(cfg);
                forecasts.register(cfg);
                cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
                cfg.routes.get("/health/live", ctx -> live(ctx, streamsHealth));
                cfg.routes.get("/health/ready", ctx -> ready(ctx, kafka));
                cfg.routes.get("/health/query", ctx -> queryable(ctx, streamsHealth));
                OpenApiDocument.register(cfg);
                overview.register(cfg);
            });
            started.add(http::stop);
            started.add(IngestMetrics.bind(registry, unauthenticated, sources, budget, publisher));
            http.start();
            LOG.info("Flowmeter is listening on {}://{}:{}", config.http().tls().isPresent() ? "https" : "http",
                    config.http().host(), http.port());
            return new FlowmeterServer(broker, streams, stores, streamsHealth, http, started);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    private static void live(Context ctx, StreamsHealth health) {
        if (health.alive()) {
            ctx.result("ok");
        } else {
            ctx.status(503).result("Kafka Streams stopped for good: " + health.fatalReason()
                    + "; restart the process (the server log has the details)");
        }
    }

    /** Ingest readiness: can this process write to Kafka? It does not need Kafka Streams for that. */
    private static void ready(Context ctx, KafkaReachability kafka) {
        if (kafka.reachable()) {
            ctx.result("ok: Kafka takes writes");
        } else {
            ctx.status(503).result("not ready: " + kafka.problem());
        }
    }

    /** Query readiness: is every state store of this process readable (no start-up, restore or rebalance)? */
    private static void queryable(Context ctx, StreamsHealth health) {
        ctx.status(health.running() ? 200 : 503).result("streams " + health.state());
    }

    public int httpPort() {
        return http.port();
    }

    /** Every route the HTTP server registered, as {@code "GET /path"}: the OpenAPI document must list them all. */
    List<String> routes() {
        return http.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint.method.name() + " " + parsed.endpoint.path).sorted().toList();
    }

    /** The embedded broker, when this server runs one. */
    public Optional<EmbeddedKafka> embeddedKafka() {
        return Optional.ofNullable(broker);
    }

    /** Whether Kafka Streams is still doing its work (false once it stopped for good). */
    public boolean alive() {
        return streamsHealth.alive();
    }

    /**
     * Counts the entries of every state store this process holds, by reading them all: for tests and diagnostics
     * only (a scrape uses RocksDB's estimate instead).
     */
    public Map<String, Long> countStateEntries() {
        Map<String, Long> counts = new TreeMap<>();
        for (String store : stores) {
            ReadOnlyKeyValueStore<Object, Object> view = streams.store(StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.keyValueStore()));
            long count = 0;
            try (KeyValueIterator<Object, Object> all = view.all()) {
                while (all.hasNext()) {
                    all.next();
                    count++;
                }
            }
            counts.put(store, count);
        }
        return counts;
    }

    /** Stops everything in reverse order of start: HTTP first, the broker last. */
    @Override
    public void close() {
        LOG.info("Stopping Flowmeter");
        closeAll(parts);
    }

    /** Closes in reverse order of start: HTTP first, the broker last. */
    private static void closeAll(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                LOG.warn("Error while stopping: {}", e.toString());
            }
        }
    }

    /** RocksDB's estimate of each readable store's size; stores not readable now are left out. */
    private static Map<String, Long> approximateStoreSizes(KafkaStreams streams, Set<String> stores) {
        Map<String, Long> sizes = new TreeMap<>();
        for (String store : stores) {
            try {
                sizes.put(store, streams.store(StoreQueryParameters.fromNameAndType(store,
                        QueryableStoreTypes.keyValueStore())).approximateNumEntries());
            } catch (InvalidStateStoreException e) {
                // restoring or moving to another instance: nothing to report from here now
            }
        }
        return sizes;
    }

    /** Every state store of the topology, read from its description so a new store is never forgotten. */
    static Set<String> storeNames(Topology topology) {
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    names.addAll(processor.stores());
                }
            }
        }
        return Set.copyOf(names);
    }

    private static StoreLookup storesOf(KafkaStreams streams) {
        return new StoreLookup() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return streams.store(StoreQueryParameters.fromNameAndType(name,
                        QueryableStoreTypes.<String, V>keyValueStore()));
            }
        };
    }

    private static Properties streamsProperties(Map<String, Object> client, FlowmeterConfig config, int minInSync) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, streamsStateDir(config.dataDir()).toString());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        // One memory budget for every RocksDB store, instead of a cache and memtables per store and partition.
        if (config.stateMemoryBytes() > 0) {
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName());
            props.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, config.stateMemoryBytes());
        }
        // Where the other processes reach this one for queries about the services it holds.
        config.advertisedUrl().ifPresent(url -> props.put(StreamsConfig.APPLICATION_SERVER_CONFIG,
                url.getHost() + ":" + url.getPort()));
        // Static membership: a process restarted on the same data directory (after a crash, say) takes its
        // partitions back at once, instead of waiting for the group to notice the old member is gone.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                instanceId(config.dataDir()));
        // No single record may stop every metric: one that cannot be read, processed or written is dead-lettered
        // with the reason, counted, and skipped.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnreadableRecords.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipFailedRecords.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipOversizedWrites.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Changelog and repartition topics get the same durability floor as Flowmeter's own topics.
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), String.valueOf(minInSync));
        config.replicationFactor().ifPresent(rf -> props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) rf));
        return props;
    }

    /** A name for this process in the Streams group, kept in the data directory so it survives restarts. */
    static String instanceId(Path dataDir) {
        Path file = dataDir.resolve(INSTANCE_ID_FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = "flowmeter-" + UUID.randomUUID();
            Files.createDirectories(dataDir);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + " (FLOWMETER_DATA_DIR)", e);
        }
    }

    static Path streamsStateDir(Path dataDir) {
        return dataDir.resolve("streams").toAbsolutePath().normalize();
    }

    /**
     * Creates Flowmeter's topics if they do not exist, with {@code min.insync.replicas} = min(2, replication factor),
     * and returns that value for the topology's own topics.
     */
    private static int createTopics(Map<String, Object> client, FlowmeterConfig config) {
        try (Admin admin = Admin.create(client)) {
            short replication = config.replicationFactor().orElseGet(() -> defaultReplicationFactor(admin, client));
            int minInSync = Math.min(MIN_IN_SYNC_REPLICAS, replication);
            List<NewTopic> topics = new ArrayList<>();
            for (Topic<?, ?> topic : Topics.ALL) {
                NewTopic newTopic = new NewTopic(topic.name(), Optional.of(config.partitions()),
                        config.replicationFactor());
                // Delivery events are the source of truth the state can be rebuilt from: keep them. Dead letters
                // are for a person to look at, and stall records for systems that react within minutes, so a week
                // is plenty.
                newTopic.configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        topic == Topics.EVENTS ? "-1" : String.valueOf(Duration.ofDays(7).toMillis()),
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInSync)));
                topics.add(newTopic);
            }
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    await(future, client);
                    LOG.info("Created topic {} (min.insync.replicas {})", name, minInSync);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause(), e);
                    }
                }
            });
            return minInSync;
        }
    }

    /** How many partitions the events topic has (it may predate this process's FLOWMETER_PARTITIONS). */
    private static int eventPartitions(Map<String, Object> client) {
        try (Admin admin = Admin.create(client)) {
            return await(admin.describeTopics(List.of(Topics.EVENTS.name())).allTopicNames(), client)
                    .get(Topics.EVENTS.name()).partitions().size();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot describe topic " + Topics.EVENTS.name() + ": " + e.getCause(), e);
        }
    }

    /** The cluster's {@code default.replication.factor}, read from one of its brokers. */
    private static short defaultReplicationFactor(Admin admin, Map<String, Object> client) {
        try {
            Collection<Node> nodes = await(admin.describeCluster().nodes(), client);
            Node node = nodes.iterator().next();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config config = await(admin.describeConfigs(List.of(resource)).all(), client).get(resource);
            ConfigEntry entry = config.get("default.replication.factor");
            return entry == null ? 1 : Short.parseShort(entry.value());
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the cluster's default.replication.factor: " + e.getCause()
                    + "; set FLOWMETER_REPLICATION_FACTOR", e);
        }
    }

    /**
     * Waits for an admin call at start-up. A refused login is named as such: the admin client reports it at once,
     * and the person reading the error needs the variable to fix rather than the topic that could not be created.
     */
    private static <T> T await(KafkaFuture<T> future, Map<String, Object> client)
            throws ExecutionException {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                throw new IllegalStateException("Kafka refused Flowmeter's credentials: " + e.getCause().getMessage()
                        + "; check KAFKA_SASL_JAAS_CONFIG", e);
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                    + " did not answer within " + ADMIN_TIMEOUT + " (KAFKA_BOOTSTRAP_SERVERS)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while talking to Kafka", e);
        }
    }
}
