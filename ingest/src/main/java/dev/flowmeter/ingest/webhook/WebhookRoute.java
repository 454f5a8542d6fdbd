package dev.flowmeter.ingest.webhook;

import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.InvalidEventException;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Problem;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.http.RequestBody;
import dev.flowmeter.ingest.http.Responses;
import dev.flowmeter.ingest.http.ServerBusy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/<source>}: lets the source authenticate the call on its headers, reads the raw body (within
 * the size limit and the body budget), lets the source verify a signature on those exact bytes, maps the payload and
 * publishes the events. 202 with the accepted ids, or 202 with {@code "ignored"} and the reason for a call that
 * changes no metric; 401 naming the header to check, counted but written nowhere; 400 for a payload that cannot be
 * mapped, or maps to an event that breaks the event contract or lies too far ahead of the server's clock (all or
 * nothing: then none of its events is published); 413, 415 and 503 as for the events API. The media type is looked
 * at only once the call is authentic, so that a stranger never gets as far as the dead letter.
 */
public final class WebhookRoute {

    public static final String PATH_PREFIX = "/webhooks/";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoute.class);

    private final WebhookSource source;
    private final IngestDependencies dependencies;
    private final Responses responses;

    public WebhookRoute(WebhookSource source, IngestDependencies dependencies) {
        this.source = Objects.requireNonNull(source, "source");
        this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
        this.responses = new Responses(dependencies, source.name());
    }

    public void register(JavalinConfig config) {
        config.http.maxRequestSize = Math.max(config.http.maxRequestSize, dependencies.limits().maxBodyBytes());
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
        BodyBudget.Reservation reservation = dependencies.bodyBudget().reservation();
        byte[] body = null;
        try {
            WebhookHeaders headers = headers(ctx);
            source.authenticateHeaders(headers);
            body = RequestBody.readLimited(ctx, dependencies.limits().maxBodyBytes(), reservation);
            Instant now = dependencies.clock().instant();
            WebhookRequest request = new WebhookRequest(headers, body, now);
            source.authenticateBody(request);
            String contentType = ctx.header(Header.CONTENT_TYPE);
            if (!source.accepts(contentType)) {
                throw Rejected.unsupportedMediaType("Content-Type '" + contentType + "' is not what a " + source.name()
                        + " webhook sends; configure the webhook to send JSON (application/json)");
            }
            WebhookResult result = source.map(request);
            if (result.isIgnored()) {
                LOG.debug("ignored {} webhook: {}", source.name(), result.ignoredReason());
                responses.ignored(ctx, result.ignoredReason());
                return;
            }
            List<DeliveryEvent> events = result.events();
            refuseEventsBreakingTheContract(events);
            refuseTimesTooFarAhead(events, now);
            responses.publishAndAnswer(ctx, events, false, reservation);
            reservation = null; // answering closes it
        } catch (Rejected rejected) {
            // An unauthenticated body is not kept anywhere; refuse() only counts the 401.
            responses.refuse(ctx, rejected, body);
        } catch (ServerBusy busy) {
            responses.busy(ctx, busy);
        } finally {
            if (reservation != null) {
                reservation.close();
            }
        }
    }

    /**
     * Every mapped event must pass the checks the topology applies when it reads the event back
     * ({@link EventJson#validate}); otherwise it would be acknowledged with a 202 and then skipped, never counted. A
     * mapper that lets such a value through (an id longer than the contract allows, say) is refused like a payload it
     * cannot map, naming the event and its field, and nothing of the call is published.
     */
    private static void refuseEventsBreakingTheContract(List<DeliveryEvent> events) {
        List<FieldError> errors = new ArrayList<>();
        String detail = null;
        for (DeliveryEvent event : events) {
            try {
                EventJson.validate(event);
            } catch (InvalidEventException e) {
                String named = named(event);
                for (FieldError error : e.errors()) {
                    errors.add(new FieldError(error.field(), "of the " + named + " " + error.problem()));
                    detail = "the " + error.field() + " of the payload's " + named + " " + error.problem();
                }
            }
        }
        if (errors.size() > 1) {
            detail = "the payload maps to events that break the event contract, with " + errors.size()
                    + " problems; see errors";
        }
        if (detail != null) {
            throw Rejected.invalidPayload(detail, errors);
        }
    }

    /**
     * A payload stamped by a skewed clock is refused like any other payload it cannot map, naming the event: the
     * record would be accepted, but its time would move metrics into a future that has not happened.
     */
    private void refuseTimesTooFarAhead(List<DeliveryEvent> events, Instant now) {
        IngestLimits limits = dependencies.limits();
        List<FieldError> errors = new ArrayList<>();
        String detail = null;
        for (DeliveryEvent event : events) {
            if (limits.isTooFarAhead(event.time(), now)) {
                String named = named(event);
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

    /** How a refusal names one event of the payload: its type and id, the id cut short if it is too long. */
    private static String named(DeliveryEvent event) {
        String id = event.id().length() <= EventJson.MAX_ID_LENGTH
                ? event.id() : event.id().substring(0, EventJson.MAX_ID_LENGTH) + "...";
        return event.type().wireName() + " event '" + id + "'";
    }

    private static WebhookHeaders headers(Context ctx) {
        Map<String, String> headers = new HashMap<>();
        ctx.headerMap().forEach(headers::put);
        return new WebhookHeaders(headers);
    }
}
