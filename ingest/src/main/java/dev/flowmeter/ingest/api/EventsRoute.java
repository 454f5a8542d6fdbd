package dev.flowmeter.ingest.api;

import dev.flowmeter.events.EventJson;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.http.RequestBody;
import dev.flowmeter.ingest.http.Responses;
import dev.flowmeter.ingest.http.ServerBusy;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.Unauthenticated;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /api/v1/events}, the generic way in: a body of one event object or an array of up to
 * {@link IngestLimits#maxBatchSize()} of them, in the JSON of {@link EventJson}. Answers 202 with the accepted ids
 * only once Kafka acknowledged every event; 401 when an ingest token is configured and the request does not present
 * it, before anything of the body is read; 400 with every bad field, including a {@code time} too far ahead of the
 * server's clock (nothing is published unless all are valid); 413 when the body exceeds
 * {@link IngestLimits#maxBodyBytes()}, the array holds too many events or an event is too large for Kafka; 415 for any
 * media type but JSON; 503 with {@code Retry-After} when Kafka cannot take the write or the server is busy with other
 * large requests. Every refused body but a 401 goes to the dead letter topic; 401s are only counted.
 */
public final class EventsRoute {

    public static final String PATH = "/api/v1/events";
    /** The bearer token that guards this route, when set. */
    public static final String TOKEN_VARIABLE = "FLOWMETER_INGEST_TOKEN";
    public static final String SOURCE = "api";
    private static final int MAX_QUOTED_HEADER = 100;
    private static final String CREDENTIAL = "Authorization bearer token";

    private final IngestDependencies dependencies;
    private final Secret token;
    private final Responses responses;

    /**
     * @param token the bearer token every request must present; without one the route accepts every request, and
     *              the server must then listen where only trusted clients reach it
     */
    public EventsRoute(IngestDependencies dependencies, Optional<Secret> token) {
        this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
        this.token = Objects.requireNonNull(token, "token").orElse(null);
        this.responses = new Responses(dependencies, SOURCE);
    }

    /**
     * Adds the route, and raises Javalin's own request size limit to ours if it is lower, so that this route, not
     * Javalin, decides what is too large (the handler reads the stream itself, with its own limit).
     */
    public void register(JavalinConfig config) {
        config.http.maxRequestSize = Math.max(config.http.maxRequestSize, dependencies.limits().maxBodyBytes());
        config.routes.post(PATH, this::handle);
    }

    private void handle(Context ctx) throws IOException {
        IngestLimits limits = dependencies.limits();
        BodyBudget.Reservation reservation = dependencies.bodyBudget().reservation();
        byte[] body = null;
        try {
            authenticate(ctx);
            String contentType = ctx.header(Header.CONTENT_TYPE);
            if (!RequestBody.isJson(contentType)) {
                body = RequestBody.readForDeadLetter(ctx, limits.maxBodyBytes(), reservation);
                throw Rejected.unsupportedMediaType(mediaTypeProblem(contentType));
            }
            body = RequestBody.readLimited(ctx, limits.maxBodyBytes(), reservation);
            EventBatch batch = EventBatch.parse(body, limits, dependencies.clock().instant());
            responses.publishAndAnswer(ctx, batch.events(), batch.array(), reservation);
            reservation = null; // answering closes it
        } catch (Rejected rejected) {
            responses.refuse(ctx, rejected, body);
        } catch (ServerBusy busy) {
            responses.busy(ctx, busy);
        } finally {
            if (reservation != null) {
                reservation.close();
            }
        }
    }

    /** Checks the bearer token from the headers alone, before the body or its media type is looked at. */
    private void authenticate(Context ctx) {
        if (token == null) {
            return;
        }
        Optional<String> presented = Unauthenticated.bearerToken(ctx.header(Header.AUTHORIZATION));
        Rejected refused = null;
        if (presented.isEmpty()) {
            refused = Unauthenticated.missing(CREDENTIAL, "send 'Authorization: Bearer <token>' with the value of "
                    + TOKEN_VARIABLE);
        } else if (!token.matches(presented.get())) {
            refused = Unauthenticated.mismatch(CREDENTIAL, TOKEN_VARIABLE);
        }
        if (refused != null) {
            ctx.header(Header.WWW_AUTHENTICATE, "Bearer");
            throw refused;
        }
    }

    private static String mediaTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "the request has no Content-Type; send the events as Content-Type: application/json";
        }
        String quoted = contentType.length() <= MAX_QUOTED_HEADER
                ? contentType : contentType.substring(0, MAX_QUOTED_HEADER) + "...";
        return "Content-Type must be application/json (UTF-8), not '" + quoted + "'";
    }
}
