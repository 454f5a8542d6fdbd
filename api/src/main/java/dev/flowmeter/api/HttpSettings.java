package dev.flowmeter.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the HTTP server listens.
 *
 * @param host the interface to bind
 * @param port the port; 0 picks a free one (tests)
 * @param idleTimeout how long a connection may sit idle, mid-request included, before Jetty closes it
 * @param minRequestDataRate bytes per second a client must keep sending a body at, so a slow client cannot hold a
 *                           thread and a buffer for long
 * @param tls the keystore to serve HTTPS with, when set
 */
public record HttpSettings(String host, int port, Duration idleTimeout, long minRequestDataRate,
        Optional<Tls> tls) {

    /** A PKCS12 (or JKS) keystore holding the server's certificate chain and private key. */
    public record Tls(Path keystore, String password) {

        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + ", password=****]";
        }
    }

    public boolean loopbackOnly() {
        return isLoopback(host);
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
