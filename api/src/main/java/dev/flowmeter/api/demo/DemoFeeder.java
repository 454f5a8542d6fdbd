package dev.flowmeter.api.demo;

import dev.flowmeter.api.cli.EventsClient;
import dev.flowmeter.api.cli.Progress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Sends the demo organisation to a server: its history with progress shown, then the live trickle until stopped. */
public final class DemoFeeder {

    /** The seed of the demo everyone sees; {@code --seed} picks another organisation with the same headline numbers. */
    public static final long DEFAULT_SEED = 20_260_501L;

    private final EventsClient client;
    private final Clock clock;

    public DemoFeeder(EventsClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Sends the 90 days of history ending now; returns the organisation, for {@link #live}. */
    public DemoOrganisation sendHistory(long seed) {
        long startNanos = System.nanoTime();
        DemoOrganisation organisation = new DemoOrganisation(seed, clock.instant());
        List<Map<String, Object>> history = organisation.history();
        try (Progress progress = Progress.start("Demo history", history.size(), "events")) {
            for (Map<String, Object> event : history) {
                client.add(event);
                progress.step(1);
            }
            client.flush();
            progress.finish(Duration.ofNanos(System.nanoTime() - startNanos));
        }
        return organisation;
    }

    /** Sends about one event a second, stamped with the clock, while {@code running} says so. */
    public void live(DemoOrganisation organisation, BooleanSupplier running) throws InterruptedException {
        DemoLive live = new DemoLive(clock, organisation.heads());
        System.out.println("Demo live: about one event a second until stopped (services demo-*)");
        while (running.getAsBoolean()) {
            for (Map<String, Object> event : live.due()) {
                client.add(event);
            }
            client.flush();
            Thread.sleep(1_000);
        }
    }
}
