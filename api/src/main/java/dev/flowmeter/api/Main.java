package dev.flowmeter.api;

import dev.flowmeter.api.cli.EventsClient;
import dev.flowmeter.api.demo.DemoCommand;
import dev.flowmeter.api.demo.DemoFeeder;
import dev.flowmeter.api.demo.DemoOrganisation;
import dev.flowmeter.api.gitimport.ImportGitCommand;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line. Without a command it starts Flowmeter from environment variables and stops it cleanly on SIGTERM
 * or Ctrl-C; {@code --demo} also fills it with the demo organisation. The commands {@code demo} and
 * {@code import-git} send events to a running server instead.
 */
@Command(name = "flowmeter", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Value-stream metrics for software delivery. Without a command: run the server, configured by "
                + "FLOWMETER_* environment variables (README, Configuration).",
        subcommands = {DemoCommand.class, ImportGitCommand.class})
public final class Main implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Exit status when Kafka Streams stopped for good (EX_SOFTWARE). */
    static final int EXIT_STREAMS_FAILED = 70;
    /** FLOWMETER_DEMO=true: the same as {@code --demo} (for the docker-compose stack). */
    static final String DEMO = "FLOWMETER_DEMO";

    @Option(names = "--demo", description = "Fill the server with the simulated demo organisation (90 days of "
            + "history, then about one event a second); its services are named demo-*. Same as FLOWMETER_DEMO=true.")
    boolean demo;

    public static void main(String[] args) {
        int status = new CommandLine(new Main()).execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    @Override
    public Integer call() {
        Map<String, String> env = new HashMap<>(System.getenv());
        boolean withDemo = demo || Boolean.parseBoolean(env.getOrDefault(DEMO, "false").trim());
        if (withDemo) {
            try {
                demoDefaults(env);
            } catch (IOException e) {
                LOG.error("Cannot write the demo's teams file: {}", e.getMessage());
                return 1;
            }
        }
        FlowmeterConfig config;
        try {
            config = FlowmeterConfig.fromEnv(env);
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration error: {}", e.getMessage());
            return 2;
        }
        FlowmeterServer server;
        try {
            server = FlowmeterServer.start(config, Clock.systemUTC(), Main::exitOnFatal);
        } catch (IllegalStateException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            return 1;
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            server.close();
        }, "flowmeter-shutdown"));
        if (withDemo) {
            startDemo(server, config, running);
        }
        return 0;
    }

    /**
     * The demo's teams and gate limits, unless the environment sets its own: a teams file in the data directory and
     * {@link DemoOrganisation#GATE_LIMITS}.
     */
    private static void demoDefaults(Map<String, String> env) throws IOException {
        if (!env.containsKey(FlowmeterConfig.TEAMS)) {
            Path dataDir = Path.of(env.getOrDefault("FLOWMETER_DATA_DIR", FlowmeterConfig.DEFAULT_DATA_DIR));
            Files.createDirectories(dataDir);
            Path teams = dataDir.resolve("demo-teams.conf");
            Files.writeString(teams, DemoOrganisation.teamsFile(), StandardCharsets.UTF_8);
            env.put(FlowmeterConfig.TEAMS, teams.toString());
        }
        env.putIfAbsent(FlowmeterConfig.GATE_LIMITS, DemoOrganisation.GATE_LIMITS);
    }

    /** Feeds the demo organisation to this very server over HTTP, on a thread of its own. */
    private static void startDemo(FlowmeterServer server, FlowmeterConfig config, AtomicBoolean running) {
        if (config.http().tls().isPresent()) {
            // Its own certificate is rarely one this JVM trusts for 127.0.0.1: feed it from outside instead.
            LOG.error("--demo sends over plain HTTP and this server serves HTTPS (FLOWMETER_TLS_KEYSTORE): run "
                    + "'java -jar flowmeter.jar demo --server https://<host>:{}' from a machine that trusts its "
                    + "certificate instead", server.httpPort());
            return;
        }
        URI self = URI.create("http://127.0.0.1:" + server.httpPort());
        Optional<String> token = config.ingestToken().map(secret -> new String(secret.bytes(), StandardCharsets.UTF_8));
        DemoFeeder feeder = new DemoFeeder(new EventsClient(self, token), Clock.systemUTC());
        Thread thread = new Thread(() -> {
            try {
                DemoOrganisation organisation = feeder.sendHistoryOnce(DemoFeeder.DEFAULT_SEED,
                        config.dataDir().resolve("demo-history.sent"));
                LOG.info("Demo organisation sent: 90 days of {} services (demo-*); dashboards and {}/api/v1/dora "
                        + "show it now", DemoOrganisation.TEAMS.size() * 5, self);
                feeder.live(organisation, running::get);
            } catch (EventsClient.SendException | IOException e) {
                LOG.error("The demo stopped: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flowmeter-demo");
        thread.setDaemon(true);
        thread.start();
    }

    /** The version of the jar, from its manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"flowmeter " + (version == null ? "(development build)" : version)};
        }
    }

    /**
     * Kafka Streams has stopped for good: exit non-zero, so a supervisor (systemd, Docker, Kubernetes) restarts the
     * process. The shutdown hook closes the server on the way out. Run on its own thread: this is called from a
     * Kafka Streams thread, which the shutdown waits for.
     */
    private static void exitOnFatal() {
        Thread exit = new Thread(() -> System.exit(EXIT_STREAMS_FAILED), "flowmeter-fatal-exit");
        exit.setDaemon(true);
        exit.start();
    }
}
