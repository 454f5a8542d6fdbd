package dev.flowmeter.api;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.UnauthenticatedRequests;
import dev.flowmeter.ingest.kafka.EventPublisher;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The webhook endpoints as the server mounts them ({@link Webhooks}), for wiring tests: an app built from the
 * environment's settings whose publisher records what it is given and acknowledges it at once.
 */
final class WebhookWiring {

    private final List<DeliveryEvent> published = new CopyOnWriteArrayList<>();
    private final EventPublisher publisher = new EventPublisher() {
        @Override
        public CompletableFuture<Void> publish(List<DeliveryEvent> events) {
            published.addAll(events);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> reject(Rejection rejection) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** What the endpoints published so far. */
    List<DeliveryEvent> published() {
        return published;
    }

    /** An app with every webhook source the environment enables, on a clock fixed at 2026-05-02T08:00Z. */
    Javalin app(Map<String, String> env) {
        WebhookSettings settings = WebhookSettings.fromEnv(env);
        return Javalin.create(config -> {
            Problems.register(config);
            Webhooks.register(config, settings, new IngestDependencies(publisher, IngestLimits.defaults(),
                    Clock.fixed(Instant.parse("2026-05-02T08:00:00Z"), ZoneOffset.UTC), Runnable::run,
                    new UnauthenticatedRequests(), new BodyBudget(IngestLimits.DEFAULT_MAX_BODY_BYTES)));
        });
    }
}
