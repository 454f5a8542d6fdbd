package dev.flowmeter.bench.micro;

import dev.flowmeter.events.ChangeMerged;
import dev.flowmeter.events.ChangeOpened;
import dev.flowmeter.events.ChangeReviewed;
import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.streams.dora.DoraSettings;
import dev.flowmeter.streams.forecast.ForecastSettings;
import dev.flowmeter.streams.forecast.Forecasts;
import dev.flowmeter.streams.forecast.MonteCarlo;
import dev.flowmeter.streams.forecast.RemainingPath;
import dev.flowmeter.streams.forecast.ServiceForecasts;
import dev.flowmeter.streams.valuestream.ValueStreamQuery;
import dev.flowmeter.streams.work.WorkQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The work of {@code GET /api/v1/forecast?release=} for a release of 100 work items, on the stores the server keeps
 * (the production topology under {@link DrivenTopology}). One service has 500 past changes over the 60 days before
 * the driver's wall clock (a change every ~3 h: pickup 0-8 h, review 0-4 h, deploy 1-48 h) and 100 changes on their
 * way, one per item ({@code feature/REL-n}), opened 2 h before: a third each waiting for a review, an hour into
 * review, and merged 30 minutes before.
 * <ul>
 *   <li>{@code releaseOfHundredItems}: everything but HTTP and JSON: the service's journeys and history from its
 *   stores, each item's members from its links, then the release's draw and each item's own draw, all with
 *   10,000 trials (what the answer holds);</li>
 *   <li>{@code drawOnly}: the release's Monte Carlo alone, 100 members, 10,000 trials.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class ForecastBenchmark {

    static final String SERVICE = "shop/forecast";
    static final int PAST = 500;
    static final int ITEMS = 100;

    private DrivenTopology topology;
    private ValueStreamQuery query;
    private WorkQuery work;
    private List<String> items;
    private List<RemainingPath> members;

    @Setup(Level.Trial)
    public void setUp() {
        topology = new DrivenTopology();
        SplittableRandom random = new SplittableRandom(14);
        Instant start = DrivenTopology.WALL_CLOCK.minus(Duration.ofDays(60));
        String landed = null;
        int id = 0;
        long hour = Duration.ofHours(1).toMillis();
        for (int i = 0; i < PAST + ITEMS; i++) {
            boolean pending = i >= PAST;
            Instant opened = pending ? DrivenTopology.WALL_CLOCK.minus(Duration.ofHours(2))
                    : start.plus(Duration.ofMinutes(170L * i));
            String head = String.format("%040x", 2 * i + 1);
            String merge = String.format("%040x", 2 * i + 2);
            String change = String.valueOf(i);
            topology.send(new CommitRecorded("e" + ++id, opened.minus(Duration.ofHours(1)), SERVICE, head,
                    landed == null ? List.of() : List.of(landed), "work", List.of()));
            String branch = pending ? "feature/REL-" + (i - PAST + 1) : "feature/x-" + i;
            topology.send(new ChangeOpened("e" + ++id, opened, SERVICE, change, head, List.of(head), "main",
                    "Change " + i, "", branch, List.of()));
            int stage = pending ? (i - PAST) % 3 : 2;
            Instant reviewed = opened.plusMillis(pending ? hour : random.nextLong(8 * hour));
            if (stage >= 1) {
                topology.send(new ChangeReviewed("e" + ++id, reviewed, SERVICE, change));
            }
            if (stage == 2) {
                Instant merged = reviewed.plusMillis(pending ? hour / 2 : random.nextLong(4 * hour));
                List<String> parents = landed == null ? List.of(head) : List.of(landed, head);
                topology.send(new CommitRecorded("e" + ++id, merged, SERVICE, merge, parents, "Merge", List.of()));
                topology.send(new ChangeMerged("e" + ++id, merged, SERVICE, change, merge, List.of(head)));
                if (!pending) {
                    Instant deployed = merged.plusMillis(hour + random.nextLong(47 * hour));
                    topology.send(new DeploymentFinished("e" + ++id, deployed, SERVICE, "production", merge,
                            DeploymentStatus.SUCCESS, List.of()));
                    landed = merge;
                }
            }
        }
        Clock clock = Clock.fixed(DrivenTopology.WALL_CLOCK, ZoneOffset.UTC);
        query = new ValueStreamQuery(topology.stores(), clock, DoraSettings.DEFAULTS);
        work = new WorkQuery(topology.stores());
        items = new ArrayList<>();
        for (int n = 1; n <= ITEMS; n++) {
            items.add("REL-" + n);
        }
        members = new ArrayList<>();
        release().values().forEach(members::addAll);
        Forecasts.Forecast check = Forecasts.of(members, ForecastSettings.DEFAULT_TRIALS, 1);
        System.out.printf("%n%d members, status %s (%s), p50 %d min, p85 %d min%n", members.size(), check.status(),
                check.reason(),
                check.remainingMillis() == null ? -1 : check.remaining(0) / 60_000,
                check.remainingMillis() == null ? -1 : check.remaining(1) / 60_000);
    }

    private Map<String, List<RemainingPath>> release() {
        ServiceForecasts service = ServiceForecasts.of(query, SERVICE, DrivenTopology.WALL_CLOCK.toEpochMilli(),
                ForecastSettings.DEFAULTS);
        return service.membersOf(work, SERVICE, items);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        topology.close();
    }

    @Benchmark
    public long releaseOfHundredItems() {
        Map<String, List<RemainingPath>> byItem = release();
        List<RemainingPath> all = new ArrayList<>();
        byItem.values().forEach(all::addAll);
        long sum = Forecasts.of(all, ForecastSettings.DEFAULT_TRIALS, MonteCarlo.seed("release", "r")).remaining(1);
        for (Map.Entry<String, List<RemainingPath>> item : byItem.entrySet()) {
            sum += Forecasts.of(item.getValue(), ForecastSettings.DEFAULT_TRIALS, MonteCarlo.seed(item.getKey()))
                    .remaining(1);
        }
        return sum;
    }

    @Benchmark
    public long drawOnly() {
        return Forecasts.of(members, ForecastSettings.DEFAULT_TRIALS, 7).remaining(1);
    }
}
