package dev.flowmeter.bench.run;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The reference for batched ingest: Kafka's own {@code ProducerPerformance} (from {@code kafka-tools}), in its own
 * process, writing the very records Flowmeter writes for the benchmark's events (a payload file of them, serialised
 * with the events topic's serde) to a topic shaped like the events topic, on the same broker, with
 * {@code acks=all}, idempotence and the producer settings Flowmeter's ingest uses. What is left between the two is
 * what Flowmeter adds: HTTP, parsing, validation and its answer.
 */
final class ProducerReference {

    static final String TOPIC = "bench.producer-performance";
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");
    private static final int PAYLOADS = 10_000;

    private ProducerReference() {
    }

    /** What the reference measured, and the average size of the records it sent. */
    record Result(double recordsPerSecond, double averageRecordBytes, String producerSettings) {
    }

    static Result run(String bootstrap, int partitions, long records, Map<String, String> producerSettings,
            Path bench, Path workDir) throws IOException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create " + TOPIC + ": " + e.getCause(), e);
        }
        Path payloads = workDir.resolve("producer-payloads.txt");
        double average = writePayloads(payloads);
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-cp", bench.toString(),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", TOPIC, "--num-records",
                String.valueOf(records), "--throughput", "-1", "--payload-file", payloads.toString(),
                "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true"));
        StringBuilder settings = new StringBuilder();
        producerSettings.forEach((key, value) -> {
            command.add(key + "=" + value);
            settings.append(settings.length() == 0 ? "" : " ").append(key).append('=').append(value);
        });
        try (ChildProcess producer = ChildProcess.start("ProducerPerformance", command, Map.of(),
                workDir.resolve("producer-performance.log"))) {
            int exit = producer.await(Duration.ofMinutes(10));
            String output = producer.output();
            Matcher last = null;
            Matcher matcher = SUMMARY.matcher(output);
            while (matcher.find()) {
                last = matcher;
                if (Long.parseLong(matcher.group(1)) == records) {
                    break;
                }
            }
            if (exit != 0 || last == null || Long.parseLong(last.group(1)) != records) {
                throw new IllegalStateException("ProducerPerformance failed (exit " + exit + "):\n" + output);
            }
            return new Result(Double.parseDouble(last.group(2)), average, settings.toString());
        }
    }

    /**
     * One record per line, in the form Flowmeter writes to Kafka: the commits and deployments {@code post-events.lua}
     * sends, parsed with the events API's rules and serialised with the topic's serde.
     */
    static double writePayloads(Path file) throws IOException {
        long bytes = 0;
        StringBuilder lines = new StringBuilder();
        ScriptEvents script = new ScriptEvents("reference", "bench/service-", "2026-05-01", 1);
        for (int n = 1; n <= PAYLOADS; n++) {
            DeliveryEvent event = EventJson.parse(EventJson.MAPPER.readTree(script.next()));
            String value = new String(Topics.EVENTS.valueSerde().serializer().serialize(Topics.EVENTS.name(), event),
                    StandardCharsets.UTF_8);
            if (value.indexOf('\n') >= 0) {
                throw new IllegalStateException("a serialised event holds a line break: " + value);
            }
            bytes += value.length();
            lines.append(value).append('\n');
        }
        Files.writeString(file, lines, StandardCharsets.UTF_8);
        return (double) bytes / PAYLOADS;
    }
}
