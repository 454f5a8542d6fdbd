package dev.flowmeter.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The other server processes of the same Kafka Streams application, as the query routes need them: which one holds
 * a service's state, who else there is, and a way to ask them. Services are spread over the partitions of the
 * events topic, and each partition's state lives with one process (its active task).
 */
interface Peers {

    /** Marks a request one process sent another, so that it is answered there and never sent on again. */
    String FORWARDED = "X-Flowmeter-Forwarded";

    /** The process that holds {@code service}'s partition, when it is another one; empty when it is this one. */
    Optional<URI> ownerOf(String service);

    /** Every other process of the application, by its advertised URL. */
    List<URI> others();

    /** The events-topic partitions whose state this process holds and can read now. */
    Set<Integer> localPartitions();

    /**
     * The partitions of the work items (of the work-facts repartition topic, as many as the events topic has) whose
     * state this process holds and can read now: an item is held by the partition of its key, not its service's.
     */
    default Set<Integer> localWorkPartitions() {
        return localPartitions();
    }

    /** How many partitions the events topic has: an answer that covers fewer is partial. */
    int partitions();

    /** GETs {@code pathAndQuery} from {@code peer}, with this process's read token, marked as forwarded. */
    HttpResponse<String> get(URI peer, String pathAndQuery) throws IOException, InterruptedException;

    /** A process alone: everything is local (one process, or no advertised URL). */
    static Peers alone(int partitions) {
        return new Peers() {
            @Override
            public Optional<URI> ownerOf(String service) {
                return Optional.empty();
            }

            @Override
            public List<URI> others() {
                return List.of();
            }

            @Override
            public Set<Integer> localPartitions() {
                Set<Integer> all = new java.util.TreeSet<>();
                for (int i = 0; i < partitions; i++) {
                    all.add(i);
                }
                return all;
            }

            @Override
            public int partitions() {
                return partitions;
            }

            @Override
            public HttpResponse<String> get(URI peer, String pathAndQuery) {
                throw new IllegalStateException("a process alone has no peer to ask");
            }
        };
    }
}
