package dev.flowmeter.bench.run;

import dev.flowmeter.api.broker.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Flowmeter's embedded broker on its own, in its own process: {@code Broker <data dir> <port> <controller port>}.
 * The benchmark pre-loads the synthetic organisation through it and runs the minimal Streams app against it; then it
 * stops it and starts Flowmeter on the same data directory, whose embedded broker opens the very same log with the
 * same configuration.
 */
public final class Broker {

    private Broker() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: Broker <data dir> <port> <controller port>");
            System.exit(2);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("broker ready on " + kafka.bootstrapServers());
        stopped.await();
    }
}
