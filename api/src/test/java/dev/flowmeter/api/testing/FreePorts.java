package dev.flowmeter.api.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Distinct free ports on 127.0.0.1, for processes that must come back on the same ports after a fault.
 *
 * <p>The ports are taken from below the kernel's ephemeral range (Linux: {@code net.ipv4.ip_local_port_range},
 * 32768-60999 by default). A port from inside it could be handed to an outgoing connection (a load client
 * reconnecting while the server is down) and then the restarted server could not bind it; one outside it can only
 * be taken by another listener.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 1_000;

    private FreePorts() {
    }

    /** {@code count} distinct ports that were free when probed, all below the ephemeral range. */
    public static int[] pick(int count) {
        int highest = ephemeralStart() - 1;
        Set<Integer> picked = new LinkedHashSet<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS && picked.size() < count; attempt++) {
            int port = random.nextInt(LOWEST, highest + 1);
            if (!picked.contains(port) && isFree(port)) {
                picked.add(port);
            }
        }
        if (picked.size() < count) {
            throw new IllegalStateException("no " + count + " free ports between " + LOWEST + " and " + highest);
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the ephemeral range; 32768 (Linux's default) where it cannot be read. */
    private static int ephemeralStart() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).trim().split("\\s+");
            int start = Integer.parseInt(range[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
