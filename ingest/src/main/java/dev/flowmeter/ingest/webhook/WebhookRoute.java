package dev.flowmeter.ingest.webhook;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problem;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.http.RequestBody;
import dev.flowmeter.ingest.http.Responses;
import dev.flowmeter.ingest.kafka.EventPublisher;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/<source>}: reads the raw body (within the size limit), lets the source authenticate the call
 * on those exact bytes, maps the payload and publishes the events. 202 with the accepted ids, or 202 with
 * {@code "ignored"} and the reason for a call that changes no metric; 401 naming the header to check; 400 for a
 * payload that cannot be mapped or maps to an event too far ahead of the server's clock; 413, 415 and 503 as for the
 * events API.
 */
public final class WebhookRoute {

    public static final String PATH_PREFIX = "/webhooks/";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoute.class);

    private final WebhookSource source;
    private final EventPublisher publisher;
    private final IngestLimits limits;
    private final Clock clock;

    public WebhookRoute(WebhookSource source, EventPublisher publisher, IngestLimits limits, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(JavalinConfig config) {
        config.http.maxRequestSize = Math.max(config.http.maxRequestSize, limits.maxBodyBytes());
        config.routes.post(PATH_PREFIX + source.name(), this::handle);
    }

    /**
     * For a source whose secret is not configured: the endpoint exists but answers 404 saying how to enable it, and
     * never accepts an unauthenticated write.
     */
    public static void registerDisabled(JavalinConfig config, String name, String enabledBy) {
        config.routes.post(PATH_PREFIX + name, ctx -> Problems.respond(ctx, Problem.of(404, "Not Found",
                "the " + name + " webhook is not enabled; set " + enabledBy + " to enable it")));
    }

    private void handle(Context ctx) throws IOException {
        byte[] body = null;
        WebhookResult result;
        try {
            String contentType = ctx.header(Header.CONTENT_TYPE);
            if (!source.accepts(contentType)) {
                body = RequestBody.readForDeadLetter(ctx);
                throw Rejected.unsupportedMediaType("Content-Type '" + contentType + "' is not what a " + source.name()
                        + " webhook sends; configure the webhook to send JSON (application/json)");
            }
            body = RequestBody.readLimited(ctx, limits.maxBodyBytes());
            WebhookRequest request = new WebhookRequest(headers(ctx), body, clock.instant());
            try {
                source.authenticate(request);
            } catch (Rejected unauthenticated) {
                body = null; // an unauthenticated body is not kept anywhere
                throw unauthenticated;
            }
            result = source.map(request);
        } catch (Rejected rejected) {
            Responses.refuse(ctx, publisher, clock, source.name(), rejected, body);
            return;
        }
        if (result.isIgnored()) {
            LOG.debug("ignored {} webhook: {}", source.name(), result.ignoredReason());
            Responses.ignored(ctx, result.ignoredReason());
            return;
        }
        List<DeliveryEvent> events = result.events();
        try {
            refuseTimesTooFarAhead(events, clock.instant());
        } catch (Rejected rejected) {
            Responses.refuse(ctx, publisher, clock, source.name(), rejected, body);
            return;
        }
        Responses.publishAndAnswer(ctx, publisher, source.name(), events);
    }

    /**
     * A payload stamped by a skewed clock is refused like any other payload it cannot map, naming the event: the
     * record would be accepted, but its time would move metrics into a future that has not happened.
     */
    private void refuseTimesTooFarAhead(List<DeliveryEvent> events, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        String detail = null;
        for (DeliveryEvent event : events) {
            if (limits.isTooFarAhead(event.time(), now)) {
                String named = event.type().wireName() + " event '" + event.id() + "'";
                String problem = limits.tooFarAheadProblem(event.time(), now);
                errors.add(new FieldError("time", "of the " + named + " " + problem));
                detail = "the time of the payload's " + named + " " + problem;
            }
        }
        if (errors.size() > 1) {
            detail = errors.size() + " events of the payload have a time too far ahead of the server's clock ("
                    + IngestLimits.MAX_FUTURE_VARIABLE + "); see errors";
        }
        if (detail != null) {
            throw Rejected.invalidPayload(detail, errors);
        }
    }

    private static Map<String, String> headers(Context ctx) {
        Map<String, String> headers = new HashMap<>();
        ctx.headerMap().forEach(headers::put);
        return headers;
    }
}
