package dev.flowmeter.ingest.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import dev.flowmeter.ingest.http.Problem;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.kafka.EventPublisher;
import dev.flowmeter.ingest.kafka.KafkaUnavailableException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/events}, the generic way in: a body of one event object or an array of up to
 * {@link IngestLimits#maxBatchSize()} of them, in the JSON of {@link EventJson}. Answers 202 with the accepted ids
 * only once Kafka acknowledged every event; 400 with every bad field (nothing is published unless all are valid);
 * 413 when the body exceeds {@link IngestLimits#maxBodyBytes()} or the array holds too many events; 415 for any media
 * type but JSON; 503 with {@code Retry-After} when Kafka cannot take the write. Every refused body goes to the dead
 * letter topic.
 */
public final class EventsRoute {

    public static final String PATH = "/api/v1/events";
    static final String SOURCE = "api";
    static final String RETRY_AFTER_SECONDS = "5";
    static final String UNAVAILABLE_DETAIL = "Kafka did not acknowledge the write in time; resend the whole request, "
            + "already-written events are deduplicated by id";
    private static final int MAX_LOGGED_ERRORS = 5;
    /** Keeps one dead-letter record well under Kafka's 1 MB even for a batch of a thousand bad events. */
    private static final int MAX_KEPT_ERRORS = 100;
    private static final int MAX_QUOTED_HEADER = 100;

    private static final Logger LOG = LoggerFactory.getLogger(EventsRoute.class);

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
        List<DeliveryEvent> events;
        try {
            String contentType = ctx.header(Header.CONTENT_TYPE);
            long declaredBytes = ctx.req().getContentLengthLong();
            if (!RequestBody.isJson(contentType)) {
                // Read only what the dead letter may keep; a larger body is left unread.
                if (declaredBytes <= RequestBody.MAX_KEPT_BYTES) {
                    body = RequestBody.readAtMost(ctx.bodyInputStream(), RequestBody.MAX_KEPT_BYTES);
                }
                throw Rejected.unsupportedMediaType(mediaTypeProblem(contentType));
            }
            // Refuse on the declared length before reading a byte; the read is limited too, for chunked bodies.
            if (declaredBytes > limits.maxBodyBytes()) {
                throw Rejected.tooLarge(declaredBytes, limits.maxBodyBytes());
            }
            byte[] read = RequestBody.readAtMost(ctx.bodyInputStream(), limits.maxBodyBytes());
            if (read == null) {
                throw Rejected.tooLarge(-1, limits.maxBodyBytes());
            }
            body = read;
            events = EventBatch.parse(body, limits.maxBatchSize());
        } catch (Rejected rejected) {
            refuse(ctx, rejected, body);
            return;
        }
        List<String> ids = events.stream().map(DeliveryEvent::id).toList();
        // The publisher's future may complete on Kafka's I/O thread; answering (and whatever Javalin runs after the
        // handler) happens on the common pool instead, so a slow client never stalls the producer.
        ctx.future(() -> publisher.publish(events).handleAsync((ignored, failure) -> {
            answer(ctx, ids, failure);
            return null;
        }));
    }

    private static void answer(Context ctx, List<String> ids, Throwable failure) {
        if (failure == null) {
            ctx.status(202);
            ctx.contentType(RequestBody.JSON);
            ctx.result(accepted(ids));
            return;
        }
        Throwable cause = unwrap(failure);
        if (cause instanceof KafkaUnavailableException) {
            LOG.warn("answered 503: source={} events={}: {}", SOURCE, ids.size(), cause.getMessage());
            ctx.header(Header.RETRY_AFTER, RETRY_AFTER_SECONDS);
            Problems.respond(ctx, Problem.of(503, "Service Unavailable", UNAVAILABLE_DETAIL));
            return;
        }
        throw new CompletionException(cause);
    }

    private void refuse(Context ctx, Rejected rejected, byte[] body) {
        LOG.warn("rejected request: source={} reason={} status={} errors={}", SOURCE, rejected.reason(),
                rejected.problem().status(), summary(rejected.errors()));
        Rejection rejection = new Rejection(clock.instant(), SOURCE, rejected.reason(), kept(rejected.errors()),
                RequestBody.keptText(body));
        try {
            publisher.reject(rejection).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    logLostRejection(rejection, unwrap(failure));
                }
            });
        } catch (RuntimeException e) {
            logLostRejection(rejection, e);
        }
        Problems.respond(ctx, rejected.problem());
    }

    private static void logLostRejection(Rejection rejection, Throwable failure) {
        LOG.warn("could not write a rejection to {}: source={} reason={}: {}", Topics.DEAD_LETTER.name(),
                rejection.source(), rejection.reason(), failure.toString());
    }

    private static byte[] accepted(List<String> ids) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ids.forEach(body.putArray("accepted")::add);
        try {
            return EventJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
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

    private static List<FieldError> kept(List<FieldError> errors) {
        if (errors.size() <= MAX_KEPT_ERRORS) {
            return errors;
        }
        List<FieldError> kept = new ArrayList<>(errors.subList(0, MAX_KEPT_ERRORS));
        kept.add(new FieldError("", "and " + (errors.size() - MAX_KEPT_ERRORS) + " more problems"));
        return kept;
    }

    private static String summary(List<FieldError> errors) {
        StringBuilder text = new StringBuilder();
        for (FieldError error : errors.subList(0, Math.min(errors.size(), MAX_LOGGED_ERRORS))) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(error.field().isEmpty() ? "body" : error.field()).append(": ").append(error.problem());
        }
        if (errors.size() > MAX_LOGGED_ERRORS) {
            text.append("; and ").append(errors.size() - MAX_LOGGED_ERRORS).append(" more");
        }
        return text.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
