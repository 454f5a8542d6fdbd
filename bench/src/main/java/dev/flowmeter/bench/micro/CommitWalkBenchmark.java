package dev.flowmeter.bench.micro;

import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.streams.metrics.Aggregate;
import dev.flowmeter.streams.metrics.Aggregates;
import dev.flowmeter.streams.metrics.Metric;
import dev.flowmeter.streams.state.StoreKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The lead-time walk: a successful deployment without an explicit commit list ships its sha and every ancestor the
 * environment has not had yet, one commit node, parent scan, shipped mark, lead-time observation and ledger entry at
 * a time. The walk's processor is private to the topology, so a deployment event goes through the real topology
 * ({@link DrivenTopology}); each measured operation is one deployment record, start to commit.
 *
 * <p>The history is {@code commits} commits of one service, {@link CommitGraph.Shape linear or branchy}, already
 * deployed once to {@code production}. Three deployments:
 * <ul>
 *   <li>{@link #shipEverything}: the head to an environment that has had nothing, so the walk ships the whole
 *   history (with the default walk limit of 10,000 that is the most one deployment may ship);</li>
 *   <li>{@link #shipOneRound}: {@value CommitGraph#ROUND} new commits (made outside the measurement) to
 *   {@code production}, where the walk stops at what the previous deployment shipped;</li>
 *   <li>{@link #redeploy}: the head to {@code production} again, shipping nothing: the cost of a deployment record
 *   without a walk, to subtract from the other two.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CommitWalkBenchmark {

    static final String SERVICE = "shop/checkout";
    static final String PRODUCTION = "production";
    private static final Instant FIRST_COMMIT = Instant.parse("2026-01-01T00:00:00Z");

    /** One service's history in the real topology, deployed once to production. */
    @State(Scope.Thread)
    public static class History {

        @Param({"linear", "branchy"})
        public String shape;

        @Param({"10000"})
        public int commits;

        DrivenTopology topology;
        CommitGraph graph;
        String trialHead;
        private int deployments;

        @Setup(Level.Trial)
        public void build() {
            topology = new DrivenTopology();
            graph = new CommitGraph(CommitGraph.Shape.valueOf(shape.toUpperCase(Locale.ROOT)), SERVICE,
                    FIRST_COMMIT, topology::send);
            trialHead = graph.grow(commits);
            deploy(PRODUCTION, trialHead);
            topology.dropChangelogs();
        }

        /** Sends a successful deployment of {@code sha}, its commits left to the walk; it is a minute after now. */
        void deploy(String environment, String sha) {
            deployments++;
            Instant time = graph.latest().plus(Duration.ofMinutes(deployments));
            topology.send(new DeploymentFinished("deployment-" + deployments, time, SERVICE, environment, sha,
                    DeploymentStatus.SUCCESS, List.of()));
        }

        /** The changelog records piled up by the driver are never read; without this a long run fills the heap. */
        @TearDown(Level.Iteration)
        public void dropChangelogs() {
            topology.dropChangelogs();
        }

        /**
         * Says what the deployments shipped, from the batch-size histograms the walk fed, so that a run shows the
         * walk did the work its name promises.
         */
        @TearDown(Level.Trial)
        public void close() {
            long count = 0;
            long commitsShipped = 0;
            String prefix = StoreKey.of(Metric.DEPLOYMENT_COMMITS.prometheusName(), SERVICE) + StoreKey.SEPARATOR;
            ReadOnlyKeyValueStore<String, Aggregate> aggregates = topology.stores().store(Aggregates.STORE);
            try (KeyValueIterator<String, Aggregate> batches = aggregates.prefixScan(prefix, new StringSerializer())) {
                while (batches.hasNext()) {
                    Aggregate batch = batches.next().value;
                    count += batch.count();
                    commitsShipped += batch.sum();
                }
            }
            System.out.printf("%n%s history of %,d commits: %,d deployments shipped %,d commits, %,.1f on average%n",
                    shape, graph.size(), count, commitsShipped, (double) commitsShipped / count);
            topology.close();
        }
    }

    /**
     * The same history, growing by one round of new commits before each measured deployment. A subclass rather than
     * a state of its own that takes {@link History} in its set-up: JMH would then make a second history for it.
     */
    @State(Scope.Thread)
    public static class Growing extends History {

        String newHead;

        @Setup(Level.Invocation)
        public void commitOneRound() {
            newHead = graph.grow(CommitGraph.ROUND);
        }
    }

    @Benchmark
    public void shipEverything(History history) {
        history.deploy("environment-" + history.deployments, history.trialHead);
    }

    @Benchmark
    public void shipOneRound(Growing history) {
        history.deploy(PRODUCTION, history.newHead);
    }

    @Benchmark
    public void redeploy(History history) {
        history.deploy(PRODUCTION, history.trialHead);
    }
}
