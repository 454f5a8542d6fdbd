package dev.flowmeter.ingest.api;

import dev.flowmeter.events.EventJson;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.http.RequestBody;
import dev.flowmeter.ingest.http.Responses;
import dev.flowmeter.ingest.kafka.EventPublisher;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;

/**
 * {@code POST /api/v1/events}, the generic way in: a body of one event object or an array of up to
 * {@link IngestLimits#maxBatchSize()} of them, in the JSON of {@link EventJson}. Answers 202 with the accepted ids
 * only once Kafka acknowledged every event; 400 with every bad field, including a {@code time} too far ahead of the
 * server's clock (nothing is published unless all are valid);
 * 413 when the body exceeds {@link IngestLimits#maxBodyBytes()} or the array holds too many events; 415 for any media
 * type but JSON; 503 with {@code Retry-After} when Kafka cannot take the write. Every refused body goes to the dead
 * letter topic.
 */
public final class EventsRoute {

    public static final String PATH = "/api/v1/events";
    static final String SOURCE = "api";
    private static final int MAX_QUOTED_HEADER = 100;

    private final EventPublisher publisher;
    private final IngestLimits limits;
    private final Clock clock;

    public EventsRoute(EventPublisher publisher, IngestLimits limits, Clock clock) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Adds the route, and raises Javalin's own request size limit to ours if it is lower, so that this route, not
     * Javalin, decides what is too large (the handler reads the stream itself, with its own limit).
     */
    public void register(JavalinConfig config) {
        config.http.maxRequestSize = Math.max(config.http.maxRequestSize, limits.maxBodyBytes());
        config.routes.post(PATH, this::handle);
    }

    private void handle(Context ctx) throws IOException {
        byte[] body = null;
        EventBatch batch;
        try {
            String contentType = ctx.header(Header.CONTENT_TYPE);
            if (!RequestBody.isJson(contentType)) {
                body = RequestBody.readForDeadLetter(ctx);
                throw Rejected.unsupportedMediaType(mediaTypeProblem(contentType));
            }
            body = RequestBody.readLimited(ctx, limits.maxBodyBytes());
            batch = EventBatch.parse(body, limits, clock.instant());
        } catch (Rejected rejected) {
            refuse(ctx, rejected, body);
            return;
        }
        Responses.publishAndAnswer(ctx, publisher, SOURCE, batch.events());
    }

    private void refuse(Context ctx, Rejected rejected, byte[] body) {
        Responses.refuse(ctx, publisher, clock, SOURCE, rejected, body);
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
