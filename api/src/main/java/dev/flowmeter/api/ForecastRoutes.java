package dev.flowmeter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.streams.forecast.ForecastSettings;
import dev.flowmeter.streams.forecast.Forecasts;
import dev.flowmeter.streams.forecast.MonteCarlo;
import dev.flowmeter.streams.forecast.RemainingPath;
import dev.flowmeter.streams.forecast.ServiceForecasts;
import dev.flowmeter.streams.forecast.StageHistory;
import dev.flowmeter.streams.valuestream.Journey;
import dev.flowmeter.streams.valuestream.ValueStreamQuery;
import dev.flowmeter.streams.work.WorkQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Forecasts as JSON: {@code GET /api/v1/forecast} for a change ({@code service&change}), the next release to
 * production ({@code service&environment}), a work item ({@code item}) or a tracker release ({@code release}); and
 * the short forecasts the change, pending and work item views carry. A service's history is held by the process that
 * holds the service, so a work item's or a release's members are built there ({@value #MEMBERS}) and drawn here.
 */
final class ForecastRoutes {

    static final String FORECAST = "/api/v1/forecast";
    static final String MEMBERS = "/api/v1/internal/forecast-members";
    /** The share of recent changes that must pass a gate for it to count as one a change usually passes. */
    static final double USUAL_GATE_SHARE = 0.5;

    private final ValueStreamQuery query;
    private final WorkQuery work;
    private final ForecastSettings settings;
    private final Clock clock;
    private final Peers peers;
    private WorkRoutes items;

    ForecastRoutes(ValueStreamQuery query, WorkQuery work, ForecastSettings settings, Clock clock, Peers peers) {
        this.query = query;
        this.work = work;
        this.settings = settings;
        this.clock = clock;
        this.peers = peers;
    }

    /** Where work items and releases are looked up; set once both routes exist. */
    void itemsFrom(WorkRoutes routes) {
        this.items = routes;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.get(FORECAST, ctx -> {
            String service = Answers.param(ctx, "service");
            boolean ofService = Answers.param(ctx, "change") != null || Answers.param(ctx, "environment") != null
                    || Answers.param(ctx, "commit") != null;
            if (ofService && service != null
                    && Answers.forwardedToOwner(ctx, peers, service)) {
                return;
            }
            Answers.answer(ctx, this::forecast);
        });
        cfg.routes.get(MEMBERS, ctx -> {
            String service = Answers.param(ctx, "service");
            if (service != null && Answers.forwardedToOwner(ctx, peers, service)) {
                return;
            }
            Answers.answer(ctx, c -> {
                if (service == null) {
                    throw Answers.badRequest("service", "is required: the service whose members are asked for");
                }
                return members(service, WorkRoutes.itemsParam(c));
            });
        });
    }

    private ObjectNode forecast(Context ctx) {
        String service = Answers.param(ctx, "service");
        Map<String, String> asked = new LinkedHashMap<>();
        for (String name : List.of("change", "commit", "environment", "item", "release")) {
            String value = Answers.param(ctx, name);
            if (value != null) {
                asked.put(name, value);
            }
        }
        if (asked.size() != 1) {
            throw Answers.badRequest(asked.isEmpty() ? "change" : String.join(",", asked.keySet()),
                    "give exactly one of change, commit or environment (each with service), item or release");
        }
        String what = asked.keySet().iterator().next();
        String value = asked.get(what);
        if ((what.equals("change") || what.equals("commit") || what.equals("environment")) && service == null) {
            throw Answers.badRequest("service", "is required with " + what);
        }
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        for (String name : List.of("change", "commit", "environment", "item", "release")) {
            body.put(name, asked.get(name));
        }
        long now = clock.millis();
        boolean complete = true;
        Forecasts.Forecast forecast;
        List<ObjectNode> members = new ArrayList<>();
        switch (what) {
            case "change", "commit", "environment" -> {
                ServiceForecasts local = local(service, now);
                List<RemainingPath> paths = new ArrayList<>();
                if (what.equals("change")) {
                    Journey journey = local.journeys().get(value);
                    if (journey == null) {
                        throw Answers.notFound("no change " + value + " of service " + service + " is known here");
                    }
                    paths.add(local.forChange(journey));
                } else if (what.equals("commit")) {
                    paths.add(local.forCommit(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> Answers.notFound(
                            "no commit " + value + " of service " + service + " is known here")));
                } else {
                    if (!query.settings().environments(null).test(value)) {
                        throw Answers.badRequest("environment", "forecasts are of production; '" + value
                                + "' is not a production environment (FLOWMETER_PRODUCTION_ENVIRONMENTS)");
                    }
                    paths.addAll(local.pending(value::equals));
                }
                for (RemainingPath path : paths) {
                    members.add(internal(service, path, local));
                }
                forecast = Forecasts.of(named(service, paths), settings.trials(), MonteCarlo.seed(service, what,
                        value));
            }
            case "item" -> {
                WorkRoutes.Found found = items.find(ctx, service, value);
                Gathered gathered = gatherMembers(List.of(found.item()));
                complete = found.complete() && gathered.complete();
                members.addAll(gathered.members());
                forecast = forecastOf(found.item(), gathered.members(), MonteCarlo.seed("item",
                        found.item().path("service").asText(), value));
            }
            default -> {
                WorkRoutes.Released released = items.release(ctx, service, value);
                Gathered gathered = gatherMembers(released.items());
                complete = released.complete() && gathered.complete();
                members.addAll(gathered.members());
                forecast = Forecasts.of(paths(gathered.members()), settings.trials(), MonteCarlo.seed("release",
                        service, value));
                ArrayNode list = body.putArray("items");
                List<String> withoutCode = new ArrayList<>();
                for (JsonNode item : released.items()) {
                    String key = item.path("item").asText();
                    List<ObjectNode> own = new ArrayList<>();
                    for (ObjectNode member : gathered.members()) {
                        member.path("items").forEach(k -> {
                            if (k.asText().equals(key)) {
                                own.add(member);
                            }
                        });
                    }
                    ObjectNode entry = list.addObject();
                    entry.put("item", key);
                    entry.put("service", item.path("service").asText());
                    entry.put("kind", item.path("kind").asText());
                    entry.put("title", item.path("title").isTextual() ? item.path("title").asText() : null);
                    entry.set("forecast", compact(forecastOf(item, own, MonteCarlo.seed("item",
                            item.path("service").asText(), key)), now));
                    if (own.isEmpty() && !item.path("status").asText().equals("cancelled")) {
                        withoutCode.add(key);
                    }
                }
                if (!withoutCode.isEmpty() && forecast.status() == Forecasts.Status.FORECAST) {
                    String reason = "not counted: " + String.join(", ", withoutCode) + ", which no commit or change"
                            + " names yet";
                    forecast = new Forecasts.Forecast(forecast.status(), reason, forecast.remainingMillis(),
                            forecast.trials(), forecast.members(), forecast.arrivedAt());
                }
            }
        }
        describe(body, forecast, members, now);
        body.put("partial", !complete);
        return body;
    }

    /** An item's forecast: its members', or why there is none. */
    private Forecasts.Forecast forecastOf(JsonNode item, List<ObjectNode> members, long seed) {
        String status = item.path("status").asText();
        if (status.equals("cancelled")) {
            return new Forecasts.Forecast(Forecasts.Status.NOT_ON_ITS_WAY, "cancelled", null, 0, List.of(), null);
        }
        if (members.isEmpty()) {
            return new Forecasts.Forecast(Forecasts.Status.NOT_ON_ITS_WAY, "no commit or change names it yet", null,
                    0, List.of(), null);
        }
        return Forecasts.of(paths(members), settings.trials(), seed);
    }

    private ServiceForecasts local(String service, long now) {
        return ServiceForecasts.of(query, service, now, settings);
    }

    /**
     * {@code GET /api/v1/internal/forecast-members?service=&items=}: for each item, the remaining paths of the
     * service's changes and commits that carry it (built here, where the service's history is), with the raw past
     * durations of each leg so that the asking process can draw them.
     */
    private ObjectNode members(String service, List<String> keys) {
        ServiceForecasts local = local(service, clock.millis());
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("service", service);
        ObjectNode byItem = body.putObject("items");
        local.membersOf(work, service, keys).forEach((key, paths) -> {
            ArrayNode list = byItem.putArray(key);
            paths.forEach(path -> list.add(internal(service, path, local)));
        });
        return body;
    }

    /** One member as the processes hand it to each other: with the raw durations of its legs. */
    private static ObjectNode internal(String service, RemainingPath path, ServiceForecasts local) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("service", service);
        node.put("member", path.member());
        node.put("status", path.status().name());
        node.put("reason", path.reason());
        if (path.arrivedAt() == null) {
            node.putNull("arrivedAt");
        } else {
            node.put("arrivedAt", path.arrivedAt());
        }
        ArrayNode legs = node.putArray("legs");
        for (RemainingPath.Leg leg : path.legs()) {
            ObjectNode entry = legs.addObject();
            entry.put("stage", leg.stage());
            entry.put("elapsed", leg.elapsed());
            ArrayNode samples = entry.putArray("samples");
            for (long sample : leg.samples()) {
                samples.add(sample);
            }
        }
        ArrayNode gates = node.putArray("gates");
        for (StageHistory.GateStats gate : local.gatesAhead(path, USUAL_GATE_SHARE)) {
            ObjectNode entry = gates.addObject();
            entry.put("gate", gate.gate());
            entry.put("stage", gate.stage());
            entry.put("share", gate.share());
            entry.put("medianWaitSeconds", gate.medianWaitMillis() / 1000);
            entry.put("medianWorkSeconds", gate.medianWorkMillis() / 1000);
        }
        return node;
    }

    private static RemainingPath path(JsonNode node) {
        List<RemainingPath.Leg> legs = new ArrayList<>();
        for (JsonNode leg : node.path("legs")) {
            long[] samples = new long[leg.path("samples").size()];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = leg.path("samples").get(i).asLong();
            }
            legs.add(new RemainingPath.Leg(leg.path("stage").asText(), samples, leg.path("elapsed").asLong()));
        }
        String member = node.path("member").asText() + " of " + node.path("service").asText();
        Long arrivedAt = node.path("arrivedAt").isNumber() ? node.path("arrivedAt").asLong() : null;
        String reason = node.path("reason").isTextual() ? node.path("reason").asText() : null;
        return new RemainingPath(member, RemainingPath.Status.valueOf(node.path("status").asText()), legs,
                arrivedAt, reason);
    }

    private static List<RemainingPath> paths(Collection<ObjectNode> members) {
        return members.stream().map(ForecastRoutes::path).toList();
    }

    private static List<RemainingPath> named(String service, List<RemainingPath> paths) {
        return paths.stream().map(p -> new RemainingPath(p.member() + " of " + service, p.status(), p.legs(),
                p.arrivedAt(), p.reason())).toList();
    }

    /** The members of these items, from each service that has their commits, each member once. */
    private record Gathered(List<ObjectNode> members, boolean complete) {
    }

    private Gathered gatherMembers(List<JsonNode> described) {
        Map<String, Set<String>> keysByService = new TreeMap<>();
        for (JsonNode item : described) {
            String key = item.path("item").asText();
            keysByService.computeIfAbsent(item.path("service").asText(), s -> new TreeSet<>()).add(key);
            item.path("commits").forEach(c -> keysByService.computeIfAbsent(c.path("service").asText(),
                    s -> new TreeSet<>()).add(key));
        }
        Map<String, ObjectNode> members = new LinkedHashMap<>();
        boolean complete = true;
        for (Map.Entry<String, Set<String>> entry : keysByService.entrySet()) {
            List<String> keys = new ArrayList<>(entry.getValue());
            for (int from = 0; from < keys.size(); from += WorkRoutes.MAX_KEYS_PER_LOOKUP) {
                List<String> batch = keys.subList(from, Math.min(keys.size(), from + WorkRoutes.MAX_KEYS_PER_LOOKUP));
                Optional<JsonNode> answer = membersFrom(entry.getKey(), batch);
                if (answer.isEmpty()) {
                    complete = false;
                    continue;
                }
                answer.get().path("items").fields().forEachRemaining(byItem -> {
                    for (JsonNode member : byItem.getValue()) {
                        String id = member.path("service").asText() + "|" + member.path("member").asText();
                        ObjectNode known = members.computeIfAbsent(id, k -> {
                            ObjectNode copy = ((ObjectNode) member).deepCopy();
                            copy.putArray("items");
                            return copy;
                        });
                        ((ArrayNode) known.get("items")).add(byItem.getKey());
                    }
                });
            }
        }
        return new Gathered(List.copyOf(members.values()), complete);
    }

    private Optional<JsonNode> membersFrom(String service, List<String> keys) {
        return Answers.fromOwner(peers, service, MEMBERS + "?service="
                + URLEncoder.encode(service, StandardCharsets.UTF_8) + "&items="
                + URLEncoder.encode(String.join(",", keys), StandardCharsets.UTF_8), "the forecast members",
                () -> members(service, keys));
    }

    private void describe(ObjectNode body, Forecasts.Forecast forecast, List<ObjectNode> members, long now) {
        body.put("now", Instant.ofEpochMilli(now).toString());
        body.put("status", status(forecast.status()));
        body.put("reason", forecast.reason());
        if (forecast.remainingMillis() == null) {
            body.putNull("percentiles");
        } else {
            ObjectNode percentiles = body.putObject("percentiles");
            for (int i = 0; i < MonteCarlo.NAMES.size(); i++) {
                ObjectNode point = percentiles.putObject(MonteCarlo.NAMES.get(i));
                point.put("at", Instant.ofEpochMilli(now + forecast.remaining(i)).toString());
                point.put("inSeconds", forecast.remaining(i) / 1000);
            }
        }
        body.put("arrivedAt", forecast.arrivedAt() == null ? null
                : Instant.ofEpochMilli(forecast.arrivedAt()).toString());
        body.put("trials", forecast.trials());
        body.put("window", settings.window().toString());
        body.put("minSamples", settings.minSamples());
        ArrayNode list = body.putArray("members");
        for (ObjectNode member : members) {
            ObjectNode entry = list.addObject();
            entry.put("member", member.path("member").asText() + " of " + member.path("service").asText());
            entry.put("status", status(member.path("status").asText()));
            entry.set("reason", member.get("reason"));
            entry.put("arrivedAt", member.path("arrivedAt").isNumber()
                    ? Instant.ofEpochMilli(member.path("arrivedAt").asLong()).toString() : null);
            ArrayNode path = entry.putArray("path");
            for (RemainingPath.Leg read : path(member).legs()) {
                ObjectNode step = path.addObject();
                step.put("stage", read.stage());
                step.put("samples", read.samples().length);
                step.put("eligible", read.eligible());
                step.put("elapsedSeconds", read.elapsed() / 1000);
                step.put("medianSeconds", StageHistory.median(read.samples()) / 1000);
            }
            entry.set("gates", member.path("gates").deepCopy());
        }
    }

    private static String status(Object status) {
        return status.toString().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The short form the change, pending and work item views carry. */
    static ObjectNode compact(Forecasts.Forecast forecast, long now) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("status", status(forecast.status()));
        for (int i = 0; i < 2; i++) {
            node.put(MonteCarlo.NAMES.get(i), forecast.remainingMillis() == null ? null
                    : Instant.ofEpochMilli(now + forecast.remaining(i)).toString());
        }
        node.put("reason", forecast.reason());
        return node;
    }

    /** The short forecast of one change, for its view (answered where the service is held). */
    ObjectNode compactForChange(String service, String change) {
        long now = clock.millis();
        ServiceForecasts local = local(service, now);
        Journey journey = local.journeys().get(change);
        return compact(Forecasts.of(named(service, List.of(local.forChange(journey))), settings.trials(),
                MonteCarlo.seed(service, "change", change)), now);
    }

    /** The short forecast of what waits for {@code environment}, for the pending view; null when not production. */
    ObjectNode compactForPending(String service, String environment) {
        if (environment != null && !query.settings().environments(null).test(environment)) {
            return null;
        }
        long now = clock.millis();
        ServiceForecasts local = local(service, now);
        return compact(Forecasts.of(named(service, local.pending(query.settings().environments(environment))),
                settings.trials(), MonteCarlo.seed(service, "environment", String.valueOf(environment))), now);
    }

    /** The short forecast of a work item, for its view. */
    ObjectNode compactForItem(JsonNode item) {
        Gathered gathered = gatherMembers(List.of(item));
        return compact(forecastOf(item, gathered.members(), MonteCarlo.seed("item", item.path("service").asText(),
                item.path("item").asText())), clock.millis());
    }
}
