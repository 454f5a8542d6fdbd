package dev.flowmeter.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Client settings for a secured Kafka cluster (SASL, TLS), passed through as they are to every Kafka client Flowmeter
 * makes: the producer, the admin client and Kafka Streams. Only a fixed list of variables is read, so an unrelated
 * {@code KAFKA_*} variable in the environment never turns into a client setting. Passwords and the JAAS config are
 * secrets: they can come from {@code <VARIABLE>_FILE} and are never logged.
 */
public record KafkaSecurity(Map<String, String> settings, Map<String, String> secrets) {

    /** Variable to Kafka client setting, for values that are not secret. */
    static final Map<String, String> PLAIN = Map.of(
            "KAFKA_SECURITY_PROTOCOL", "security.protocol",
            "KAFKA_SASL_MECHANISM", "sasl.mechanism",
            "KAFKA_SSL_TRUSTSTORE_LOCATION", "ssl.truststore.location",
            "KAFKA_SSL_TRUSTSTORE_TYPE", "ssl.truststore.type",
            "KAFKA_SSL_KEYSTORE_LOCATION", "ssl.keystore.location",
            "KAFKA_SSL_KEYSTORE_TYPE", "ssl.keystore.type",
            "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "ssl.endpoint.identification.algorithm");
    /** Variable to Kafka client setting, for secrets. */
    static final Map<String, String> SECRET = Map.of(
            "KAFKA_SASL_JAAS_CONFIG", "sasl.jaas.config",
            "KAFKA_SSL_TRUSTSTORE_PASSWORD", "ssl.truststore.password",
            "KAFKA_SSL_KEYSTORE_PASSWORD", "ssl.keystore.password",
            "KAFKA_SSL_KEY_PASSWORD", "ssl.key.password");

    public static final KafkaSecurity NONE = new KafkaSecurity(Map.of(), Map.of());

    public KafkaSecurity {
        settings = Map.copyOf(settings);
        secrets = Map.copyOf(secrets);
    }

    static KafkaSecurity fromEnv(EnvReader read) {
        Map<String, String> settings = new TreeMap<>();
        Map<String, String> secrets = new TreeMap<>();
        PLAIN.forEach((variable, setting) -> read.optional(variable).ifPresent(v -> settings.put(setting, v)));
        SECRET.forEach((variable, setting) -> read.secretText(variable).ifPresent(v -> secrets.put(setting, v)));
        return new KafkaSecurity(settings, secrets);
    }

    /** Everything to add to a Kafka client's configuration. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> all = new TreeMap<>(settings);
        all.putAll(secrets);
        return all;
    }

    /** For the start-up log: the plain settings, and only the names of the secrets. */
    Map<String, Object> describe() {
        Map<String, Object> view = new LinkedHashMap<>(settings);
        secrets.keySet().forEach(name -> view.put(name, "****"));
        return view;
    }

    @Override
    public String toString() {
        return "KafkaSecurity" + describe();
    }
}
