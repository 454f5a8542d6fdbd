package dev.flowmeter.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Distinct free ports on 127.0.0.1, for processes that must come back on the same ports after a fault. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * Opens {@code count} sockets at once, so the ports differ, and closes them. A port could in theory be taken
     * before the server binds it; the start then fails at bind time, naming the port.
     */
    public static int[] pick(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // nothing was bound to it but this probe
                    }
                }
            }
        }
    }
}
