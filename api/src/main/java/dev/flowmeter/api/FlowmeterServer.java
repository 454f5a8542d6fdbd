package dev.flowmeter.api;

import dev.flowmeter.api.broker.EmbeddedKafka;
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
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.ValueStreamTopology;
import dev.flowmeter.streams.metrics.MetricsQuery;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
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

    private final EmbeddedKafka broker;
    private final KafkaStreams streams;
    private final KafkaEventPublisher publisher;
    private final Javalin http;
    private final PrometheusMeterRegistry registry;
    private final ExecutorService answers;

    private FlowmeterServer(EmbeddedKafka broker, KafkaStreams streams, KafkaEventPublisher publisher, Javalin http,
            PrometheusMeterRegistry registry, ExecutorService answers) {
        this.broker = broker;
        this.streams = streams;
        this.publisher = publisher;
        this.http = http;
        this.registry = registry;
        this.answers = answers;
    }

    public static FlowmeterServer start(FlowmeterConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static FlowmeterServer start(FlowmeterConfig config, Clock clock) {
        LOG.info("Starting Flowmeter with {}", config.describe());
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
            createTopics(bootstrap, config);

            KafkaStreams streams = new KafkaStreams(ValueStreamTopology.build(TopologySettings.defaults()
                    .withWalkLimit(config.walkLimit()).withDedupRetention(config.dedupRetention())),
                    streamsProperties(bootstrap, config));
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("Kafka Streams stopped on an unexpected error; metrics are no longer updated", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            started.add(streams);
            streams.start();

            Map<String, Object> producer = new HashMap<>();
            producer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            producer.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.applicationId() + "-ingest");
            KafkaEventPublisher publisher = new KafkaEventPublisher(producer, config.kafkaTimeout());
            started.add(publisher);

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            MetricsQuery query = new MetricsQuery(storesOf(streams), clock);
            registry.getPrometheusRegistry().register(new StateCollector(query));

            IngestLimits limits = new IngestLimits(config.maxBodyBytes(), config.maxBatchSize(),
                    IngestLimits.DEFAULT_MAX_FUTURE);
            ExecutorService answers = IngestDependencies.answerExecutor(2, 1024);
            started.add(answers::shutdown);
            IngestDependencies ingest = new IngestDependencies(publisher, limits, clock, answers,
                    new UnauthenticatedRequests(),
                    new BodyBudget(Math.max(limits.maxBodyBytes(), Runtime.getRuntime().maxMemory() / 4)));
            EventsRoute events = new EventsRoute(ingest, Optional.empty());
            Javalin http = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                Problems.register(cfg);
                events.register(cfg);
                Webhooks.register(cfg, config.webhooks(), ingest);
                cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
                cfg.routes.get("/health/live", ctx -> ctx.result("ok"));
                cfg.routes.get("/health/ready", ctx -> ready(ctx, streams));
            });
            started.add(http::stop);
            http.start(config.httpHost(), config.httpPort());
            LOG.info("Flowmeter is listening on http://{}:{}", config.httpHost(), http.port());
            return new FlowmeterServer(broker, streams, publisher, http, registry, answers);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    private static void ready(Context ctx, KafkaStreams streams) {
        KafkaStreams.State state = streams.state();
        ctx.status(state == KafkaStreams.State.RUNNING ? 200 : 503).result("streams " + state);
    }

    public int httpPort() {
        return http.port();
    }

    /** The embedded broker, when this server runs one. */
    public Optional<EmbeddedKafka> embeddedKafka() {
        return Optional.ofNullable(broker);
    }

    @Override
    public void close() {
        LOG.info("Stopping Flowmeter");
        List<AutoCloseable> parts = new ArrayList<>();
        if (broker != null) {
            parts.add(broker);
        }
        // Leaving the group lets another instance (or this one, restarted) take the partitions over at once
        // instead of after the session timeout.
        parts.add(() -> streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30))));
        parts.add(publisher);
        parts.add(registry::close);
        parts.add(answers::shutdown);
        parts.add(http::stop);
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

    private static MetricsQuery.StoreLookup storesOf(KafkaStreams streams) {
        return new MetricsQuery.StoreLookup() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return streams.store(StoreQueryParameters.fromNameAndType(name,
                        QueryableStoreTypes.<String, V>keyValueStore()));
            }
        };
    }

    private static Properties streamsProperties(String bootstrap, FlowmeterConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, streamsStateDir(config.dataDir()).toString());
        // A record on the topic that is not a delivery event (written by some other tool) is logged and skipped
        // rather than stopping every metric.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        config.replicationFactor().ifPresent(rf -> props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) rf));
        return props;
    }

    static Path streamsStateDir(Path dataDir) {
        return dataDir.resolve("streams").toAbsolutePath().normalize();
    }

    private static void createTopics(String bootstrap, FlowmeterConfig config) {
        Map<String, Object> props = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topic<?, ?> topic : Topics.ALL) {
                NewTopic newTopic = new NewTopic(topic.name(), Optional.of(config.partitions()),
                        config.replicationFactor());
                // Delivery events are the source of truth the state can be rebuilt from: keep them. Dead letters
                // are for a person to look at, so a week is plenty.
                newTopic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                        topic == Topics.EVENTS ? "-1" : String.valueOf(Duration.ofDays(7).toMillis())));
                topics.add(newTopic);
            }
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Created topic {}", name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause(), e);
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within "
                            + ADMIN_TIMEOUT + " (KAFKA_BOOTSTRAP_SERVERS)", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while creating topics", e);
                }
            });
        }
    }
}
