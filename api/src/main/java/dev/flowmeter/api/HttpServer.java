package dev.flowmeter.api;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty settings that keep slow or idle clients from holding threads and buffers: an idle timeout on the connector
 * and a minimum rate at which a request body must arrive; and HTTPS when a keystore is configured (Jetty's own TLS:
 * Javalin's SSL plugin has no release for Javalin 7).
 */
final class HttpServer {

    private HttpServer() {
    }

    static void configure(JavalinConfig cfg, HttpSettings http) {
        cfg.jetty.modifyServer(server -> {
            if (http.minRequestDataRate() > 0) {
                // Javalin hangs its servlet context inside the handler it finds on the server.
                server.setHandler(new MinimumDataRateHandler(null, http.minRequestDataRate(), 0));
            }
        });
        cfg.jetty.addConnector((server, httpConfiguration) -> {
            ServerConnector connector;
            if (http.tls().isPresent()) {
                SslContextFactory.Server tls = new SslContextFactory.Server();
                tls.setKeyStorePath(http.tls().get().keystore().toString());
                tls.setKeyStorePassword(http.tls().get().password());
                HttpConfiguration https = new HttpConfiguration(httpConfiguration);
                https.addCustomizer(new SecureRequestCustomizer());
                connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                        new HttpConnectionFactory(https));
            } else {
                connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
            }
            connector.setHost(http.host());
            connector.setPort(http.port());
            connector.setIdleTimeout(http.idleTimeout().toMillis());
            return connector;
        });
    }
}
