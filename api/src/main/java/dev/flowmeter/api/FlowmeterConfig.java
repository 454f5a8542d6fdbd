package dev.flowmeter.api;

import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.streams.TopologySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the server can be told, read once from environment variables. A bad value stops start-up with a message
 * naming the variable. Every variable here has a row in the README's configuration table.
 *
 * @param kafkaBootstrapServers an external Kafka cluster; empty means run the embedded single-node broker
 * @param dataDir where the embedded broker's log and the Kafka Streams state live
 * @param httpHost the interface the HTTP server binds
 * @param httpPort the HTTP port; 0 picks a free one (tests)
 * @param embeddedKafkaPort the embedded broker's client port on 127.0.0.1; 0 picks a free one
 * @param embeddedControllerPort the embedded broker's KRaft controller port on 127.0.0.1; 0 picks a free one
 * @param applicationId the Kafka Streams application id: processes with the same id share the work
 * @param partitions partitions of the topics Flowmeter creates (the most server processes that can share the work)
 * @param replicationFactor replication of the topics Flowmeter creates; empty uses the cluster's default
 * @param dedupRetention how long event ids are remembered to drop redeliveries
 * @param walkLimit most commits a single deployment can ship when derived from history
 * @param maxBodyBytes the largest request body accepted
 * @param maxBatchSize the most events one request to the events API may carry
 * @param kafkaTimeout how long a write may wait for Kafka before the request is answered 503
 * @param webhooks the secrets that enable the webhook endpoints, and the service map
 */
public record FlowmeterConfig(
        Optional<String> kafkaBootstrapServers,
        Path dataDir,
        String httpHost,
        int httpPort,
        int embeddedKafkaPort,
        int embeddedControllerPort,
        String applicationId,
        int partitions,
        Optional<Short> replicationFactor,
        Duration dedupRetention,
        int walkLimit,
        long maxBodyBytes,
        int maxBatchSize,
        Duration kafkaTimeout,
        WebhookSettings webhooks) {

    public static final String DEFAULT_DATA_DIR = "./data";
    public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
    public static final int DEFAULT_HTTP_PORT = 7070;
    public static final int DEFAULT_EMBEDDED_KAFKA_PORT = 9092;
    public static final int DEFAULT_EMBEDDED_CONTROLLER_PORT = 9093;
    public static final String DEFAULT_APPLICATION_ID = "flowmeter";
    public static final int DEFAULT_PARTITIONS = 6;
    public static final Duration DEFAULT_DEDUP_RETENTION = TopologySettings.DEFAULT_DEDUP_RETENTION;
    public static final int DEFAULT_WALK_LIMIT = TopologySettings.DEFAULT_WALK_LIMIT;
    public static final long DEFAULT_MAX_BODY_BYTES = IngestLimits.DEFAULT_MAX_BODY_BYTES;
    public static final int DEFAULT_MAX_BATCH_SIZE = IngestLimits.DEFAULT_MAX_BATCH_SIZE;
    public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(10);

    public static FlowmeterConfig fromEnv(Map<String, String> env) {
        Reader read = new Reader(env);
        return new FlowmeterConfig(
                read.optional("KAFKA_BOOTSTRAP_SERVERS"),
                Path.of(read.string("FLOWMETER_DATA_DIR", DEFAULT_DATA_DIR)),
                read.string("FLOWMETER_HTTP_HOST", DEFAULT_HTTP_HOST),
                read.integer("FLOWMETER_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65535),
                read.integer("FLOWMETER_KAFKA_PORT", DEFAULT_EMBEDDED_KAFKA_PORT, 0, 65535),
                read.integer("FLOWMETER_KAFKA_CONTROLLER_PORT", DEFAULT_EMBEDDED_CONTROLLER_PORT, 0, 65535),
                read.string("FLOWMETER_APPLICATION_ID", DEFAULT_APPLICATION_ID),
                read.integer("FLOWMETER_PARTITIONS", DEFAULT_PARTITIONS, 1, 10_000),
                read.optional("FLOWMETER_REPLICATION_FACTOR")
                        .map(v -> (short) read.integer("FLOWMETER_REPLICATION_FACTOR", 1, 1, Short.MAX_VALUE)),
                read.duration("FLOWMETER_DEDUP_RETENTION", DEFAULT_DEDUP_RETENTION),
                read.integer("FLOWMETER_WALK_LIMIT", DEFAULT_WALK_LIMIT, 1, 1_000_000),
                read.longInteger("FLOWMETER_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE - 16),
                read.integer("FLOWMETER_MAX_BATCH_SIZE", DEFAULT_MAX_BATCH_SIZE, 1, 100_000),
                read.duration("FLOWMETER_KAFKA_TIMEOUT", DEFAULT_KAFKA_TIMEOUT),
                WebhookSettings.fromEnv(env));
    }

    public boolean embeddedKafka() {
        return kafkaBootstrapServers.isEmpty();
    }

    /** The effective configuration for the start-up log. Nothing here is secret; secrets are added masked. */
    public Map<String, Object> describe() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("kafka", kafkaBootstrapServers.orElse("embedded on 127.0.0.1:" + embeddedKafkaPort));
        view.put("dataDir", dataDir.toAbsolutePath().normalize());
        view.put("http", httpHost + ":" + httpPort);
        view.put("applicationId", applicationId);
        view.put("partitions", partitions);
        view.put("replicationFactor", replicationFactor.map(String::valueOf).orElse("cluster default"));
        view.put("dedupRetention", dedupRetention);
        view.put("walkLimit", walkLimit);
        view.put("maxBodyBytes", maxBodyBytes);
        view.put("maxBatchSize", maxBatchSize);
        view.put("kafkaTimeout", kafkaTimeout);
        view.put("webhooks", webhooks.describe());
        return view;
    }

    /** Reads typed values, failing with the variable's name. */
    private static final class Reader {
        private final Map<String, String> env;

        Reader(Map<String, String> env) {
            this.env = env;
        }

        Optional<String> optional(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String string(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        int integer(String name, int fallback, int min, int max) {
            return (int) longInteger(name, fallback, min, max);
        }

        long longInteger(String name, long fallback, long min, long max) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                long parsed = Long.parseLong(value.get());
                if (parsed < min || parsed > max) {
                    throw new IllegalArgumentException(name + " must be between " + min + " and " + max
                            + ", got " + parsed);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + value.get() + "'", e);
            }
        }

        /** ISO-8601 ({@code P7D}, {@code PT12H}) or a number with a unit: {@code 7d}, {@code 12h}, {@code 30m}. */
        Duration duration(String name, Duration fallback) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return fallback;
            }
            String text = value.get().toLowerCase(Locale.ROOT);
            Duration parsed;
            try {
                if (text.startsWith("p")) {
                    parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
                } else {
                    long amount = Long.parseLong(text.substring(0, text.length() - 1));
                    parsed = switch (text.charAt(text.length() - 1)) {
                        case 'd' -> Duration.ofDays(amount);
                        case 'h' -> Duration.ofHours(amount);
                        case 'm' -> Duration.ofMinutes(amount);
                        case 's' -> Duration.ofSeconds(amount);
                        default -> throw new IllegalArgumentException("no unit");
                    };
                }
            } catch (DateTimeParseException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(name + " must be a duration such as 7d, 12h, 30m, 10s or P7D, got '"
                        + value.get() + "'", e);
            }
            if (parsed.isNegative() || parsed.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got '" + value.get() + "'");
            }
            return parsed;
        }
    }
}
