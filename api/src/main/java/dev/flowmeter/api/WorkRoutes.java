package dev.flowmeter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.work.WorkItemState;
import dev.flowmeter.streams.work.WorkQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work items as JSON: {@code GET /api/v1/work/{item}} (one item: its state, times and commits, where it is) and
 * {@code GET /api/v1/releases} (each tracker release's items and the share of them in production). An item is held
 * in the partition of its key, so by one process: each question gathers every process's matching items through
 * {@value #INTERNAL}, and the answer says when some partitions could not be read.
 */
final class WorkRoutes {

    static final String ITEM = "/api/v1/work/{item}";
    static final String RELEASES = "/api/v1/releases";
    static final String INTERNAL = "/api/v1/internal/work-items";

    private static final Logger LOG = LoggerFactory.getLogger(WorkRoutes.class);

    private final WorkQuery query;
    private final Clock clock;
    private final Peers peers;

    WorkRoutes(WorkQuery query, Clock clock, Peers peers) {
        this.query = query;
        this.clock = clock;
        this.peers = peers;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.get(ITEM, ctx -> Answers.answer(ctx, this::item));
        cfg.routes.get(RELEASES, ctx -> Answers.answer(ctx, this::releases));
        cfg.routes.get(INTERNAL, ctx -> Answers.answer(ctx, this::internal));
    }

    /** The matching items from every process, and how many partitions answered. */
    private record Gathered(List<JsonNode> items, int answered, int total) {

        void describe(ObjectNode body) {
            body.put("partial", answered < total);
            ObjectNode partitions = body.putObject("partitions");
            partitions.put("answered", answered);
            partitions.put("total", total);
        }
    }

    private Gathered gather(Context ctx, String service, String item) {
        Map<String, JsonNode> found = new TreeMap<>();
        Set<Integer> answered = new TreeSet<>();
        try {
            Set<Integer> local = peers.localPartitions();
            local(service, item).forEach(node -> found.put(key(node), node));
            answered.addAll(local);
        } catch (InvalidStateStoreException e) {
            LOG.debug("Local work-item state not readable for this answer: {}", e.toString());
        }
        if (ctx.header(Peers.FORWARDED) == null) {
            StringBuilder pathAndQuery = new StringBuilder(INTERNAL).append("?");
            if (service != null) {
                pathAndQuery.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
            }
            if (item != null) {
                pathAndQuery.append("item=").append(URLEncoder.encode(item, StandardCharsets.UTF_8));
            }
            Answers.askOthers(peers, pathAndQuery.toString(), "work items", body -> {
                body.path("items").forEach(node -> found.putIfAbsent(key(node), node));
                body.path("partitions").forEach(p -> answered.add(p.asInt()));
            });
        }
        return new Gathered(List.copyOf(found.values()), answered.size(), peers.partitions());
    }

    private static String key(JsonNode node) {
        return StoreKey.of(node.path("service").asText(), node.path("item").asText());
    }

    /** This process's items: the one asked for, or every item with a release (of {@code service}, when given). */
    private List<JsonNode> local(String service, String item) {
        long now = clock.millis();
        List<JsonNode> found = new ArrayList<>();
        if (item != null) {
            query.item(service, item).filter(WorkItemState::described).ifPresent(s -> found.add(describe(s, now)));
        } else {
            query.items(s -> !s.release().isEmpty() && (service == null || service.equals(s.service())))
                    .forEach(s -> found.add(describe(s, now)));
        }
        return found;
    }

    /** {@code GET /api/v1/internal/work-items?service=&item=}: this process's matching items, for the others. */
    private ObjectNode internal(Context ctx) {
        Set<Integer> partitions = peers.localPartitions();
        List<JsonNode> items = local(Answers.param(ctx, "service"), Answers.param(ctx, "item"));
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("partitions");
        partitions.forEach(list::add);
        body.putArray("items").addAll(items);
        return body;
    }

    private ObjectNode item(Context ctx) {
        String item = ctx.pathParam("item");
        if (!EventJson.ITEM_KEY.matcher(item).matches()) {
            throw Answers.badRequest("item", "must be a work item key such as PAY-123 or #42, got '" + item + "'");
        }
        String service = Answers.param(ctx, "service");
        if (item.startsWith("#") && service == null) {
            throw Answers.badRequest("service", "is required with an issue number such as #42: it names the"
                    + " repository's service the issue belongs to");
        }
        Gathered gathered = gather(ctx, item.startsWith("#") ? service : null, item);
        JsonNode found = gathered.items().stream()
                .filter(node -> service == null || service.equals(node.path("service").asText()))
                .findFirst().orElse(null);
        if (found == null) {
            throw Answers.notFound("no work item " + item + (service == null ? "" : " of " + service)
                    + " is known" + (gathered.answered() < gathered.total() ? " to the partitions that answered" : "")
                    + ": it comes from a tracker's work.* events (Jira, GitHub or GitLab issues)");
        }
        ObjectNode body = ((ObjectNode) found).deepCopy();
        gathered.describe(body);
        return body;
    }

    private ObjectNode releases(Context ctx) {
        String service = Answers.param(ctx, "service");
        Gathered gathered = gather(ctx, service, null);
        Map<String, List<JsonNode>> byRelease = new TreeMap<>();
        for (JsonNode item : gathered.items()) {
            byRelease.computeIfAbsent(item.path("release").asText(), r -> new ArrayList<>()).add(item);
        }
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        ArrayNode releases = body.putArray("releases");
        byRelease.forEach((release, items) -> {
            items.sort(Comparator.comparing((JsonNode n) -> n.path("service").asText())
                    .thenComparing(n -> n.path("item").asText()));
            long done = items.stream().filter(n -> n.path("status").asText().equals("done")).count();
            long inProduction = items.stream().filter(n -> n.path("inProduction").asBoolean()).count();
            ObjectNode entry = releases.addObject();
            entry.put("release", release);
            entry.put("items", items.size());
            entry.put("done", done);
            entry.put("inProduction", inProduction);
            entry.put("shareInProduction", (double) inProduction / items.size());
            ArrayNode contents = entry.putArray("contents");
            for (JsonNode item : items) {
                ObjectNode line = contents.addObject();
                for (String field : List.of("item", "service", "kind", "title", "url", "status")) {
                    line.set(field, item.get(field));
                }
                line.put("inProduction", item.path("inProduction").asBoolean());
            }
        });
        gathered.describe(body);
        return body;
    }

    /** One item, as the API shows it. */
    static ObjectNode describe(WorkItemState state, long now) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("item", state.item());
        node.put("service", state.service());
        node.put("kind", state.kind());
        node.put("title", state.title().isEmpty() ? null : state.title());
        node.put("url", state.url().isEmpty() ? null : state.url());
        node.put("release", state.release().isEmpty() ? null : state.release());
        node.put("status", state.status());
        node.put("createdAt", time(state.createdAt()));
        node.put("startedAt", time(state.startedAt()));
        node.put("doneAt", time(state.doneAt()));
        boolean done = "done".equals(state.status());
        Long from = state.startedAt() != null ? state.startedAt() : state.createdAt();
        if (done && state.doneAt() != null && from != null) {
            node.put("flowTimeSeconds", Math.max(0, state.doneAt() - from) / 1000);
        } else {
            node.putNull("flowTimeSeconds");
        }
        boolean inProduction = state.allShipped();
        if (done && inProduction && state.createdAt() != null) {
            node.put("leadTimeSeconds", Math.max(0, state.lastShippedAt() - state.createdAt()) / 1000);
        } else {
            node.putNull("leadTimeSeconds");
        }
        node.put("inProduction", inProduction);
        node.put("productionAt", inProduction ? time(state.lastShippedAt()) : null);
        ArrayNode commits = node.putArray("commits");
        long shipped = 0;
        for (Map.Entry<String, Long> commit : state.commits().entrySet()) {
            String[] parts = StoreKey.split(commit.getKey(), 2);
            ObjectNode entry = commits.addObject();
            entry.put("service", parts[0]);
            entry.put("sha", parts[1]);
            entry.put("productionAt", time(commit.getValue()));
            if (commit.getValue() != null) {
                shipped++;
            }
        }
        node.put("now", where(state, shipped, now));
        return node;
    }

    private static String where(WorkItemState state, long shipped, long now) {
        int commits = state.commits().size();
        String code = commits == 0 ? "no commits name it yet"
                : shipped == commits ? (commits == 1 ? "its commit is" : "all " + commits + " of its commits are")
                        + " in production"
                : shipped + " of its " + commits + " commits in production";
        return switch (state.status()) {
            case "done" -> "done; " + code;
            case "cancelled" -> "cancelled";
            case "in-progress" -> "in progress"
                    + (state.startedAt() == null ? "" : " for " + ValueStreamRoutes.ago(now - state.startedAt()))
                    + "; " + code;
            default -> "created, not started; " + code;
        };
    }

    private static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
