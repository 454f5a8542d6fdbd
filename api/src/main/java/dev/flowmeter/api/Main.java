package dev.flowmeter.api;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Flowmeter from environment variables and stops it cleanly on SIGTERM or Ctrl-C. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Exit status when Kafka Streams stopped for good (EX_SOFTWARE). */
    static final int EXIT_STREAMS_FAILED = 70;

    private Main() {
    }

    public static void main(String[] args) {
        FlowmeterConfig config;
        try {
            config = FlowmeterConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration error: {}", e.getMessage());
            System.exit(2);
            return;
        }
        FlowmeterServer server;
        try {
            server = FlowmeterServer.start(config, Clock.systemUTC(), Main::exitOnFatal);
        } catch (IllegalStateException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "flowmeter-shutdown"));
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
