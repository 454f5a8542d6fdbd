package dev.flowmeter.api;

import dev.flowmeter.events.Topics;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.streams.dora.DeliveryLedger;
import dev.flowmeter.streams.work.WorkItems;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link Peers} from Kafka Streams' own metadata: every process sets {@code application.server} to its advertised
 * host and port, so each knows which process holds which partition ({@link KafkaStreams#queryMetadataForKey}) and
 * where the others are. Other processes are asked over HTTP, with the read token when one is set.
 */
final class StreamsPeers implements Peers {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final URI self;
    private final int partitions;
    private final Optional<Secret> apiToken;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    StreamsPeers(KafkaStreams streams, URI self, int partitions, Optional<Secret> apiToken) {
        this.streams = streams;
        this.self = self;
        this.partitions = partitions;
        this.apiToken = apiToken;
    }

    @Override
    public Optional<URI> ownerOf(String service) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(DeliveryLedger.DEPLOYMENTS_STORE, service,
                new StringSerializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return Optional.empty(); // no assignment yet: answer here, which says what it can
        }
        return isSelf(metadata.activeHost()) ? Optional.empty() : Optional.of(uri(metadata.activeHost()));
    }

    @Override
    public List<URI> others() {
        List<URI> others = new ArrayList<>();
        for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
            if (!isSelf(metadata.hostInfo())) {
                others.add(uri(metadata.hostInfo()));
            }
        }
        return others;
    }

    @Override
    public Set<Integer> localPartitions() {
        return local(Topics.EVENTS.name()::equals);
    }

    @Override
    public Set<Integer> localWorkPartitions() {
        return local(topic -> topic.endsWith("-" + WorkItems.REPARTITION + "-repartition"));
    }

    private Set<Integer> local(Predicate<String> topic) {
        Set<Integer> local = new TreeSet<>();
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return local; // restoring or rebalancing: nothing here is final
        }
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (TopicPartition partition : task.topicPartitions()) {
                    if (topic.test(partition.topic())) {
                        local.add(partition.partition());
                    }
                }
            }
        }
        return local;
    }

    @Override
    public int partitions() {
        return partitions;
    }

    @Override
    public HttpResponse<String> get(URI peer, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(peer.resolve(pathAndQuery)).timeout(TIMEOUT)
                .header(FORWARDED, self.toString()).GET();
        apiToken.ifPresent(token -> request.header("Authorization", "Bearer "
                + new String(token.bytes(), StandardCharsets.UTF_8)));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean isSelf(HostInfo host) {
        return host.host().equals(self.getHost()) && host.port() == self.getPort();
    }

    private URI uri(HostInfo host) {
        return URI.create(self.getScheme() + "://" + host.host() + ":" + host.port());
    }
}
