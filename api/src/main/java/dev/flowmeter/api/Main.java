package dev.flowmeter.api;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
        subcommands = {})
public final class Main implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Exit status when Kafka Streams stopped for good (EX_SOFTWARE). */
    static final int EXIT_STREAMS_FAILED = 70;

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
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "flowmeter-shutdown"));
        return 0;
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
