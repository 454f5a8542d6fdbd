package dev.flowmeter.streams.forecast;

import dev.flowmeter.streams.dora.History;
import dev.flowmeter.streams.valuestream.Facts;
import dev.flowmeter.streams.valuestream.Journey;
import dev.flowmeter.streams.valuestream.Journeys;
import dev.flowmeter.streams.valuestream.Pending;
import dev.flowmeter.streams.valuestream.ValueStreamQuery;
import dev.flowmeter.streams.work.ItemJourneys;
import dev.flowmeter.streams.work.WorkQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One service's forecasts, read where the service is held: its journeys and recent history as of {@code now}, and
 * from them the remaining path of a change, of what waits for an environment, and of the code that carries work
 * items.
 */
public final class ServiceForecasts {

    private final Facts facts;
    private final Map<String, Journey> journeys;
    private final StageHistory history;
    private final long now;
    private final ForecastSettings settings;
    private final Predicate<String> production;

    private ServiceForecasts(Facts facts, Map<String, Journey> journeys, StageHistory history, long now,
            ForecastSettings settings, Predicate<String> production) {
        this.facts = facts;
        this.journeys = journeys;
        this.history = history;
        this.now = now;
        this.settings = settings;
        this.production = production;
    }

    public static ServiceForecasts of(ValueStreamQuery query, String service, long now, ForecastSettings settings) {
        Facts facts = query.facts(service);
        Predicate<String> production = query.settings().environments(null);
        Map<String, Journey> journeys = Journeys.of(facts, production);
        long window = settings.window().toMillis();
        StageHistory history = StageHistory.of(journeys.values(), now, window)
                .withLead(facts, production, now, window);
        return new ServiceForecasts(facts, journeys, history, now, settings, production);
    }

    public Map<String, Journey> journeys() {
        return journeys;
    }

    public StageHistory history() {
        return history;
    }

    public long now() {
        return now;
    }

    public RemainingPath forChange(Journey journey) {
        return Forecasts.forChange(journey, history, now, settings);
    }

    /**
     * A commit's remaining path: arrived when it is in production; else that of a change carrying it that is still on
     * its way; else its own lead time; empty for a commit not known here.
     */
    public Optional<RemainingPath> forCommit(String sha) {
        Long productionAt = null;
        for (History.Shipped shipped : facts.history().shipped()) {
            if (shipped.sha().equals(sha) && production.test(shipped.environment())
                    && (productionAt == null || shipped.deployedAt() < productionAt)) {
                productionAt = shipped.deployedAt();
            }
        }
        if (productionAt != null) {
            return Optional.of(RemainingPath.arrived("commit " + sha, productionAt));
        }
        for (Journey journey : journeys.values()) {
            if ((journey.commits().contains(sha) || sha.equals(journey.fact().landed()))
                    && journey.productionAt() == null && journey.fact().closedAt() == null) {
                return Optional.of(forChange(journey));
            }
        }
        Long committedAt = facts.commitTimes().get(sha);
        if (committedAt == null) {
            return Optional.empty();
        }
        return Optional.of(Forecasts.forCommit(sha, committedAt, null, history, now, settings));
    }

    /** What waits for the {@code target} environments: their changes and the commits outside any change. */
    public List<RemainingPath> pending(Predicate<String> target) {
        Pending.Answer answer = Pending.of(facts, journeys, target, Instant.ofEpochMilli(now));
        List<RemainingPath> paths = new ArrayList<>();
        for (Pending.Change change : answer.changes()) {
            paths.add(forChange(journeys.get(change.change())));
        }
        for (Pending.Commit commit : answer.commits()) {
            if (commit.changes().isEmpty()) {
                Long committedAt = facts.commitTimes().get(commit.sha());
                paths.add(Forecasts.forCommit(commit.sha(), committedAt != null ? committedAt
                        : commit.readyAt().toEpochMilli(), null, history, now, settings));
            }
        }
        return paths;
    }

    /**
     * For each item, the remaining paths of the service's changes that carry it and of its commits outside them
     * (one already in production counts as arrived).
     */
    public Map<String, List<RemainingPath>> membersOf(WorkQuery work, String service, Collection<String> items) {
        Map<String, Long> inProduction = new HashMap<>();
        for (History.Shipped shipped : facts.history().shipped()) {
            if (production.test(shipped.environment())) {
                inProduction.merge(shipped.sha(), shipped.deployedAt(), Math::min);
            }
        }
        Map<String, WorkQuery.Links> links = work.linksOf(service, items);
        Map<String, List<RemainingPath>> members = new LinkedHashMap<>();
        for (String item : items) {
            ItemJourneys.Answer code = ItemJourneys.of(links.get(item), facts, journeys);
            List<RemainingPath> list = new ArrayList<>();
            Set<String> covered = new HashSet<>();
            for (Journey journey : code.changes()) {
                list.add(forChange(journey));
                covered.addAll(journey.commits());
                covered.add(journey.fact().landed());
            }
            for (String sha : new TreeSet<>(links.get(item).shas())) {
                if (!covered.contains(sha)) {
                    Long committedAt = facts.commitTimes().get(sha);
                    list.add(Forecasts.forCommit(sha, committedAt == null ? now : committedAt, inProduction.get(sha),
                            history, now, settings));
                }
            }
            members.put(item, list);
        }
        return members;
    }

    /** The gates most recent changes pass in the stages still ahead of a change, and that it has not passed yet. */
    public List<StageHistory.GateStats> gatesAhead(RemainingPath path, double usualShare) {
        Journey journey = path.member().startsWith("change ")
                ? journeys.get(path.member().substring("change ".length())) : null;
        if (journey == null) {
            return List.of();
        }
        Set<String> ahead = new HashSet<>();
        path.legs().forEach(leg -> ahead.add(leg.stage()));
        Set<String> passed = new HashSet<>();
        journey.passes().forEach(pass -> passed.add(pass.gate()));
        List<StageHistory.GateStats> gates = new ArrayList<>();
        for (StageHistory.GateStats gate : history.gates().values()) {
            if (gate.share() >= usualShare && ahead.contains(gate.stage()) && !passed.contains(gate.gate())) {
                gates.add(gate);
            }
        }
        return gates;
    }
}
