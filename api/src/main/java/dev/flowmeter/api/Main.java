package dev.flowmeter.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Flowmeter from environment variables and stops it cleanly on SIGTERM or Ctrl-C. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

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
            server = FlowmeterServer.start(config);
        } catch (IllegalStateException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "flowmeter-shutdown"));
    }
}
