package dev.flowmeter.api.demo;

import dev.flowmeter.api.cli.EventsClient;
import dev.flowmeter.api.cli.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    /**
     * Sends the 90 days of history ending now, once per data directory: {@code marker} records the seed and the end
     * of the history sent, and a later start finds it and rebuilds the same organisation without sending it again.
     * (Sent again a week later, its gates and changes would be new events at new times.) Returns the organisation,
     * for {@link #live}.
     */
    public DemoOrganisation sendHistoryOnce(long seed, Path marker) throws IOException {
        if (Files.exists(marker)) {
            String[] sent = Files.readString(marker, StandardCharsets.UTF_8).trim().split("\\s+");
            if (sent.length == 2 && sent[0].equals(String.valueOf(seed))) {
                Instant end = Instant.parse(sent[1]);
                System.out.println("Demo history: sent before (ending " + end + "), not again");
                return new DemoOrganisation(seed, end);
            }
        }
        DemoOrganisation organisation = sendHistory(seed);
        Files.writeString(marker, seed + " " + organisation.end() + "\n", StandardCharsets.UTF_8);
        return organisation;
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
