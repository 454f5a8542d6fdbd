package dev.flowmeter.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Problem;
import dev.flowmeter.ingest.http.ProblemException;
import dev.flowmeter.ingest.http.Problems;
import dev.flowmeter.ingest.http.Responses;
import dev.flowmeter.streams.gates.GateQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * {@code GET /api/v1/gates?status=waiting|stalled&service=&gate=}: the items waiting at gates (or only the stalled
 * ones), oldest first, with how long they have waited and their gate's limit. Answered from this process's own
 * partitions: with several server processes, each lists its share of the services (documented in docs/metrics.md).
 */
final class GatesRoute {

    static final String PATH = "/api/v1/gates";

    private final GateQuery query;

    GatesRoute(GateQuery query) {
        this.query = query;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.get(PATH, this::list);
    }

    private void list(Context ctx) {
        String statusText = blankToNull(ctx.queryParam("status"));
        GateQuery.Status status;
        if (statusText == null || statusText.equals("waiting")) {
            status = GateQuery.Status.WAITING;
        } else if (statusText.equals("stalled")) {
            status = GateQuery.Status.STALLED;
        } else {
            throw new ProblemException(Problem.of(400, "Bad Request", "status must be waiting or stalled, got '"
                    + statusText + "'", List.of(new FieldError("status", "must be waiting or stalled"))));
        }
        GateQuery.Answer answer;
        try {
            answer = query.items(status, blankToNull(ctx.queryParam("service")), blankToNull(ctx.queryParam("gate")));
        } catch (InvalidStateStoreException e) {
            ctx.header(Header.RETRY_AFTER, Responses.RETRY_AFTER_SECONDS);
            Problems.respond(ctx, Problem.of(503, "Service Unavailable", "the gate state cannot be read right now"
                    + " (start-up, restore or rebalance); retry later"));
            return;
        }
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("status", status.name().toLowerCase(Locale.ROOT));
        body.set("items", EventJson.MAPPER.valueToTree(answer.items()));
        body.put("truncated", answer.truncated());
        try {
            ctx.contentType("application/json").result(EventJson.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
