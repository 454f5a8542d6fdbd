package dev.flowmeter.bench.micro;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.Topics;
import dev.flowmeter.ingest.http.IngestLimits;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event JSON at both ends of Kafka. {@link #parseBody} and {@link #parseBatch} are what
 * {@code POST /api/v1/events} does with a request body once it is read: the ingest module's {@code EventBatch.parse},
 * which reads the JSON tree, checks every field of every event ({@link EventJson#parse}) and the time against the
 * server's clock. {@link #deserialize} and {@link #serialize} are the value serde of {@code flowmeter.events.v1}
 * ({@link Topics#EVENTS}): the topology reads every record with the first, which re-checks the whole contract, and the
 * ingest side writes every event with the second.
 *
 * <p>{@code EventBatch} is package-private, as the ingest module keeps everything but its routes; rather than widen
 * that surface for a benchmark, or measure a copy of it, its {@code parse} is called through a method handle, which
 * the JIT inlines like a direct call.
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EventParserBenchmark {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final IngestLimits LIMITS = IngestLimits.defaults();
    static final int BATCH_SIZE = 100;

    private static final String TOPIC = Topics.EVENTS.name();
    private static final MethodHandle PARSE = eventBatchParse();

    /** A commit reported with its parent, and a deployment that leaves its commits to the history walk. */
    private static final String COMMIT = """
            {"id":"github-7f3c2a91","type":"commit","time":"2026-05-01T10:00:00Z","service":"shop/checkout",\
            "sha":"9fceb02d0ae598e95dc970b74767f19372d61af8",\
            "parents":["c3a1f5e2b7d84690a1e2f3b4c5d6e7f8a9b0c1d2"]}""";
    private static final String DEPLOYMENT = """
            {"id":"argo-5521","type":"deployment","time":"2026-05-01T11:30:00Z","service":"shop/checkout",\
            "environment":"production","sha":"9fceb02d0ae598e95dc970b74767f19372d61af8","status":"success"}""";

    /** One event of each kind as a body, as a Kafka record and as the event. */
    @State(Scope.Benchmark)
    public static class OneEvent {

        @Param({"commit", "deployment"})
        public String kind;

        byte[] body;
        byte[] record;
        DeliveryEvent event;
        Serializer<DeliveryEvent> serializer;
        Deserializer<DeliveryEvent> deserializer;

        @Setup(Level.Trial)
        public void prepare() throws Throwable {
            body = ("commit".equals(kind) ? COMMIT : DEPLOYMENT).getBytes(StandardCharsets.UTF_8);
            event = EventJson.fromBytes(body);
            serializer = Topics.EVENTS.valueSerde().serializer();
            deserializer = Topics.EVENTS.valueSerde().deserializer();
            record = serializer.serialize(TOPIC, event);
            PARSE.invoke(body, LIMITS, NOW); // refuses the body, failing the run, if it is not valid
            System.out.printf("%n%s: %d bytes as sent, %d as a Kafka record%n", kind, body.length, record.length);
        }
    }

    /**
     * The first {@value #BATCH_SIZE} events of a {@link ServiceHistory} in one array: commits with their parents,
     * changes, deployments, incidents and gate events, as a CI job posting a backlog sends them.
     */
    @State(Scope.Benchmark)
    public static class Batch {

        byte[] body;

        @Setup(Level.Trial)
        public void prepare() throws Throwable {
            List<DeliveryEvent> events = ServiceHistory.of("shop/checkout", NOW.minus(Duration.ofDays(30)));
            ArrayNode array = EventJson.MAPPER.createArrayNode();
            events.subList(0, BATCH_SIZE).forEach(event -> array.add(EventJson.toJson(event)));
            try {
                body = EventJson.MAPPER.writeValueAsBytes(array);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            PARSE.invoke(body, LIMITS, NOW);
            System.out.printf("%n%d events: %,d bytes%n", BATCH_SIZE, body.length);
        }
    }

    @Benchmark
    public Object parseBody(OneEvent one) throws Throwable {
        return PARSE.invoke(one.body, LIMITS, NOW);
    }

    @Benchmark
    public Object parseBatch(Batch batch) throws Throwable {
        return PARSE.invoke(batch.body, LIMITS, NOW);
    }

    @Benchmark
    public DeliveryEvent deserialize(OneEvent one) {
        return one.deserializer.deserialize(TOPIC, one.record);
    }

    @Benchmark
    public byte[] serialize(OneEvent one) {
        return one.serializer.serialize(TOPIC, one.event);
    }

    /** {@code EventBatch.parse(byte[], IngestLimits, Instant)}, reached past its package-private access. */
    private static MethodHandle eventBatchParse() {
        try {
            Class<?> batch = Class.forName("dev.flowmeter.ingest.api.EventBatch");
            Method parse = batch.getDeclaredMethod("parse", byte[].class, IngestLimits.class, Instant.class);
            parse.setAccessible(true);
            return MethodHandles.lookup().unreflect(parse);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("EventBatch.parse(byte[], IngestLimits, Instant) is gone or changed;"
                    + " update the benchmark", e);
        }
    }
}
