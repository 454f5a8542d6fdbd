package dev.flowmeter.api;

import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.streams.TopologySettings;
import dev.flowmeter.streams.dora.Bands;
import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.dora.Teams;
import dev.flowmeter.streams.forecast.ForecastSettings;
import dev.flowmeter.streams.gates.GateLimits;
import dev.flowmeter.streams.state.BoundedRocksDbMemory;
import dev.flowmeter.streams.work.ItemKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Everything the server can be told, read once from environment variables. A bad value stops start-up with a message
 * naming the variable. Every variable here has a row in the README's configuration table.
 *
 * @param kafkaBootstrapServers an external Kafka cluster; empty means run the embedded single-node broker
 * @param dataDir where the embedded broker's log and the Kafka Streams state live
 * @param http how the HTTP server listens
 * @param ingestToken the bearer token {@code POST /api/v1/events} requires; empty: no token, loopback only
 * @param apiToken the bearer token every read endpoint, {@code /metrics} included, requires; empty: open reads
 * @param embeddedKafkaPort the embedded broker's client port on 127.0.0.1; 0 picks a free one
 * @param embeddedControllerPort the embedded broker's KRaft controller port on 127.0.0.1; 0 picks a free one
 * @param applicationId the Kafka Streams application id: processes with the same id share the work
 * @param partitions partitions of the topics Flowmeter creates (the most server processes that can share the work)
 * @param replicationFactor replication of the topics Flowmeter creates; empty uses the cluster's default
 * @param standbyReplicas warm copies of each state store kept by other processes, so a failover restores little
 * @param streamThreads Kafka Streams threads of this process; each takes a share of the partitions it holds
 * @param stateMemoryBytes the memory all RocksDB state stores of this process share (block cache and memtables)
 * @param kafkaSecurity client settings for a secured cluster, given to every Kafka client
 * @param topology retention, walk limit and the other knobs of the topology
 * @param maxBodyBytes the largest request body accepted
 * @param maxBatchSize the most events one request to the events API may carry
 * @param kafkaTimeout how long a write may wait for Kafka before the request is answered 503
 * @param maxFuture how far ahead of the server's clock an event's time may be
 * @param maxBufferedBytes the most request-body bytes held in memory at once, over all requests
 * @param webhooks the secrets that enable the webhook endpoints, and the service map
 * @param dora which environments are production, and the DORA bands
 * @param teams the team of each service, from the file {@code FLOWMETER_TEAMS} names
 * @param advertisedUrl how the other server processes reach this one's HTTP API, for queries about services whose
 *     state this process does not hold; empty when the HTTP port is picked at random and none is given (tests)
 * @param grafanaUrl where the team's Grafana serves Flowmeter's dashboards, for the overview page's links
 * @param workItemKeys how work item keys are found in commit subjects, change titles and branch names
 */
public record FlowmeterConfig(
        Optional<String> kafkaBootstrapServers,
        Path dataDir,
        HttpSettings http,
        Optional<Secret> ingestToken,
        Optional<Secret> apiToken,
        int embeddedKafkaPort,
        int embeddedControllerPort,
        String applicationId,
        int partitions,
        Optional<Short> replicationFactor,
        int standbyReplicas,
        int streamThreads,
        long stateMemoryBytes,
        KafkaSecurity kafkaSecurity,
        TopologySettings topology,
        long maxBodyBytes,
        int maxBatchSize,
        Duration kafkaTimeout,
        Duration maxFuture,
        long maxBufferedBytes,
        WebhookSettings webhooks,
        DoraSettings dora,
        Teams teams,
        Optional<URI> advertisedUrl,
        Optional<URI> grafanaUrl,
        ItemKeys workItemKeys,
        ForecastSettings forecasts) {

    public static final String INGEST_TOKEN = "FLOWMETER_INGEST_TOKEN";
    public static final String API_TOKEN = "FLOWMETER_API_TOKEN";
    public static final String ALLOW_UNAUTHENTICATED = "FLOWMETER_ALLOW_UNAUTHENTICATED";
    public static final String HTTP_HOST = "FLOWMETER_HTTP_HOST";
    public static final String GATE_LIMITS = "FLOWMETER_GATE_LIMITS";
    public static final String PRODUCTION_ENVIRONMENTS = "FLOWMETER_PRODUCTION_ENVIRONMENTS";
    public static final String TEAMS = "FLOWMETER_TEAMS";
    public static final String ADVERTISED_URL = "FLOWMETER_ADVERTISED_URL";
    public static final String GRAFANA_URL = "FLOWMETER_GRAFANA_URL";
    public static final String WORK_ITEM_PATTERN = "FLOWMETER_WORK_ITEM_PATTERN";
    public static final String BANDS_LEAD_TIME = "FLOWMETER_BANDS_LEAD_TIME";
    public static final String BANDS_DEPLOYMENT_FREQUENCY = "FLOWMETER_BANDS_DEPLOYMENT_FREQUENCY";
    public static final String BANDS_CHANGE_FAILURE_RATE = "FLOWMETER_BANDS_CHANGE_FAILURE_RATE";
    public static final String BANDS_RECOVERY_TIME = "FLOWMETER_BANDS_RECOVERY_TIME";

    public static final String DEFAULT_DATA_DIR = "./data";
    /** Where the server listens without an ingest token: nobody else can write. */
    public static final String LOOPBACK_HOST = "127.0.0.1";
    /** Where it listens with one. */
    public static final String ANY_HOST = "0.0.0.0";
    public static final int DEFAULT_HTTP_PORT = 7070;
    public static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** 16 KiB/s: a 25 MiB body then has 26 minutes, and a client that stalls mid-body is cut off. */
    public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 16 * 1024;
    public static final int DEFAULT_EMBEDDED_KAFKA_PORT = 9092;
    public static final int DEFAULT_EMBEDDED_CONTROLLER_PORT = 9093;
    public static final String DEFAULT_APPLICATION_ID = "flowmeter";
    public static final int DEFAULT_PARTITIONS = 6;
    public static final int DEFAULT_STANDBY_REPLICAS = 0;
    public static final int DEFAULT_STREAM_THREADS = 1;
    public static final long DEFAULT_STATE_MEMORY_BYTES = BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES;
    public static final long DEFAULT_MAX_BODY_BYTES = IngestLimits.DEFAULT_MAX_BODY_BYTES;
    public static final int DEFAULT_MAX_BATCH_SIZE = IngestLimits.DEFAULT_MAX_BATCH_SIZE;
    public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofDays(1);
    /** A quarter of the heap, at most 256 MiB: ten 25 MiB uploads at once, and room left for Kafka and Streams. */
    public static final long DEFAULT_MAX_BUFFERED_BYTES_CAP = 256L * 1024 * 1024;
    /** A gate, optionally with the environment whose deployments it holds: code-review, change-approval:production. */
    private static final Pattern GATE_NAME = Pattern.compile("(?=.{1,100}$)[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?");

    public static FlowmeterConfig fromEnv(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        Optional<Secret> ingestToken = read.secret(INGEST_TOKEN);
        boolean allowUnauthenticated = read.bool(ALLOW_UNAUTHENTICATED, false);
        String host = read.string(HTTP_HOST, ingestToken.isPresent() ? ANY_HOST : LOOPBACK_HOST);
        if (ingestToken.isEmpty() && !allowUnauthenticated && !HttpSettings.isLoopback(host)) {
            throw new IllegalArgumentException(HTTP_HOST + "=" + host + " would let anyone who reaches this port write"
                    + " events, because no " + INGEST_TOKEN + " is set: set " + INGEST_TOKEN + " (or "
                    + INGEST_TOKEN + "_FILE), or " + ALLOW_UNAUTHENTICATED + "=true to accept that");
        }
        long maxBodyBytes = read.longInteger("FLOWMETER_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1024,
                Integer.MAX_VALUE - 16);
        long defaultBuffered = Math.max(maxBodyBytes,
                Math.min(DEFAULT_MAX_BUFFERED_BYTES_CAP, Runtime.getRuntime().maxMemory() / 4));
        return new FlowmeterConfig(
                read.optional("KAFKA_BOOTSTRAP_SERVERS"),
                Path.of(read.string("FLOWMETER_DATA_DIR", DEFAULT_DATA_DIR)),
                new HttpSettings(host,
                        read.integer("FLOWMETER_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65535),
                        read.duration("FLOWMETER_HTTP_IDLE_TIMEOUT", DEFAULT_HTTP_IDLE_TIMEOUT),
                        read.longInteger("FLOWMETER_HTTP_MIN_DATA_RATE", DEFAULT_MIN_REQUEST_DATA_RATE, 0,
                                Long.MAX_VALUE),
                        read.optional("FLOWMETER_TLS_KEYSTORE").map(path -> new HttpSettings.Tls(Path.of(path),
                                read.secretText("FLOWMETER_TLS_KEYSTORE_PASSWORD").orElseThrow(() ->
                                        new IllegalArgumentException("FLOWMETER_TLS_KEYSTORE is set, so "
                                                + "FLOWMETER_TLS_KEYSTORE_PASSWORD (or _FILE) must be too"))))),
                ingestToken,
                read.secret(API_TOKEN),
                read.integer("FLOWMETER_KAFKA_PORT", DEFAULT_EMBEDDED_KAFKA_PORT, 0, 65535),
                read.integer("FLOWMETER_KAFKA_CONTROLLER_PORT", DEFAULT_EMBEDDED_CONTROLLER_PORT, 0, 65535),
                read.string("FLOWMETER_APPLICATION_ID", DEFAULT_APPLICATION_ID),
                read.integer("FLOWMETER_PARTITIONS", DEFAULT_PARTITIONS, 1, 10_000),
                read.optional("FLOWMETER_REPLICATION_FACTOR")
                        .map(v -> (short) read.integer("FLOWMETER_REPLICATION_FACTOR", 1, 1, Short.MAX_VALUE)),
                read.integer("FLOWMETER_STANDBY_REPLICAS", DEFAULT_STANDBY_REPLICAS, 0, 10),
                read.integer("FLOWMETER_STREAM_THREADS", DEFAULT_STREAM_THREADS, 1, 64),
                stateMemoryBytes(read),
                KafkaSecurity.fromEnv(read),
                new TopologySettings(
                        read.integer("FLOWMETER_WALK_LIMIT", TopologySettings.DEFAULT_WALK_LIMIT, 1, 1_000_000),
                        read.duration("FLOWMETER_DEDUP_RETENTION", TopologySettings.DEFAULT_DEDUP_RETENTION),
                        read.duration("FLOWMETER_PURGE_INTERVAL", TopologySettings.DEFAULT_PURGE_INTERVAL),
                        read.duration("FLOWMETER_RETENTION", TopologySettings.DEFAULT_RETENTION),
                        read.duration("FLOWMETER_GATE_ITEM_RETENTION", TopologySettings.DEFAULT_GATE_ITEM_RETENTION),
                        read.duration("FLOWMETER_GATE_REORDER_WINDOW",
                                TopologySettings.DEFAULT_GATE_REORDER_WINDOW),
                        gateLimits(read)),
                maxBodyBytes,
                read.integer("FLOWMETER_MAX_BATCH_SIZE", DEFAULT_MAX_BATCH_SIZE, 1, 100_000),
                read.duration("FLOWMETER_KAFKA_TIMEOUT", DEFAULT_KAFKA_TIMEOUT),
                read.duration("FLOWMETER_MAX_FUTURE", DEFAULT_MAX_FUTURE),
                read.longInteger("FLOWMETER_MAX_BUFFERED_BYTES", defaultBuffered, maxBodyBytes, Long.MAX_VALUE),
                WebhookSettings.fromEnv(env),
                new DoraSettings(production(read), new Bands(
                        read.durationList(BANDS_LEAD_TIME, Bands.DEFAULTS.leadTime()),
                        read.durationList(BANDS_DEPLOYMENT_FREQUENCY, Bands.DEFAULTS.deploymentInterval()),
                        read.percentList(BANDS_CHANGE_FAILURE_RATE, Bands.DEFAULTS.changeFailureRate()),
                        read.durationList(BANDS_RECOVERY_TIME, Bands.DEFAULTS.recoveryTime()))),
                teams(read),
                advertisedUrl(read, host, read.integer("FLOWMETER_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65535),
                        read.optional("FLOWMETER_TLS_KEYSTORE").isPresent()),
                grafanaUrl(read),
                workItemKeys(read),
                forecasts(read));
    }

    /** {@code FLOWMETER_FORECAST_WINDOW}, {@code _MIN_SAMPLES} and {@code _TRIALS}. */
    private static ForecastSettings forecasts(EnvReader read) {
        Duration window = read.duration("FLOWMETER_FORECAST_WINDOW", ForecastSettings.DEFAULT_WINDOW);
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("FLOWMETER_FORECAST_WINDOW must be a positive duration such as 90d,"
                    + " got " + window);
        }
        return new ForecastSettings(window,
                read.integer("FLOWMETER_FORECAST_MIN_SAMPLES", ForecastSettings.DEFAULT_MIN_SAMPLES, 1, 100_000),
                read.integer("FLOWMETER_FORECAST_TRIALS", ForecastSettings.DEFAULT_TRIALS, 1, 100_000));
    }

    /** {@code FLOWMETER_WORK_ITEM_PATTERN}: a regular expression for the tracker's keys (Jira's by default). */
    private static ItemKeys workItemKeys(EnvReader read) {
        String regex = read.string(WORK_ITEM_PATTERN, ItemKeys.DEFAULT_PATTERN);
        try {
            return ItemKeys.of(regex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(WORK_ITEM_PATTERN + " must be a regular expression for the tracker's"
                    + " item keys, such as [A-Z][A-Z0-9]+-\\d+; '" + regex + "' is " + e.getMessage(), e);
        }
    }

    /**
     * {@code FLOWMETER_GRAFANA_URL}: the Grafana that serves Flowmeter's dashboards,
     * {@code http(s)://host[:port][/path]} (a Grafana behind a path prefix keeps it), without a query; stored without
     * a trailing slash.
     */
    private static Optional<URI> grafanaUrl(EnvReader read) {
        Optional<String> given = read.optional(GRAFANA_URL);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        String rule = GRAFANA_URL + " must be an http:// or https:// address of Grafana, such as"
                + " http://grafana.example.com:3000, with no query or fragment; got '" + given.get() + "'";
        URI uri;
        try {
            uri = new URI(given.get());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(rule, e);
        }
        boolean scheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!scheme || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(rule);
        }
        String text = uri.toString();
        return Optional.of(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text));
    }

    /** {@code FLOWMETER_STATE_MEMORY_BYTES}: 16 MiB or more, or 0 for RocksDB's own settings per store. */
    private static long stateMemoryBytes(EnvReader read) {
        long bytes = read.longInteger("FLOWMETER_STATE_MEMORY_BYTES", DEFAULT_STATE_MEMORY_BYTES, 0, Long.MAX_VALUE);
        if (bytes != 0 && bytes < BoundedRocksDbMemory.MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("FLOWMETER_STATE_MEMORY_BYTES must be 0 (RocksDB's own settings per "
                    + "store) or at least " + BoundedRocksDbMemory.MIN_MEMORY_BYTES + " (16 MiB), was " + bytes);
        }
        return bytes;
    }

    /**
     * {@code FLOWMETER_ADVERTISED_URL}, {@code http(s)://host:port} with no path; by default the scheme, the listening
     * host (this machine's name when it listens on every interface) and the port.
     */
    private static Optional<URI> advertisedUrl(EnvReader read, String host, int port, boolean tls) {
        Optional<String> given = read.optional(ADVERTISED_URL);
        if (given.isEmpty()) {
            if (port == 0) {
                return Optional.empty();
            }
            String name = host;
            if (host.equals(ANY_HOST) || host.equals("::") || host.equals("[::]")) {
                try {
                    name = InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException e) {
                    name = "localhost";
                }
            }
            return Optional.of(URI.create((tls ? "https" : "http") + "://" + name + ":" + port));
        }
        String rule = ADVERTISED_URL + " must be http://host:port or https://host:port (how the other Flowmeter"
                + " processes reach this one), got '" + given.get() + "'";
        URI uri;
        try {
            uri = new URI(given.get());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(rule, e);
        }
        boolean scheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
        if (!scheme || uri.getHost() == null || uri.getPort() <= 0 || !bare || uri.getRawQuery() != null) {
            throw new IllegalArgumentException(rule);
        }
        return Optional.of(URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()));
    }

    private static Pattern production(EnvReader read) {
        String regex = read.string(PRODUCTION_ENVIRONMENTS, DoraSettings.DEFAULT_PRODUCTION);
        try {
            return DoraSettings.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(PRODUCTION_ENVIRONMENTS + " must be a regular expression, got '"
                    + regex + "': " + e.getDescription(), e);
        }
    }

    private static Teams teams(EnvReader read) {
        Optional<String> file = read.optional(TEAMS);
        if (file.isEmpty()) {
            return Teams.NONE;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file.get()), StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            throw new IllegalArgumentException(TEAMS + " names " + file.get() + ", which cannot be read: " + e, e);
        }
        try {
            return Teams.parse(lines);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TEAMS + " (" + file.get() + "), " + e.getMessage(), e);
        }
    }

    private static GateLimits gateLimits(EnvReader read) {
        Map<String, Duration> limits = read.durations(GATE_LIMITS, GATE_NAME, "is not a gate name: 1-100 letters,"
                + " digits, '.', '_' or '-', optionally followed by ':' and an environment, as in"
                + " change-approval:production");
        try {
            return GateLimits.of(limits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(GATE_LIMITS + ": " + e.getMessage(), e);
        }
    }

    public boolean embeddedKafka() {
        return kafkaBootstrapServers.isEmpty();
    }

    /** The effective configuration for the start-up log. Secrets show only whether they are set. */
    public Map<String, Object> describe() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("kafka", kafkaBootstrapServers.orElse("embedded on 127.0.0.1:" + embeddedKafkaPort));
        view.put("kafkaSecurity", kafkaSecurity.describe());
        view.put("dataDir", dataDir.toAbsolutePath().normalize());
        view.put("http", (http.tls().isPresent() ? "https://" : "http://") + http.host() + ":" + http.port());
        view.put("ingestToken", ingestToken.isPresent() ? "set" : "none (loopback only)");
        view.put("apiToken", apiToken.isPresent() ? "set" : "none");
        view.put("applicationId", applicationId);
        view.put("partitions", partitions);
        view.put("replicationFactor", replicationFactor.map(String::valueOf).orElse("cluster default"));
        view.put("standbyReplicas", standbyReplicas);
        view.put("streamThreads", streamThreads);
        view.put("stateMemoryBytes", stateMemoryBytes);
        view.put("topology", topology);
        view.put("maxBodyBytes", maxBodyBytes);
        view.put("maxBatchSize", maxBatchSize);
        view.put("kafkaTimeout", kafkaTimeout);
        view.put("maxFuture", maxFuture);
        view.put("maxBufferedBytes", maxBufferedBytes);
        view.put("webhooks", webhooks.describe());
        view.put("productionEnvironments", dora.production().pattern());
        view.put("bands", dora.bands());
        view.put("teams", teams.isEmpty() ? "none" : "from " + TEAMS);
        view.put("advertisedUrl", advertisedUrl.map(URI::toString).orElse("none (one process)"));
        view.put("grafanaUrl", grafanaUrl.map(URI::toString).orElse("none"));
        view.put("workItemPattern", workItemKeys.pattern());
        return view;
    }
}
