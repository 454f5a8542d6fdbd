package dev.flowmeter.streams.forecast;

import dev.flowmeter.streams.valuestream.ChangeFact;
import dev.flowmeter.streams.valuestream.Journey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Forecasts of when changes, commits and sets of them reach production (definition in docs/metrics.md): each
 * member's remaining path from the service's recent history, conditioned on the time already spent in its current
 * stage, then {@link MonteCarlo}.
 */
public final class Forecasts {

    private Forecasts() {
    }

    /** A forecast: where the set stands, and for one on its way the percentiles of the time left, from now. */
    public record Forecast(Status status, String reason, long[] remainingMillis, int trials,
            List<RemainingPath> members, Long arrivedAt) {

        public Forecast {
            members = List.copyOf(members);
        }

        /** The percentile {@code i} of {@link MonteCarlo#PERCENTILES}, in milliseconds from now. */
        public long remaining(int i) {
            return remainingMillis[i];
        }
    }

    /** Where a forecast stands. */
    public enum Status {
        /** Percentiles drawn. */
        FORECAST,
        /** Everything is in production already; {@code arrivedAt} says since when. */
        IN_PRODUCTION,
        /** Some member's stage ahead has fewer past durations than the minimum: no guess. */
        TOO_LITTLE_HISTORY,
        /** Some member is on no way to production (closed, not opened), or there is no member. */
        NOT_ON_ITS_WAY
    }

    /**
     * The remaining path of a change: in pickup (opened, no review yet), review (reviewed, not merged) or deploy
     * (merged, not in production), with the time spent there, then the stages after it.
     */
    public static RemainingPath forChange(Journey journey, StageHistory history, long now,
            ForecastSettings settings) {
        String member = "change " + journey.change();
        if (journey.productionAt() != null) {
            return RemainingPath.arrived(member, journey.productionAt());
        }
        ChangeFact fact = journey.fact();
        String current;
        long since;
        if (fact.mergedAt() != null) {
            current = StageHistory.DEPLOY;
            since = fact.mergedAt();
        } else if (fact.closedAt() != null) {
            return RemainingPath.notOnItsWay(member, "closed without merging");
        } else if (fact.reviewedAt() != null) {
            current = StageHistory.REVIEW;
            since = fact.reviewedAt();
        } else if (fact.openedAt() != null) {
            current = StageHistory.PICKUP;
            since = fact.openedAt();
        } else {
            return RemainingPath.notOnItsWay(member, "not opened yet (only its merge or review is known)");
        }
        List<String> stages = List.of(StageHistory.PICKUP, StageHistory.REVIEW, StageHistory.DEPLOY);
        List<RemainingPath.Leg> legs = new ArrayList<>();
        for (String stage : stages.subList(stages.indexOf(current), stages.size())) {
            legs.add(new RemainingPath.Leg(stage, history.samples(stage),
                    stage.equals(current) ? Math.max(0, now - since) : 0));
        }
        return checked(member, legs, settings);
    }

    /** The remaining path of a commit outside any change: its lead time, with the time since it was made. */
    public static RemainingPath forCommit(String sha, long committedAt, Long productionAt, StageHistory history,
            long now, ForecastSettings settings) {
        String member = "commit " + sha;
        if (productionAt != null) {
            return RemainingPath.arrived(member, productionAt);
        }
        return checked(member, List.of(new RemainingPath.Leg(StageHistory.LEAD, history.lead(),
                Math.max(0, now - committedAt))), settings);
    }

    private static RemainingPath checked(String member, List<RemainingPath.Leg> legs, ForecastSettings settings) {
        for (RemainingPath.Leg leg : legs) {
            int eligible = leg.eligible();
            if (eligible < settings.minSamples()) {
                String window = days(settings.window());
                String why = leg.samples().length >= settings.minSamples()
                        ? "only " + eligible + " of the " + leg.samples().length + " " + plural(leg.stage())
                                + " in the last " + window + " took longer than the " + words(leg.elapsed())
                                + " it has spent there; " + settings.minSamples() + " are needed"
                        : "only " + leg.samples().length + " " + plural(leg.stage()) + " in the last " + window
                                + "; " + settings.minSamples() + " are needed";
                return RemainingPath.tooLittleHistory(member, legs, why);
            }
        }
        return RemainingPath.onItsWay(member, legs);
    }

    /** The forecast of a set: when its last member reaches production. */
    public static Forecast of(List<RemainingPath> members, int trials, long seed) {
        if (members.isEmpty()) {
            return new Forecast(Status.NOT_ON_ITS_WAY, "nothing to forecast: no change or commit", null, 0,
                    members, null);
        }
        for (RemainingPath.Status blocking : List.of(RemainingPath.Status.TOO_LITTLE_HISTORY,
                RemainingPath.Status.NOT_ON_ITS_WAY)) {
            List<RemainingPath> blocked = members.stream().filter(m -> m.status() == blocking).toList();
            if (!blocked.isEmpty()) {
                String reason = blocked.get(0).member() + ": " + blocked.get(0).reason()
                        + (blocked.size() > 1 ? " (and " + (blocked.size() - 1) + " more)" : "");
                return new Forecast(blocking == RemainingPath.Status.TOO_LITTLE_HISTORY ? Status.TOO_LITTLE_HISTORY
                        : Status.NOT_ON_ITS_WAY, reason, null, 0, members, null);
            }
        }
        List<RemainingPath> onItsWay = members.stream().filter(RemainingPath::forecastable).toList();
        if (onItsWay.isEmpty()) {
            long last = members.stream().mapToLong(RemainingPath::arrivedAt).max().orElseThrow();
            return new Forecast(Status.IN_PRODUCTION, null, null, 0, members, last);
        }
        long[] outcomes = MonteCarlo.run(onItsWay, trials, seed);
        long[] percentiles = new long[MonteCarlo.PERCENTILES.length];
        for (int i = 0; i < percentiles.length; i++) {
            percentiles[i] = MonteCarlo.percentile(outcomes, MonteCarlo.PERCENTILES[i]);
        }
        return new Forecast(Status.FORECAST, null, percentiles, trials, members, null);
    }

    private static String plural(String stage) {
        return switch (stage) {
            case StageHistory.LEAD -> "commit lead times";
            case StageHistory.PICKUP -> "pickups";
            case StageHistory.REVIEW -> "reviews";
            default -> "deploys";
        };
    }

    private static String days(Duration window) {
        return window.toHours() % 24 == 0 ? window.toDays() + " d" : window.toHours() + " h";
    }

    static String words(long millis) {
        long minutes = millis / 60_000;
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        if (days > 0) {
            return days + " d " + hours + " h";
        }
        return hours > 0 ? hours + " h " + minutes % 60 + " min" : minutes % 60 + " min";
    }
}
