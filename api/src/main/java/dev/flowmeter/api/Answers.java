package dev.flowmeter.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Problem;
import dev.flowmeter.ingest.http.ProblemException;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.Responses;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the query routes share: answering with JSON (or 503 while state cannot be read), sending a question about
 * one service to the process that holds it, and reading and refusing query parameters.
 */
final class Answers {

    static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    /** The longest window: the default retention, beyond which the ledger holds nothing. */
    static final Duration MAX_WINDOW = Duration.ofDays(400);
    static final int DEFAULT_WEEKS = 12;
    /** The most points of a trend: a year of weeks. */
    static final int MAX_WEEKS = 52;

    private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

    private Answers() {
    }

    /** What to do with one other process's answer. */
    interface PeerAnswer {
        void read(JsonNode body) throws IOException;
    }

    /**
     * GETs {@code pathAndQuery} from every other process and gives each 200 answer's JSON to {@code each}. A process
     * that answers otherwise, or not at all, is logged and left out: the partitions the caller counts then show the
     * answer is partial.
     */
    static void askOthers(Peers peers, String pathAndQuery, String what, PeerAnswer each) {
        for (URI peer : peers.others()) {
            try {
                HttpResponse<String> response = peers.get(peer, pathAndQuery);
                if (response.statusCode() != 200) {
                    LOG.warn("{} answered {} for its {}; the answer is partial", peer, response.statusCode(), what);
                    continue;
                }
                each.read(EventJson.MAPPER.readTree(response.body()));
            } catch (IOException e) {
                LOG.warn("{} did not answer for its {} ({}); the answer is partial", peer, what, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking " + peer, e);
            }
        }
    }

    /**
     * Sends a question about one service to the process that holds it, and answers with what that process said.
     * Returns false when this process is the one to answer: no service named, the service is here, or the request
     * was itself forwarded (a partition that moved in between is answered where it arrived, never sent on).
     */
    static boolean forwardedToOwner(Context ctx, Peers peers, String service) {
        if (service == null || ctx.header(Peers.FORWARDED) != null) {
            return false;
        }
        Optional<URI> owner = peers.ownerOf(service);
        if (owner.isEmpty()) {
            return false;
        }
        String pathAndQuery = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        try {
            HttpResponse<String> response = peers.get(owner.get(), pathAndQuery);
            ctx.status(response.statusCode());
            response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
            response.headers().firstValue(Header.RETRY_AFTER).ifPresent(v -> ctx.header(Header.RETRY_AFTER, v));
            ctx.result(response.body());
        } catch (IOException e) {
            LOG.warn("The process holding {} ({}) did not answer: {}", service, owner.get(), e.toString());
            ctx.header(Header.RETRY_AFTER, Responses.RETRY_AFTER_SECONDS);
            Problems.respond(ctx, Problem.of(503, "Service Unavailable", "the Flowmeter process that holds "
                    + service + " (" + owner.get() + ") did not answer; retry later"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + owner.get(), e);
        }
        return true;
    }

    interface Handler {
        ObjectNode handle(Context ctx);
    }

    /**
     * An answer about {@code service} from where it is held: {@code local} here when it is held here, else GET
     * {@code pathAndQuery} from the process that holds it. Empty, and logged, when it cannot be read now (state
     * restoring, the other process answering otherwise or not at all): the caller says its answer is partial.
     */
    static Optional<JsonNode> fromOwner(Peers peers, String service, String pathAndQuery, String what,
            Supplier<JsonNode> local) {
        Optional<URI> owner = peers.ownerOf(service);
        try {
            if (owner.isEmpty()) {
                return Optional.of(local.get());
            }
            HttpResponse<String> response = peers.get(owner.get(), pathAndQuery);
            if (response.statusCode() != 200) {
                LOG.warn("{} answered {} for {} of {}", owner.get(), response.statusCode(), what, service);
                return Optional.empty();
            }
            return Optional.of(EventJson.MAPPER.readTree(response.body()));
        } catch (InvalidStateStoreException e) {
            LOG.debug("The state of {} is not readable for {}: {}", service, what, e.toString());
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("{} did not answer for {} of {}: {}", owner.get(), what, service, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + owner.get(), e);
        }
    }

    static void answer(Context ctx, Handler handler) {
        ObjectNode body;
        try {
            body = handler.handle(ctx);
        } catch (InvalidStateStoreException e) {
            ctx.header(Header.RETRY_AFTER, Responses.RETRY_AFTER_SECONDS);
            Problems.respond(ctx, Problem.of(503, "Service Unavailable", "the delivery state cannot be read right now"
                    + " (start-up, restore or rebalance); retry later"));
            return;
        }
        try {
            ctx.contentType("application/json").result(EventJson.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
        }
    }

    /** {@code window}: 7d, 30d, 12w or an ISO-8601 duration; 30 days when absent. */
    static Duration window(Context ctx) {
        String text = param(ctx, "window");
        if (text == null) {
            return DEFAULT_WINDOW;
        }
        Duration window;
        try {
            window = EnvReader.parseDuration("window", text);
        } catch (IllegalArgumentException e) {
            throw badRequest("window", "must be a duration such as 7d, 30d, 12w or P30D, got '" + text + "'");
        }
        if (window.compareTo(MAX_WINDOW) > 0 || window.toHours() < 1) {
            throw badRequest("window", "must be between 1h and 400d (the retention), got '" + text + "'");
        }
        return window;
    }

    /** {@code weeks}: how many 7-day points a trend has, 1 to 52; 12 when absent. */
    static int weeks(Context ctx) {
        String text = param(ctx, "weeks");
        if (text == null) {
            return DEFAULT_WEEKS;
        }
        try {
            int weeks = Integer.parseInt(text);
            if (weeks >= 1 && weeks <= MAX_WEEKS) {
                return weeks;
            }
        } catch (NumberFormatException e) {
            // refused below, as a number out of range is
        }
        throw badRequest("weeks", "must be a whole number from 1 to " + MAX_WEEKS + ", got '" + text + "'");
    }

    static Instant instant(Context ctx, String name, Instant fallback) {
        String text = param(ctx, name);
        if (text == null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw badRequest(name, "must be an RFC 3339 time such as 2026-05-01T10:00:00Z, got '" + text + "'");
        }
    }

    static String param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    static ProblemException badRequest(String field, String problem) {
        return new ProblemException(Problem.of(400, "Bad Request", field + " " + problem,
                List.of(new FieldError(field, problem))));
    }

    static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "Not Found", detail));
    }
}
