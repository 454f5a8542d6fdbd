package dev.flowmeter.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.Rejection;
import dev.flowmeter.events.Topics;
import dev.flowmeter.ingest.kafka.KafkaRefusedException;
import dev.flowmeter.ingest.kafka.KafkaUnavailableException;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every ingest endpoint answers: 202 only once Kafka acknowledged the events; 503 with {@code Retry-After} when
 * Kafka could not take them or the server is busy; for refused input the problem body plus a copy in the dead-letter
 * topic, except for 401s, which are only counted. One per route, shared by the events API and every webhook source,
 * so they cannot drift apart.
 */
public final class Responses {

    public static final String RETRY_AFTER_SECONDS = "5";
    public static final String UNAVAILABLE_DETAIL = "Kafka did not acknowledge the write in time; resend the whole "
            + "request, already-written events are deduplicated by id";
    private static final int MAX_LOGGED_ERRORS = 5;
    /** Keeps one dead-letter record well under Kafka's 1 MB even for a batch of a thousand bad events. */
    private static final int MAX_KEPT_ERRORS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private final IngestDependencies dependencies;
    private final String source;

    /** @param source the route's source name, as rejections and the 401 count name it */
    public Responses(IngestDependencies dependencies, String source) {
        this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Publishes and answers from the publisher's future, so no server thread waits on Kafka. The answer is written on
     * the dependencies' answer executor rather than Kafka's I/O thread, so a slow client never stalls the producer.
     * Takes over {@code reservation}, the request's body bytes, and closes it once the request is answered.
     *
     * @param indexed whether the events came as an array, so that a refused one is named by its index
     */
    public void publishAndAnswer(Context ctx, List<DeliveryEvent> events, boolean indexed,
            BodyBudget.Reservation reservation) {
        List<String> ids = events.stream().map(DeliveryEvent::id).toList();
        ctx.future(() -> {
            CompletableFuture<Void> published;
            try {
                published = dependencies.publisher().publish(events);
            } catch (RuntimeException e) {
                reservation.close();
                throw e;
            }
            CompletableFuture<Void> answered = published.handleAsync((ignored, failure) -> {
                try {
                    answer(ctx, ids, indexed, failure);
                } finally {
                    reservation.close();
                }
                return null;
            }, dependencies.answerExecutor());
            // Also when the executor refused the answer, so that the bytes are never held for good.
            answered.whenComplete((ignored, failure) -> reservation.close());
            return answered;
        });
    }

    /** 202 for a call that carried nothing Flowmeter uses, with the reason, so the sender does not retry it. */
    public void ignored(Context ctx, String reason) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("ignored", reason);
        ctx.status(202);
        ctx.contentType(RequestBody.JSON);
        ctx.result(bytes(body));
    }

    /**
     * Answers the rejection's problem and keeps a copy (with the body, when small) in the dead-letter topic. A 401 is
     * only counted: a stranger's calls write nothing to Kafka and are not logged above DEBUG. Its body, when still
     * unread, is read and thrown away through a small buffer (up to twice the body limit) before the connection closes:
     * closing on unread bytes resets the connection, and the person who mistyped a token would never see the 401.
     */
    public void refuse(Context ctx, Rejected rejected, byte[] body) {
        if (Rejected.UNAUTHENTICATED.equals(rejected.reason())) {
            dependencies.unauthenticated().record(source);
            LOG.debug("unauthenticated request: source={}: {}", source, rejected.problem().detail());
            if (body == null) {
                discardUnread(ctx);
            }
            Problems.respond(ctx, rejected.problem());
            return;
        }
        LOG.warn("rejected request: source={} reason={} status={} errors={}", source, rejected.reason(),
                rejected.problem().status(), summary(rejected.errors()));
        Rejection rejection = new Rejection(dependencies.clock().instant(), source, rejected.reason(),
                kept(rejected.errors()), Rejection.keptBody(body));
        try {
            dependencies.publisher().reject(rejection).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    logLostRejection(rejection, unwrap(failure));
                }
            });
        } catch (RuntimeException e) {
            logLostRejection(rejection, e);
        }
        Problems.respond(ctx, rejected.problem());
    }

    /** 503 with {@code Retry-After}: the body budget is full. Not dead-lettered; the request may well be fine. */
    public void busy(Context ctx, ServerBusy busy) {
        LOG.warn("answered 503: source={}: the body budget of {} bytes is full", source,
                dependencies.bodyBudget().maxBytes());
        ctx.header(Header.RETRY_AFTER, RETRY_AFTER_SECONDS);
        Problems.respond(ctx, Problem.of(503, "Service Unavailable", busy.getMessage()));
    }

    private void answer(Context ctx, List<String> ids, boolean indexed, Throwable failure) {
        if (failure == null) {
            ObjectNode body = EventJson.MAPPER.createObjectNode();
            ids.forEach(body.putArray("accepted")::add);
            ctx.status(202);
            ctx.contentType(RequestBody.JSON);
            ctx.result(bytes(body));
            return;
        }
        Throwable cause = unwrap(failure);
        if (cause instanceof KafkaRefusedException refused) {
            refuse(ctx, Rejected.refusedByKafka(indexed ? "[" + refused.index() + "]" : "", refused), null);
            return;
        }
        if (cause instanceof KafkaUnavailableException) {
            LOG.warn("answered 503: source={} events={}: {}", source, ids.size(), cause.getMessage());
            ctx.header(Header.RETRY_AFTER, RETRY_AFTER_SECONDS);
            Problems.respond(ctx, Problem.of(503, "Service Unavailable", UNAVAILABLE_DETAIL));
            return;
        }
        throw new CompletionException(cause);
    }

    private void discardUnread(Context ctx) {
        try {
            // As for a body that is too large: up to twice the limit is read and dropped, past that it is a reset.
            RequestBody.discardAndClose(ctx, 2 * dependencies.limits().maxBodyBytes());
        } catch (IOException e) {
            LOG.debug("client went away while an unauthenticated body was discarded: {}", e.toString());
        }
    }

    private static void logLostRejection(Rejection rejection, Throwable failure) {
        LOG.warn("could not write a rejection to {}: source={} reason={}: {}", Topics.DEAD_LETTER.name(),
                rejection.source(), rejection.reason(), failure.toString());
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
        }
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
