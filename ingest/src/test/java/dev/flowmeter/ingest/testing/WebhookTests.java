package dev.flowmeter.ingest.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.kafka.EventPublisher;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WebhookRoute;
import dev.flowmeter.ingest.webhook.WebhookSource;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every webhook source test needs: its fixtures, the production route on a fixed clock, and the check that
 * published events survive the event contract. Kept in one place so that each source's test shows only its source.
 */
public final class WebhookTests {

    /** Small enough that no test fixture comes near it; the size limit itself is tested with the defaults. */
    private static final IngestLimits LIMITS = new IngestLimits(1_000_000, 1000, IngestLimits.DEFAULT_MAX_FUTURE);

    private WebhookTests() {
    }

    /** The fixture at {@code src/test/resources/fixtures/<path>}, as its bytes. */
    public static byte[] fixtureBytes(String path) {
        try (InputStream in = WebhookTests.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture at {@code src/test/resources/fixtures/<path>}, as text. */
    public static String fixture(String path) {
        return new String(fixtureBytes(path), StandardCharsets.UTF_8);
    }

    /** The fixture at {@code src/test/resources/fixtures/<path>}, as a tree the test may edit. */
    public static ObjectNode fixtureJson(String path) {
        try {
            return (ObjectNode) EventJson.MAPPER.readTree(fixtureBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON fixture with one change made by the test, written back as bytes, so each variant says what differs. */
    public static byte[] editedFixture(String path, Consumer<ObjectNode> change) {
        ObjectNode json = fixtureJson(path);
        change.accept(json);
        try {
            return EventJson.MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The production route for {@code source}, with its error mapping, test-sized limits and the clock at now. */
    public static Javalin app(WebhookSource source, FakePublisher publisher, Instant now) {
        return app(source, dependencies(publisher, now, LIMITS));
    }

    public static Javalin app(WebhookSource source, FakePublisher publisher, Instant now, IngestLimits limits) {
        return app(source, dependencies(publisher, now, limits));
    }

    public static Javalin app(WebhookSource source, IngestDependencies dependencies) {
        return Javalin.create(config -> {
            Problems.register(config);
            new WebhookRoute(source, dependencies).register(config);
        });
    }

    /** Test-sized limits and the clock at now; see {@link #dependencies(EventPublisher, Instant, IngestLimits)}. */
    public static IngestDependencies dependencies(EventPublisher publisher, Instant now) {
        return dependencies(publisher, now, LIMITS);
    }

    /**
     * What the routes share, for one test: answers written on the thread that completed the publish, a fresh 401
     * count and a body budget of exactly one largest body.
     */
    public static IngestDependencies dependencies(EventPublisher publisher, Instant now, IngestLimits limits) {
        return new IngestDependencies(publisher, limits, Clock.fixed(now, ZoneOffset.UTC), Runnable::run,
                new UnauthenticatedRequests(), new BodyBudget(limits.maxBodyBytes()));
    }

    /**
     * Every event of a mapping must pass the event contract ({@link EventJson#validate}) and come back unchanged from
     * its JSON, as it will be read back from Kafka.
     */
    public static void assertEveryEventMeetsTheContract(WebhookResult result) {
        result.events().forEach(event -> {
            EventJson.validate(event);
            assertThat(EventJson.fromBytes(EventJson.toBytes(event))).isEqualTo(event);
        });
    }

    /** Every mapped event must survive the event contract's validation, as it will when read back from Kafka. */
    public static void assertEveryEventMeetsTheContract(FakePublisher publisher) {
        publisher.batches().stream().flatMap(List::stream)
                .forEach(event -> assertThat(EventJson.fromBytes(EventJson.toBytes(event))).isEqualTo(event));
    }
}
