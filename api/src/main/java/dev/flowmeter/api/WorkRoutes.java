package dev.flowmeter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.streams.state.StoreKey;
import dev.flowmeter.streams.work.ItemEfficiency;
import dev.flowmeter.streams.work.ItemEfficiency.Interval;
import dev.flowmeter.streams.work.WorkItemState;
import dev.flowmeter.streams.work.WorkQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** The most item keys one internal lookup names, which keeps its URL short. */
    static final int MAX_KEYS_PER_LOOKUP = 100;
    /** The most work items a pending or deployment view lists. */
    static final int MAX_CONTENTS = 1_000;
    private static final List<String> KINDS = List.of("feature", "defect", "risk", "debt");

    private final WorkQuery query;
    private final ValueStreamRoutes code;
    private final ForecastRoutes forecasts;
    private final Clock clock;
    private final Peers peers;

    WorkRoutes(WorkQuery query, ValueStreamRoutes code, ForecastRoutes forecasts, Clock clock, Peers peers) {
        this.query = query;
        this.code = code;
        this.forecasts = forecasts;
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
            Set<Integer> local = peers.localWorkPartitions();
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

    /**
     * {@code GET /api/v1/internal/work-items?service=&item=} (or {@code &items=A-1,B-2}): this process's matching
     * items, for the others.
     */
    private ObjectNode internal(Context ctx) {
        Set<Integer> partitions = peers.localWorkPartitions();
        String service = Answers.param(ctx, "service");
        String keys = Answers.param(ctx, "items");
        List<JsonNode> items;
        if (keys == null) {
            items = local(service, Answers.param(ctx, "item"));
        } else {
            List<String> list = itemsParam(ctx);
            items = new ArrayList<>();
            long now = clock.millis();
            for (String key : list) {
                query.item(service, key).filter(WorkItemState::described).ifPresent(s -> items.add(describe(s, now)));
            }
        }
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("partitions");
        partitions.forEach(list::add);
        body.putArray("items").addAll(items);
        return body;
    }

    /** The {@code item} query parameter, checked. */
    static String itemParam(Context ctx) {
        String item = Answers.param(ctx, "item");
        if (item == null) {
            throw Answers.badRequest("item", "is required: a work item key such as PAY-123 or #42");
        }
        checkKey("item", item);
        return item;
    }

    private static void checkKey(String field, String item) {
        if (!EventJson.ITEM_KEY.matcher(item).matches()) {
            throw Answers.badRequest(field, "must be a work item key such as PAY-123 or #42, got '"
                    + (item.length() > 120 ? item.substring(0, 120) + "..." : item) + "'");
        }
    }

    /** An item as its partition holds it, and whether every partition answered. */
    record Found(JsonNode item, int answered, int total) {

        boolean complete() {
            return answered >= total;
        }
    }

    /** The item asked for, gathered from every process; 404 when none holds it. */
    Found find(Context ctx, String service, String item) {
        checkKey("item", item);
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
        return new Found(found, gathered.answered(), gathered.total());
    }

    /** The items of a release, and whether every partition answered. */
    record Released(List<JsonNode> items, boolean complete) {
    }

    /** The items of {@code release} (of {@code service}, when given), gathered from every process; 404 for none. */
    Released release(Context ctx, String service, String release) {
        Gathered gathered = gather(ctx, service, null);
        List<JsonNode> items = gathered.items().stream()
                .filter(node -> release.equals(node.path("release").asText())).toList();
        if (items.isEmpty()) {
            throw Answers.notFound("no work item of release " + release + (service == null ? "" : " of " + service)
                    + " is known: releases come from the trackers' fix versions and milestones");
        }
        return new Released(items, gathered.answered() >= gathered.total());
    }

    /** The {@code items} query parameter: comma-separated keys, each checked, at most {@link #MAX_KEYS_PER_LOOKUP}. */
    static List<String> itemsParam(Context ctx) {
        String keys = Answers.param(ctx, "items");
        if (keys == null) {
            throw Answers.badRequest("items", "is required: comma-separated work item keys");
        }
        List<String> list = List.of(keys.split(","));
        if (list.size() > MAX_KEYS_PER_LOOKUP) {
            throw Answers.badRequest("items", "names " + list.size() + " items; at most " + MAX_KEYS_PER_LOOKUP
                    + " are looked up at once");
        }
        for (String key : list) {
            checkKey("items", key);
        }
        return list;
    }

    private ObjectNode item(Context ctx) {
        Found found = find(ctx, Answers.param(ctx, "service"), ctx.pathParam("item"));
        ObjectNode body = ((ObjectNode) found.item()).deepCopy();
        boolean complete = codeSide(body) && found.complete();
        body.set("forecast", forecasts.compactForItem(found.item()));
        body.put("partial", !complete);
        ObjectNode partitions = body.putObject("partitions");
        partitions.put("answered", found.answered());
        partitions.put("total", found.total());
        return body;
    }

    /**
     * Adds the item's code side to its view: the changes that carry it, the environments its commits reached, its
     * flow efficiency and its timeline. Each service with its commits is asked where it is held; returns false when
     * one of them could not be read.
     */
    private boolean codeSide(ObjectNode body) {
        String item = body.path("item").asText();
        Set<String> services = new TreeSet<>();
        services.add(body.path("service").asText());
        Set<String> commits = new TreeSet<>();
        body.path("commits").forEach(c -> {
            services.add(c.path("service").asText());
            commits.add(StoreKey.of(c.path("service").asText(), c.path("sha").asText()));
        });
        boolean complete = true;
        ArrayNode changes = EventJson.MAPPER.createArrayNode();
        List<Interval> active = new ArrayList<>();
        Map<String, Map<String, Long>> arrivals = new TreeMap<>(); // environment -> commit -> first arrival
        Map<String, Boolean> production = new TreeMap<>();
        for (String service : services) {
            Optional<JsonNode> answer = code.itemCodeFrom(service, item);
            if (answer.isEmpty()) {
                complete = false;
                continue;
            }
            answer.get().path("changes").forEach(changes::add);
            answer.get().path("active").forEach(a -> active.add(new Interval(millis(a.path("from")),
                    millis(a.path("to")))));
            for (JsonNode arrival : answer.get().path("arrivals")) {
                String commit = StoreKey.of(service, arrival.path("sha").asText());
                if (commits.contains(commit)) {
                    String environment = arrival.path("environment").asText();
                    arrivals.computeIfAbsent(environment, e -> new TreeMap<>())
                            .merge(commit, millis(arrival.path("at")), Math::min);
                    production.put(environment, arrival.path("production").asBoolean());
                }
            }
        }
        body.set("changes", changes);
        ArrayNode environments = EventJson.MAPPER.createArrayNode();
        arrivals.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getValue().values().stream().mapToLong(Long::longValue)
                        .min().orElse(0)))
                .forEach(entry -> {
                    ObjectNode node = environments.addObject();
                    node.put("environment", entry.getKey());
                    node.put("production", production.get(entry.getKey()));
                    node.put("commits", entry.getValue().size());
                    node.put("firstAt", time(entry.getValue().values().stream().min(Long::compare).orElse(null)));
                    node.put("allAt", entry.getValue().size() == commits.size()
                            ? time(entry.getValue().values().stream().max(Long::compare).orElse(null)) : null);
                });
        body.set("environments", environments);
        Long from = millisOrNull(body.path("startedAt"));
        if (from == null) {
            from = millisOrNull(body.path("createdAt"));
        }
        Long doneAt = millisOrNull(body.path("doneAt"));
        Double efficiency = "done".equals(body.path("status").asText()) && from != null && doneAt != null
                ? ItemEfficiency.of(active, from, doneAt) : null;
        if (efficiency == null) {
            body.putNull("flowEfficiency");
        } else {
            body.put("flowEfficiency", efficiency);
        }
        body.set("timeline", timeline(body, changes, environments));
        return complete;
    }

    /** Every dated thing that happened to the item and its code, in time order. */
    private static ArrayNode timeline(ObjectNode body, ArrayNode changes, ArrayNode environments) {
        List<String[]> entries = new ArrayList<>();
        add(entries, body.path("createdAt"), "created");
        add(entries, body.path("startedAt"), "started");
        add(entries, body.path("doneAt"), "done");
        for (JsonNode change : changes) {
            String name = "change " + change.path("change").asText() + " of " + change.path("service").asText();
            add(entries, change.path("openedAt"), name + " opened");
            add(entries, change.path("reviewedAt"), name + " first reviewed");
            add(entries, change.path("mergedAt"), name + " merged");
            add(entries, change.path("closedAt"), name + " closed without merging");
        }
        for (JsonNode environment : environments) {
            String name = environment.path("environment").asText();
            add(entries, environment.path("firstAt"), "first commit in " + name);
            add(entries, environment.path("allAt"), "all its commits in " + name);
        }
        entries.sort(Comparator.comparing((String[] e) -> e[0]).thenComparing(e -> e[1]));
        ArrayNode timeline = EventJson.MAPPER.createArrayNode();
        for (String[] entry : entries) {
            ObjectNode node = timeline.addObject();
            node.put("at", entry[0]);
            node.put("what", entry[1]);
        }
        return timeline;
    }

    private static void add(List<String[]> entries, JsonNode at, String what) {
        if (at.isTextual()) {
            entries.add(new String[] {Instant.parse(at.asText()).toString(), what});
        }
    }

    private static long millis(JsonNode time) {
        return Instant.parse(time.asText()).toEpochMilli();
    }

    private static Long millisOrNull(JsonNode time) {
        return time.isTextual() ? millis(time) : null;
    }

    /**
     * The work items {@code keys} (as {@code service}'s commits and changes name them) with what their trackers say:
     * read here, and from the other processes for the ones held elsewhere. A tracker's key no tracker has described
     * stays, with its kind, title and status {@code null}; an undescribed {@code #n} is left out, since GitHub and
     * GitLab number pull requests like issues and squashes name them. At most {@link #MAX_CONTENTS}.
     */
    static List<ObjectNode> summaries(WorkQuery query, Peers peers, String service, Collection<String> keys) {
        List<String> wanted = keys.stream().limit(MAX_CONTENTS).toList();
        Map<String, JsonNode> found = new TreeMap<>();
        try {
            for (String key : wanted) {
                query.item(service, key).filter(WorkItemState::described)
                        .ifPresent(s -> found.put(key, describe(s, 0)));
            }
        } catch (InvalidStateStoreException e) {
            LOG.debug("Local work-item state not readable for this answer: {}", e.toString());
        }
        List<String> missing = wanted.stream().filter(key -> !found.containsKey(key)).toList();
        for (int from = 0; from < missing.size() && !peers.others().isEmpty(); from += MAX_KEYS_PER_LOOKUP) {
            List<String> batch = missing.subList(from, Math.min(missing.size(), from + MAX_KEYS_PER_LOOKUP));
            String pathAndQuery = INTERNAL + "?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                    + "&items=" + URLEncoder.encode(String.join(",", batch), StandardCharsets.UTF_8);
            Answers.askOthers(peers, pathAndQuery, "work items", body -> body.path("items").forEach(node ->
                    found.putIfAbsent(node.path("item").asText(), node)));
        }
        List<ObjectNode> summaries = new ArrayList<>();
        for (String key : wanted) {
            JsonNode item = found.get(key);
            if (item == null && key.startsWith("#")) {
                continue; // most likely a pull request's number, as in a squash's "Fix (#12)"; no issue by that number
            }
            ObjectNode line = EventJson.MAPPER.createObjectNode();
            line.put("item", key);
            for (String field : List.of("service", "kind", "title", "url", "status")) {
                line.set(field, item == null ? NullNode.getInstance() : item.get(field));
            }
            summaries.add(line);
        }
        summaries.sort(Comparator.comparingInt((ObjectNode n) -> kindOrder(n.path("kind").asText()))
                .thenComparing(n -> n.path("item").asText()));
        return summaries;
    }

    private static int kindOrder(String kind) {
        int order = KINDS.indexOf(kind);
        return order < 0 ? KINDS.size() : order;
    }

    /** Adds {@code workItems}, {@code workKinds} and the {@code workSummary} sentence to a view's body. */
    static void contents(ObjectNode body, List<ObjectNode> items) {
        body.putArray("workItems").addAll(items);
        Map<String, Integer> counts = new TreeMap<>(Comparator.comparingInt(WorkRoutes::kindOrder));
        items.forEach(item -> counts.merge(item.path("kind").isTextual() ? item.path("kind").asText() : "unknown",
                1, Integer::sum));
        ObjectNode kinds = body.putObject("workKinds");
        counts.forEach(kinds::put);
        List<String> parts = new ArrayList<>();
        counts.forEach((kind, count) -> parts.add(count + " " + noun(kind, count)));
        String summary = parts.isEmpty() ? "no work items"
                : parts.size() == 1 ? parts.get(0)
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
        body.put("workSummary", summary);
    }

    private static String noun(String kind, int count) {
        String one = switch (kind) {
            case "debt" -> "debt item";
            case "unknown" -> "item no tracker has described";
            default -> kind;
        };
        if (count == 1) {
            return one;
        }
        return kind.equals("unknown") ? "items no tracker has described" : one + "s";
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
