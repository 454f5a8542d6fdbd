package dev.flowmeter.api.demo;

import dev.flowmeter.api.cli.EventsClient;
import dev.flowmeter.api.cli.OptionException;
import dev.flowmeter.api.cli.ServerOptions;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flowmeter demo --server URL}: sends the demo organisation to a running server. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Send the simulated demo organisation (90 days of history, then about one event a second) to a "
                + "running Flowmeter. Its services are named demo-*; for its teams and stalls, start the server with "
                + "FLOWMETER_TEAMS (see --print-teams) and FLOWMETER_GATE_LIMITS='" + DemoOrganisation.GATE_LIMITS
                + "', or run the server itself with --demo.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--server", defaultValue = ServerOptions.DEFAULT_SERVER,
            description = "the server's base URL (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--token-file", description = "a file holding the ingest token (default: FLOWMETER_INGEST_TOKEN)")
    String tokenFile;

    @Option(names = "--seed", defaultValue = "" + DemoFeeder.DEFAULT_SEED,
            description = "another seed gives other shas and titles, the same headline numbers (default: "
                    + "${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--no-live", description = "send the history only, then exit")
    boolean noLive;

    @Option(names = "--print-teams", description = "print the FLOWMETER_TEAMS file for the demo's services and exit")
    boolean printTeams;

    @Override
    public Integer call() throws Exception {
        if (printTeams) {
            System.out.print(DemoOrganisation.teamsFile());
            return 0;
        }
        URI target;
        Optional<String> token;
        try {
            target = ServerOptions.server(server);
            token = ServerOptions.token(tokenFile, System.getenv());
        } catch (OptionException e) {
            System.err.println("demo: " + e.getMessage());
            return 2;
        }
        DemoFeeder feeder = new DemoFeeder(new EventsClient(target, token), Clock.systemUTC());
        try {
            DemoOrganisation organisation = feeder.sendHistory(seed);
            if (!noLive) {
                feeder.live(organisation, () -> true);
            }
        } catch (EventsClient.SendException e) {
            System.err.println("demo: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
