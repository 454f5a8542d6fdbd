package dev.flowmeter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.streams.dora.History;
import dev.flowmeter.streams.dora.Teams;
import dev.flowmeter.streams.valuestream.ChangeFact;
import dev.flowmeter.streams.valuestream.Facts;
import dev.flowmeter.streams.valuestream.Journey;
import dev.flowmeter.streams.valuestream.Journeys;
import dev.flowmeter.streams.valuestream.Pending;
import dev.flowmeter.streams.valuestream.ValueStreamKeys;
import dev.flowmeter.streams.valuestream.ValueStreamQuery;
import dev.flowmeter.streams.work.ItemEfficiency;
import dev.flowmeter.streams.work.ItemJourneys;
import dev.flowmeter.streams.work.WorkQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The value stream as JSON, answered by any process (as {@link DoraRoutes}): the stage breakdown of a service, a
 * team or the organisation ({@code GET /api/v1/value-stream}), a change's and a commit's timeline, what ships next
 * and what a deployment shipped.
 */
final class ValueStreamRoutes {

    static final String VALUE_STREAM = "/api/v1/value-stream";
    static final String CHANGE = "/api/v1/services/<service>/changes/{change}";
    static final String COMMIT = "/api/v1/services/<service>/commits/{sha}";
    static final String PENDING = "/api/v1/services/<service>/pending";
    static final String DEPLOYMENT = "/api/v1/services/<service>/deployments/{id}";
    static final String JOURNEYS = "/api/v1/internal/journeys";
    static final String ITEM_CODE = "/api/v1/internal/item-code";

    private static final Logger LOG = LoggerFactory.getLogger(ValueStreamRoutes.class);

    private final ValueStreamQuery query;
    private final WorkQuery work;
    private final ForecastRoutes forecasts;
    private final Teams teams;
    private final Clock clock;
    private final Peers peers;

    ValueStreamRoutes(ValueStreamQuery query, WorkQuery work, ForecastRoutes forecasts, Teams teams, Clock clock,
            Peers peers) {
        this.query = query;
        this.work = work;
        this.forecasts = forecasts;
        this.teams = teams;
        this.clock = clock;
        this.peers = peers;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.get(VALUE_STREAM, ctx -> {
            if (!Answers.forwardedToOwner(ctx, peers, Answers.param(ctx, "service"))) {
                Answers.answer(ctx, this::valueStream);
            }
        });
        for (String path : List.of(CHANGE, COMMIT, PENDING, DEPLOYMENT)) {
            cfg.routes.get(path, ctx -> {
                if (!Answers.forwardedToOwner(ctx, peers, ctx.pathParam("service"))) {
                    Answers.answer(ctx, handler(path));
                }
            });
        }
        cfg.routes.get(JOURNEYS, ctx -> Answers.answer(ctx, this::journeys));
        cfg.routes.get(ITEM_CODE, ctx -> {
            String service = Answers.param(ctx, "service");
            if (service == null) {
                Answers.answer(ctx, c -> {
                    throw Answers.badRequest("service", "is required: the service whose code side is asked for");
                });
            } else if (!Answers.forwardedToOwner(ctx, peers, service)) {
                Answers.answer(ctx, c -> itemCode(service, WorkRoutes.itemParam(c)));
            }
        });
    }

    private Answers.Handler handler(String path) {
        return switch (path) {
            case CHANGE -> this::change;
            case COMMIT -> this::commit;
            case PENDING -> this::pending;
            default -> this::deployment;
        };
    }

    private Map<String, Journey> journeysOf(Facts facts) {
        return Journeys.of(facts, query.settings().environments(null));
    }

    private ObjectNode valueStream(Context ctx) {
        String service = Answers.param(ctx, "service");
        String team = Answers.param(ctx, "team");
        if (service != null && team != null) {
            throw Answers.badRequest("service", "give service or team, not both");
        }
        Duration window = Answers.window(ctx);
        List<Map<String, Journey>> journeys = new ArrayList<>();
        int answered;
        int total;
        if (service != null) {
            Facts facts = query.facts(service);
            if (facts.changes().isEmpty()) {
                throw Answers.notFound("no change of service " + service + " is known here");
            }
            journeys.add(journeysOf(facts));
            answered = 1;
            total = 1;
        } else {
            Set<Integer> covered = new TreeSet<>();
            Map<String, Map<String, Journey>> found = new TreeMap<>();
            try {
                Set<Integer> local = peers.localPartitions();
                found.putAll(localJourneys(team));
                covered.addAll(local);
            } catch (InvalidStateStoreException e) {
                LOG.debug("Local value-stream state not readable for this answer: {}", e.toString());
            }
            if (ctx.header(Peers.FORWARDED) == null) {
                gatherRemote(team, found, covered);
            }
            journeys.addAll(found.values());
            answered = covered.size();
            total = peers.partitions();
        }
        ValueStreamKeys.Report report = ValueStreamKeys.compute(journeys, window, clock.instant());
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("team", team);
        body.put("window", window.toString());
        body.put("partial", answered < total);
        ObjectNode partitions = body.putObject("partitions");
        partitions.put("answered", answered);
        partitions.put("total", total);
        body.setAll((ObjectNode) EventJson.MAPPER.valueToTree(report));
        return body;
    }

    private Map<String, Map<String, Journey>> localJourneys(String team) {
        Predicate<String> scope = team == null ? s -> true : s -> teams.teamOf(s).filter(team::equals).isPresent();
        Map<String, Map<String, Journey>> found = new TreeMap<>();
        for (String service : query.services()) {
            if (scope.test(service)) {
                found.put(service, journeysOf(query.facts(service)));
            }
        }
        return found;
    }

    private void gatherRemote(String team, Map<String, Map<String, Journey>> found, Set<Integer> covered) {
        String pathAndQuery = JOURNEYS + (team == null ? "" : "?team=" + URLEncoder.encode(team,
                StandardCharsets.UTF_8));
        Answers.askOthers(peers, pathAndQuery, "journeys", body -> {
            for (JsonNode service : body.path("services")) {
                Map<String, Journey> journeys = new TreeMap<>();
                for (JsonNode journey : service.path("journeys")) {
                    Journey read = EventJson.MAPPER.treeToValue(journey, Journey.class);
                    journeys.put(read.change(), read);
                }
                found.putIfAbsent(service.path("service").asText(), journeys);
            }
            body.path("partitions").forEach(p -> covered.add(p.asInt()));
        });
    }

    /** {@code GET /api/v1/internal/journeys?team=}: this process's journeys, for the others to merge. */
    private ObjectNode journeys(Context ctx) {
        Set<Integer> partitions = peers.localPartitions();
        Map<String, Map<String, Journey>> local = localJourneys(Answers.param(ctx, "team"));
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("partitions");
        partitions.forEach(list::add);
        ArrayNode services = body.putArray("services");
        local.forEach((service, journeys) -> {
            ObjectNode entry = services.addObject();
            entry.put("service", service);
            entry.set("journeys", EventJson.MAPPER.valueToTree(journeys.values()));
        });
        return body;
    }

    private ObjectNode change(Context ctx) {
        String service = ctx.pathParam("service");
        String change = ctx.pathParam("change");
        Journey journey = journeysOf(query.facts(service)).get(change);
        if (journey == null) {
            throw Answers.notFound("no change " + change + " of service " + service + " is known here");
        }
        ObjectNode body = describe(service, journey, clock.millis());
        ArrayNode commits = EventJson.MAPPER.createArrayNode();
        journey.commits().forEach(commits::add);
        body.set("commits", commits);
        ArrayNode hops = EventJson.MAPPER.createArrayNode();
        for (Journey.Hop hop : journey.hops()) {
            ObjectNode node = hops.addObject();
            node.put("from", hop.from());
            node.put("to", hop.to());
            node.put("seconds", hop.millis() / 1000);
        }
        body.set("hops", hops);
        Long cycle = journey.cycleMillis();
        if (cycle == null) {
            body.putNull("cycleTimeSeconds");
        } else {
            body.put("cycleTimeSeconds", cycle / 1000);
        }
        body.set("timeline", timeline(journey));
        body.set("forecast", forecasts.compactForChange(service, change));
        return body;
    }

    /** A change as the change view and a work item's view show it. */
    private static ObjectNode describe(String service, Journey journey, long now) {
        ChangeFact fact = journey.fact();
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("change", journey.change());
        body.put("title", emptyToNull(fact.title()));
        body.put("url", emptyToNull(fact.url()));
        body.put("target", emptyToNull(fact.target()));
        body.put("status", fact.mergedAt() != null ? "merged" : fact.closedAt() != null ? "closed" : "open");
        body.put("now", where(journey, now));
        time(body, "firstCommitAt", journey.firstCommitAt());
        time(body, "openedAt", fact.openedAt());
        time(body, "reviewedAt", fact.reviewedAt());
        time(body, "mergedAt", fact.mergedAt());
        time(body, "closedAt", fact.closedAt());
        time(body, "productionAt", journey.productionAt());
        body.put("head", emptyToNull(fact.head()));
        body.put("landed", emptyToNull(fact.landed()));
        ObjectNode stages = body.putObject("stages");
        journey.stages().forEach((stage, millis) -> stages.put(stage, millis / 1000));
        if (journey.flowEfficiency() == null) {
            body.putNull("flowEfficiency");
        } else {
            body.put("flowEfficiency", journey.flowEfficiency());
        }
        ArrayNode arrivals = body.putArray("environments");
        for (Journey.Arrival arrival : journey.arrivals()) {
            ObjectNode node = arrivals.addObject();
            node.put("environment", arrival.environment());
            node.put("at", Instant.ofEpochMilli(arrival.at()).toString());
            node.put("deployment", emptyToNull(arrival.deployment()));
            node.put("production", arrival.production());
        }
        ArrayNode gates = body.putArray("gates");
        for (Journey.Pass pass : journey.passes()) {
            ObjectNode node = gates.addObject();
            node.put("gate", pass.gate());
            node.put("item", pass.item());
            time(node, "queuedAt", pass.queuedAt());
            time(node, "startedAt", pass.startedAt());
            time(node, "finishedAt", pass.finishedAt());
            node.put("outcome", pass.outcome());
        }
        return body;
    }

    /**
     * {@code GET /api/v1/internal/item-code?service=&item=}, answered where {@code service} is held: the changes of
     * the service that carry the work item, the active stretches of their work, and where its commits have been
     * deployed. A work item's view gathers it from each service that has its commits.
     */
    ObjectNode itemCode(String service, String item) {
        WorkQuery.Links links = work.linksOf(service, item);
        Facts facts = query.facts(service);
        Map<String, Journey> journeys = journeysOf(facts);
        ItemJourneys.Answer code = ItemJourneys.of(links, facts, journeys);
        long now = clock.millis();
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("item", item);
        ArrayNode changes = body.putArray("changes");
        ArrayNode active = body.putArray("active");
        for (Journey journey : code.changes()) {
            changes.add(describe(service, journey, now));
            for (ItemEfficiency.Interval interval : ItemEfficiency.activeOf(journey)) {
                ObjectNode node = active.addObject();
                node.put("from", Instant.ofEpochMilli(interval.from()).toString());
                node.put("to", Instant.ofEpochMilli(interval.to()).toString());
            }
        }
        Predicate<String> production = query.settings().environments(null);
        ArrayNode arrivals = body.putArray("arrivals");
        for (ItemJourneys.Arrival arrival : code.arrivals()) {
            ObjectNode node = arrivals.addObject();
            node.put("sha", arrival.sha());
            node.put("environment", arrival.environment());
            node.put("at", Instant.ofEpochMilli(arrival.at()).toString());
            node.put("production", production.test(arrival.environment()));
        }
        return body;
    }

    /**
     * A work item's code side in {@code service}: from here when the service is held here, else from the process
     * that holds it; empty when it cannot be read now.
     */
    Optional<JsonNode> itemCodeFrom(String service, String item) {
        return Answers.fromOwner(peers, service, ITEM_CODE + "?service="
                + URLEncoder.encode(service, StandardCharsets.UTF_8) + "&item="
                + URLEncoder.encode(item, StandardCharsets.UTF_8), "the code side of " + item,
                () -> itemCode(service, item));
    }

    /** Every dated thing that happened to the change, in time order. */
    private static ArrayNode timeline(Journey journey) {
        List<Object[]> entries = new ArrayList<>();
        ChangeFact fact = journey.fact();
        add(entries, journey.firstCommitAt(), "first commit");
        add(entries, fact.openedAt(), "opened");
        add(entries, fact.reviewedAt(), "first review");
        add(entries, fact.mergedAt(), "merged");
        add(entries, fact.closedAt(), "closed without merging");
        for (Journey.Arrival arrival : journey.arrivals()) {
            add(entries, arrival.at(), "deployed to " + arrival.environment());
        }
        for (Journey.Pass pass : journey.passes()) {
            add(entries, pass.queuedAt(), "queued at " + pass.gate());
            add(entries, pass.startedAt(), "started at " + pass.gate());
            add(entries, pass.finishedAt(), pass.gate() + " " + pass.outcome());
        }
        entries.sort(Comparator.comparingLong((Object[] e) -> (Long) e[0]).thenComparing(e -> (String) e[1]));
        ArrayNode timeline = EventJson.MAPPER.createArrayNode();
        for (Object[] entry : entries) {
            ObjectNode node = timeline.addObject();
            node.put("at", Instant.ofEpochMilli((Long) entry[0]).toString());
            node.put("what", (String) entry[1]);
        }
        return timeline;
    }

    private static void add(List<Object[]> entries, Long at, String what) {
        if (at != null) {
            entries.add(new Object[] {at, what});
        }
    }

    /** Where the change is now, in words: "in review for 2 d 3 h", "in staging, not yet in production". */
    static String where(Journey journey, long now) {
        ChangeFact fact = journey.fact();
        if (journey.productionAt() != null) {
            return "in production since " + Instant.ofEpochMilli(journey.productionAt());
        }
        if (fact.mergedAt() != null) {
            if (journey.arrivals().isEmpty()) {
                return "merged " + ago(now - fact.mergedAt()) + " ago, not deployed yet";
            }
            Journey.Arrival last = journey.arrivals().get(journey.arrivals().size() - 1);
            return "in " + last.environment() + " for " + ago(now - last.at()) + ", not yet in production";
        }
        if (fact.closedAt() != null) {
            return "closed without merging";
        }
        if (fact.reviewedAt() != null) {
            return "in review for " + ago(now - fact.reviewedAt());
        }
        return fact.openedAt() == null ? "not opened" : "waiting for a review for " + ago(now - fact.openedAt());
    }

    static String ago(long millis) {
        long minutes = Math.max(0, millis) / 60_000;
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        if (days > 0) {
            return days + " d " + hours + " h";
        }
        return hours > 0 ? hours + " h " + minutes % 60 + " min" : minutes % 60 + " min";
    }

    private ObjectNode commit(Context ctx) {
        String service = ctx.pathParam("service");
        String sha = ctx.pathParam("sha").toLowerCase(Locale.ROOT);
        Facts facts = query.facts(service);
        List<String> changes = new ArrayList<>();
        facts.commitsByChange().forEach((change, shas) -> {
            if (shas.contains(sha)) {
                changes.add(change);
            }
        });
        List<History.Shipped> shipped = facts.history().shipped().stream().filter(c -> c.sha().equals(sha))
                .sorted(Comparator.comparingLong(History.Shipped::deployedAt)).toList();
        Long committedAt = facts.commitTimes().get(sha);
        if (committedAt == null && !shipped.isEmpty()) {
            committedAt = shipped.get(0).committedAt();
        }
        if (committedAt == null && changes.isEmpty()) {
            throw Answers.notFound("no commit " + sha + " of service " + service + " is known here");
        }
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("sha", sha);
        time(body, "committedAt", committedAt);
        ArrayNode list = body.putArray("changes");
        changes.forEach(list::add);
        ArrayNode environments = body.putArray("environments");
        Map<String, String> deploymentAt = Journeys.deploymentIds(facts.history());
        for (History.Shipped commit : shipped) {
            ObjectNode node = environments.addObject();
            node.put("environment", commit.environment());
            node.put("at", Instant.ofEpochMilli(commit.deployedAt()).toString());
            node.put("deployment", deploymentAt.get(commit.environment() + "|" + commit.deployedAt()));
            node.put("leadTimeSeconds", commit.leadTimeMillis() / 1000);
        }
        return body;
    }

    private ObjectNode pending(Context ctx) {
        String service = ctx.pathParam("service");
        String environment = Answers.param(ctx, "environment");
        Facts facts = query.facts(service);
        if (facts.changes().isEmpty() && facts.history().deployments().isEmpty()) {
            throw Answers.notFound("no change or deployment of service " + service + " is known here");
        }
        Pending.Answer answer = Pending.of(facts, journeysOf(facts), query.settings().environments(environment),
                clock.instant());
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("environment", environment);
        body.setAll((ObjectNode) EventJson.MAPPER.valueToTree(answer));
        List<String> shas = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (Pending.Change change : answer.changes()) {
            changes.add(change.change());
            shas.addAll(facts.commitsByChange().getOrDefault(change.change(), Set.of()));
        }
        answer.commits().forEach(commit -> shas.add(commit.sha()));
        WorkRoutes.contents(body, WorkRoutes.summaries(work, peers, service, work.itemsOf(service, shas, changes)));
        body.set("forecast", forecasts.compactForPending(service, environment));
        return body;
    }

    private ObjectNode deployment(Context ctx) {
        String service = ctx.pathParam("service");
        String id = ctx.pathParam("id");
        Facts facts = query.facts(service);
        History.Deployment deployment = facts.history().deployments().stream().filter(d -> d.id().equals(id))
                .min(Comparator.comparingLong(History.Deployment::time)).orElseThrow(() ->
                        Answers.notFound("no deployment " + id + " of service " + service + " is known here"));
        Map<String, Set<String>> changesOf = new TreeMap<>();
        facts.commitsByChange().forEach((change, shas) -> shas.forEach(sha ->
                changesOf.computeIfAbsent(sha, s -> new TreeSet<>()).add(change)));
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("id", id);
        body.put("environment", deployment.environment());
        body.put("time", Instant.ofEpochMilli(deployment.time()).toString());
        body.put("sha", deployment.sha());
        body.put("status", deployment.success() ? "success" : "failure");
        body.put("rollback", deployment.rollback());
        ArrayNode commits = body.putArray("commits");
        Set<String> shippedChanges = new TreeSet<>();
        facts.history().shipped().stream()
                .filter(c -> c.deployedAt() == deployment.time() && c.environment().equals(deployment.environment()))
                .sorted(Comparator.comparingLong(History.Shipped::committedAt).thenComparing(History.Shipped::sha))
                .forEach(commit -> {
                    ObjectNode node = commits.addObject();
                    node.put("sha", commit.sha());
                    node.put("committedAt", Instant.ofEpochMilli(commit.committedAt()).toString());
                    node.put("leadTimeSeconds", commit.leadTimeMillis() / 1000);
                    ArrayNode of = node.putArray("changes");
                    changesOf.getOrDefault(commit.sha(), Set.of()).forEach(change -> {
                        of.add(change);
                        shippedChanges.add(change);
                    });
                });
        ArrayNode changes = body.putArray("changes");
        for (String change : shippedChanges) {
            ChangeFact fact = facts.changes().get(change);
            ObjectNode node = changes.addObject();
            node.put("change", change);
            node.put("title", fact == null ? null : emptyToNull(fact.title()));
            node.put("url", fact == null ? null : emptyToNull(fact.url()));
        }
        List<String> shas = new ArrayList<>();
        commits.forEach(commit -> shas.add(commit.path("sha").asText()));
        WorkRoutes.contents(body, WorkRoutes.summaries(work, peers, service,
                work.itemsOf(service, shas, shippedChanges)));
        return body;
    }

    private static void time(ObjectNode node, String field, Long millis) {
        if (millis == null) {
            node.putNull(field);
        } else {
            node.put(field, Instant.ofEpochMilli(millis).toString());
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
