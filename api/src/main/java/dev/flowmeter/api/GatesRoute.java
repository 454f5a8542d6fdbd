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
import dev.flowmeter.streams.gates.GateQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/gates?status=waiting|stalled&service=&gate=}: the items waiting at gates (or only the stalled
 * ones), oldest first, with how long they have waited and their gate's limit. Any server process answers for all
 * services: it lists its own partitions' items and asks every other process for theirs (the same request, marked
 * as forwarded, which each answers from its own partitions only), and says when some partitions could not be read.
 */
final class GatesRoute {

    static final String PATH = "/api/v1/gates";

    private static final Logger LOG = LoggerFactory.getLogger(GatesRoute.class);

    private final GateQuery query;
    private final Peers peers;

    GatesRoute(GateQuery query, Peers peers) {
        this.query = query;
        this.peers = peers;
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
        String service = blankToNull(ctx.queryParam("service"));
        String gate = blankToNull(ctx.queryParam("gate"));
        List<GateQuery.WaitingItem> items = new ArrayList<>();
        boolean truncated = false;
        int answered = 0;
        boolean localRead = false;
        try {
            int local = peers.localPartitions().size();
            GateQuery.Answer answer = query.items(status, service, gate);
            items.addAll(answer.items());
            truncated = answer.truncated();
            answered += local;
            localRead = true;
        } catch (InvalidStateStoreException e) {
            LOG.debug("Local gate state not readable for this answer: {}", e.toString());
        }
        boolean forwarded = ctx.header(Peers.FORWARDED) != null;
        if (!localRead && (forwarded || peers.others().isEmpty())) {
            ctx.header(Header.RETRY_AFTER, Responses.RETRY_AFTER_SECONDS);
            Problems.respond(ctx, Problem.of(503, "Service Unavailable", "the gate state cannot be read right now"
                    + " (start-up, restore or rebalance); retry later"));
            return;
        }
        if (!forwarded) {
            String pathAndQuery = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            int[] theirs = {0};
            boolean[] theirTruncated = {false};
            List<GateQuery.WaitingItem> theirItems = new ArrayList<>();
            Answers.askOthers(peers, pathAndQuery, "gate items", body -> {
                for (JsonNode item : body.path("items")) {
                    theirItems.add(EventJson.MAPPER.treeToValue(item, GateQuery.WaitingItem.class));
                }
                theirTruncated[0] |= body.path("truncated").asBoolean();
                theirs[0] += body.path("partitions").path("answered").asInt();
            });
            items.addAll(theirItems);
            truncated |= theirTruncated[0];
            answered += theirs[0];
        }
        items.sort(GateQuery.OLDEST_FIRST);
        if (items.size() > GateQuery.MAX_ITEMS) {
            items = items.subList(0, GateQuery.MAX_ITEMS);
            truncated = true;
        }
        // Each partition is held by one process; a moment of overlap in a rebalance cannot count one twice.
        answered = Math.min(answered, peers.partitions());
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("status", status.name().toLowerCase(Locale.ROOT));
        body.set("items", EventJson.MAPPER.valueToTree(items));
        body.put("truncated", truncated);
        body.put("partial", answered < peers.partitions());
        ObjectNode partitions = body.putObject("partitions");
        partitions.put("answered", answered);
        partitions.put("total", peers.partitions());
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
