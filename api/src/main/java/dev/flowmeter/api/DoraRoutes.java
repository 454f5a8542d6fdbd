package dev.flowmeter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.streams.dora.Classifier;
import dev.flowmeter.streams.dora.DoraKeys;
import dev.flowmeter.streams.dora.DoraQuery;
import dev.flowmeter.streams.dora.History;
import dev.flowmeter.streams.dora.Teams;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DORA keys as JSON: {@code GET /api/v1/dora}, {@code /api/v1/dora/trend}, {@code /api/v1/services},
 * {@code /api/v1/services/{service}/deployments} and {@code /api/v1/incidents}, answered by any server process. A
 * service's whole history is in one partition, held by one process: a question about one service is sent to that
 * process ({@link Peers#ownerOf}); a question about a team or the organisation gathers every process's histories
 * and computes from their union, so the figures are exact (observations are merged, never medians), and the answer
 * says when some partitions could not be read ({@code partial}).
 */
final class DoraRoutes {

    static final String DORA = "/api/v1/dora";
    static final String TREND = "/api/v1/dora/trend";
    static final String SERVICES = "/api/v1/services";
    static final String DEPLOYMENTS = "/api/v1/services/<service>/deployments";
    static final String INCIDENTS = "/api/v1/incidents";
    static final Duration DEFAULT_WINDOW = Answers.DEFAULT_WINDOW;
    /** Most deployments or incidents in one answer. */
    static final int MAX_ITEMS = 1_000;

    static final String HISTORIES = "/api/v1/internal/histories";

    private static final Logger LOG = LoggerFactory.getLogger(DoraRoutes.class);

    private final DoraQuery query;
    private final Teams teams;
    private final Clock clock;
    private final Peers peers;

    DoraRoutes(DoraQuery query, Teams teams, Clock clock, Peers peers) {
        this.query = query;
        this.teams = teams;
        this.clock = clock;
        this.peers = peers;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.get(DORA, ctx -> {
            if (!Answers.forwardedToOwner(ctx, peers, Answers.param(ctx, "service"))) {
                Answers.answer(ctx, this::dora);
            }
        });
        cfg.routes.get(TREND, ctx -> {
            if (!Answers.forwardedToOwner(ctx, peers, Answers.param(ctx, "service"))) {
                Answers.answer(ctx, this::trend);
            }
        });
        cfg.routes.get(SERVICES, ctx -> Answers.answer(ctx, this::services));
        cfg.routes.get(DEPLOYMENTS, ctx -> {
            if (!Answers.forwardedToOwner(ctx, peers, ctx.pathParam("service"))) {
                Answers.answer(ctx, this::deployments);
            }
        });
        cfg.routes.get(INCIDENTS, ctx -> {
            if (!Answers.forwardedToOwner(ctx, peers, Answers.param(ctx, "service"))) {
                Answers.answer(ctx, this::incidents);
            }
        });
        cfg.routes.get(HISTORIES, ctx -> Answers.answer(ctx, this::histories));
    }


    /** The histories of a scope from every process, and how many partitions they cover. */
    private record Gathered(List<History> histories, int answered, int total) {

        boolean partial() {
            return answered < total;
        }

        void describe(ObjectNode body) {
            body.put("partial", partial());
            ObjectNode partitions = body.putObject("partitions");
            partitions.put("answered", answered);
            partitions.put("total", total);
        }
    }

    /**
     * This process's histories of {@code scope} and, unless the request was forwarded, every other process's: each
     * service comes from the one process holding its partition, so the union is exact. A process that cannot be read
     * or reached leaves its partitions out, and the answer says it is partial.
     */
    private Gathered gather(Context ctx, Predicate<String> scope, String team) {
        Map<String, History> found = new TreeMap<>();
        Set<Integer> answered = new TreeSet<>();
        try {
            Set<Integer> local = peers.localPartitions();
            found.putAll(query.histories(scope));
            answered.addAll(local);
        } catch (InvalidStateStoreException e) {
            LOG.debug("Local delivery state not readable for this answer: {}", e.toString());
        }
        if (ctx.header(Peers.FORWARDED) == null) {
            String pathAndQuery = HISTORIES + (team == null ? "" : "?team=" + URLEncoder.encode(team,
                    StandardCharsets.UTF_8));
            Answers.askOthers(peers, pathAndQuery, "histories", body -> {
                for (JsonNode history : body.path("histories")) {
                    History read = EventJson.MAPPER.treeToValue(history, History.class);
                    found.putIfAbsent(read.service(), read);
                }
                body.path("partitions").forEach(p -> answered.add(p.asInt()));
            });
        }
        return new Gathered(List.copyOf(found.values()), answered.size(), peers.partitions());
    }

    /** {@code GET /api/v1/internal/histories?team=}: this process's own histories, for the others to merge. */
    private ObjectNode histories(Context ctx) {
        String team = Answers.param(ctx, "team");
        Set<Integer> partitions = peers.localPartitions();
        Map<String, History> local = query.histories(scope(team));
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("partitions");
        partitions.forEach(list::add);
        body.set("histories", EventJson.MAPPER.valueToTree(local.values()));
        return body;
    }

    private Predicate<String> scope(String team) {
        return team == null ? s -> true : s -> teams.teamOf(s).filter(team::equals).isPresent();
    }



    private ObjectNode dora(Context ctx) {
        String service = Answers.param(ctx, "service");
        String team = Answers.param(ctx, "team");
        if (service != null && team != null) {
            throw Answers.badRequest("service", "give service or team, not both");
        }
        Duration window = Answers.window(ctx);
        String environment = Answers.param(ctx, "environment");
        Gathered gathered = scoped(ctx, service, team);
        DoraKeys.Report report = query.report(gathered.histories(), environment, window);
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("team", team);
        body.put("environment", environment);
        body.put("window", window.toString());
        body.put("services", gathered.histories().size());
        gathered.describe(body);
        ObjectNode keys = EventJson.MAPPER.valueToTree(report);
        body.setAll(keys);
        return body;
    }

    /**
     * {@code GET /api/v1/dora/trend}: the keys week by week, each point the 7-day window ending at its {@code to},
     * the last ending now, computed from one reading of the histories.
     */
    private ObjectNode trend(Context ctx) {
        String service = Answers.param(ctx, "service");
        String team = Answers.param(ctx, "team");
        if (service != null && team != null) {
            throw Answers.badRequest("service", "give service or team, not both");
        }
        int weeks = Answers.weeks(ctx);
        String environment = Answers.param(ctx, "environment");
        Gathered gathered = scoped(ctx, service, team);
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("team", team);
        body.put("environment", environment);
        body.put("weeks", weeks);
        body.put("services", gathered.histories().size());
        gathered.describe(body);
        ArrayNode points = body.putArray("points");
        for (DoraKeys.Report report : query.weekly(gathered.histories(), environment, weeks)) {
            ObjectNode point = points.addObject();
            point.put("from", report.from().toString());
            point.put("to", report.to().toString());
            point.put("deployments", report.deploymentFrequency().deployments());
            point.put("leadTimeSamples", report.leadTime().samples());
            point.put("leadTimeMedianSeconds", report.leadTime().medianSeconds());
            point.put("productionDeployments", report.changeFailureRate().deployments());
            point.put("failed", report.changeFailureRate().failed());
            point.put("changeFailureRate", report.changeFailureRate().rate());
            point.put("recoverySamples", report.recoveryTime().samples());
            point.put("recoveryMedianSeconds", report.recoveryTime().medianSeconds());
        }
        return body;
    }

    private ObjectNode services(Context ctx) {
        Gathered gathered = gather(ctx, s -> true, null);
        ArrayNode list = EventJson.MAPPER.createArrayNode();
        for (History history : gathered.histories()) {
            ObjectNode entry = list.addObject();
            entry.put("service", history.service());
            entry.put("team", teams.teamOf(history.service()).orElse(null));
            History.Deployment last = history.deployments().stream()
                    .max(Comparator.comparingLong(History.Deployment::time).thenComparing(History.Deployment::id))
                    .orElse(null);
            if (last == null) {
                entry.putNull("lastDeployment");
            } else {
                ObjectNode deployment = entry.putObject("lastDeployment");
                deployment.put("id", last.id());
                deployment.put("environment", last.environment());
                deployment.put("time", Instant.ofEpochMilli(last.time()).toString());
                deployment.put("status", last.success() ? "success" : "failure");
            }
            DoraKeys.Report report = query.report(List.of(history), null, DEFAULT_WINDOW);
            ObjectNode bands = entry.putObject("bands");
            bands.set("deploymentFrequency", EventJson.MAPPER.valueToTree(report.deploymentFrequency().band()));
            bands.set("leadTime", EventJson.MAPPER.valueToTree(report.leadTime().band()));
            bands.set("changeFailureRate", EventJson.MAPPER.valueToTree(report.changeFailureRate().band()));
            bands.set("recoveryTime", EventJson.MAPPER.valueToTree(report.recoveryTime().band()));
            ObjectNode keys = entry.putObject("keys");
            long deployments = report.deploymentFrequency().deployments();
            keys.put("deployments", deployments);
            keys.put("deploymentsPerWeek", deployments * 7.0 / DEFAULT_WINDOW.toDays());
            keys.put("leadTimeMedianSeconds", report.leadTime().medianSeconds());
            keys.put("changeFailureRate", report.changeFailureRate().rate());
            keys.put("recoveryMedianSeconds", report.recoveryTime().medianSeconds());
            keys.put("batchSizeMedian", report.batchSize().median());
        }
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("window", DEFAULT_WINDOW.toString());
        gathered.describe(body);
        body.set("services", list);
        return body;
    }

    private ObjectNode deployments(Context ctx) {
        String service = ctx.pathParam("service");
        String environment = Answers.param(ctx, "environment");
        Instant to = Answers.instant(ctx, "to", clock.instant());
        Instant from = Answers.instant(ctx, "from", to.minus(DEFAULT_WINDOW));
        if (!from.isBefore(to)) {
            throw Answers.badRequest("from", "must be before to (" + to + "), got " + from);
        }
        History history = query.history(service);
        requireKnown(service, history);
        Map<History.Deployment, Classifier.Classified> production = new HashMap<>();
        for (Classifier.Classified classified : Classifier.classify(history, query.settings().environments(null))
                .deployments()) {
            production.put(classified.deployment(), classified);
        }
        List<History.Deployment> chosen = new ArrayList<>();
        for (History.Deployment deployment : history.deployments()) {
            long time = deployment.time();
            if (time >= from.toEpochMilli() && time < to.toEpochMilli()
                    && (environment == null || environment.equals(deployment.environment()))) {
                chosen.add(deployment);
            }
        }
        chosen.sort(Comparator.comparingLong(History.Deployment::time).thenComparing(History.Deployment::id)
                .reversed());
        boolean truncated = chosen.size() > MAX_ITEMS;
        ArrayNode list = EventJson.MAPPER.createArrayNode();
        for (History.Deployment deployment : truncated ? chosen.subList(0, MAX_ITEMS) : chosen) {
            ObjectNode entry = list.addObject();
            entry.put("id", deployment.id());
            entry.put("environment", deployment.environment());
            entry.put("time", Instant.ofEpochMilli(deployment.time()).toString());
            entry.put("sha", deployment.sha());
            entry.put("status", deployment.success() ? "success" : "failure");
            entry.put("rollback", deployment.rollback());
            Classifier.Classified classified = production.get(deployment);
            entry.put("production", classified != null);
            entry.put("failure", classified == null || !classified.failed() ? null
                    : classified.failure().label());
            entry.put("recoveredAt", classified == null || classified.recoveredAt() == null ? null
                    : Instant.ofEpochMilli(classified.recoveredAt()).toString());
            entry.put("rework", classified != null && classified.rework());
            ArrayNode incidents = entry.putArray("incidents");
            if (classified != null) {
                classified.incidents().forEach(incidents::add);
            }
            entry.put("batchSize", deployment.commits());
            ArrayNode commits = entry.putArray("commits");
            history.shipped().stream()
                    .filter(c -> c.deployedAt() == deployment.time()
                            && c.environment().equals(deployment.environment()))
                    .sorted(Comparator.comparingLong(History.Shipped::committedAt).thenComparing(History.Shipped::sha))
                    .forEach(commit -> {
                        ObjectNode node = commits.addObject();
                        node.put("sha", commit.sha());
                        node.put("committedAt", Instant.ofEpochMilli(commit.committedAt()).toString());
                        node.put("leadTimeSeconds", commit.leadTimeMillis() / 1000);
                    });
        }
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        body.put("environment", environment);
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.set("deployments", list);
        body.put("truncated", truncated);
        return body;
    }

    private ObjectNode incidents(Context ctx) {
        String service = Answers.param(ctx, "service");
        String status = Answers.param(ctx, "status");
        if (status != null && !status.equals("open") && !status.equals("resolved")) {
            throw Answers.badRequest("status", "must be open or resolved, got '" + status + "'");
        }
        Gathered gathered;
        if (service != null) {
            History history = query.history(service);
            requireKnown(service, history);
            gathered = new Gathered(List.of(history), 1, 1);
        } else {
            gathered = gather(ctx, s -> true, null);
        }
        List<ObjectNode> found = new ArrayList<>();
        for (History history : gathered.histories()) {
            Classifier.Result result = Classifier.classify(history, query.settings().environments(null));
            for (History.Incident incident : history.incidents()) {
                if (incident.openedAt() == null) {
                    continue; // only its resolution seen: nothing to show yet
                }
                boolean open = incident.open();
                if (status != null && open != status.equals("open")) {
                    continue;
                }
                ObjectNode entry = EventJson.MAPPER.createObjectNode();
                entry.put("service", history.service());
                entry.put("incident", incident.id());
                entry.put("status", open ? "open" : "resolved");
                entry.put("openedAt", Instant.ofEpochMilli(incident.openedAt()).toString());
                entry.put("resolvedAt", incident.resolvedAt() == null ? null
                        : Instant.ofEpochMilli(incident.resolvedAt()).toString());
                entry.put("environment", incident.environment().isEmpty() ? null : incident.environment());
                entry.put("sha", incident.sha().isEmpty() ? null : incident.sha());
                History.Deployment hit = result.attribution().get(incident.id());
                if (hit == null) {
                    entry.putNull("deployment");
                } else {
                    ObjectNode deployment = entry.putObject("deployment");
                    deployment.put("id", hit.id());
                    deployment.put("environment", hit.environment());
                    deployment.put("time", Instant.ofEpochMilli(hit.time()).toString());
                }
                found.add(entry);
            }
        }
        found.sort(Comparator.comparing((ObjectNode n) -> n.get("openedAt").asText()).reversed()
                .thenComparing(n -> n.get("service").asText()).thenComparing(n -> n.get("incident").asText()));
        boolean truncated = found.size() > MAX_ITEMS;
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("status", status);
        gathered.describe(body);
        body.putArray("incidents").addAll(truncated ? found.subList(0, MAX_ITEMS) : found);
        body.put("truncated", truncated);
        return body;
    }

    /**
     * The histories a DORA question is about: one service's, read here (where its partition is, or where the
     * question was forwarded), or a team's or the organisation's, gathered from every process.
     */
    private Gathered scoped(Context ctx, String service, String team) {
        if (service != null) {
            History history = query.history(service);
            requireKnown(service, history);
            return new Gathered(List.of(history), 1, 1);
        }
        Gathered gathered = gather(ctx, scope(team), team);
        if (team != null && gathered.histories().isEmpty() && !gathered.partial()) {
            throw Answers.notFound("no service of team " + team + " has any deployment or incident (teams come"
                    + " from " + FlowmeterConfig.TEAMS + ")");
        }
        return gathered;
    }

    private static void requireKnown(String service, History history) {
        if (history.deployments().isEmpty() && history.incidents().isEmpty() && history.shipped().isEmpty()) {
            throw Answers.notFound("no deployment or incident of service " + service + " is known here");
        }
    }





}
