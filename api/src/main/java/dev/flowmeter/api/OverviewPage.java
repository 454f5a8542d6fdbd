package dev.flowmeter.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The built-in overview page at {@code /}: one HTML document, its script and style under {@code /ui/}, and uPlot (the
 * charts) from its WebJar under {@code /webjars/}, all served from the jar. The page reads only the JSON API, in the
 * browser, with the token the user types (kept in the tab's session storage); the document itself tells the page
 * whether a token is needed and where Grafana is, so it never has to provoke a 401 to find out. The content security
 * policy lets the page load nothing from anywhere but this server.
 */
final class OverviewPage {

    static final String PATH = "/";
    static final String ASSETS = "/ui";
    static final String WEBJARS = "/webjars";
    /** Scripts, styles, fetches and images from this server only; no inline script, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none';"
            + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final String TEMPLATE = "/overview/index.html";
    private static final String UPLOT_PROPERTIES = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private final String document;

    private OverviewPage(String document) {
        this.document = document;
    }

    /** The page for this configuration: whether reads need a token, and Grafana's address if there is one. */
    static OverviewPage of(boolean tokenRequired, Optional<URI> grafanaUrl) {
        String template = resource(TEMPLATE);
        String document = template
                .replace("{{uplot}}", WEBJARS + "/uplot/" + uplotVersion())
                .replace("{{auth}}", tokenRequired ? "bearer" : "none")
                .replace("{{grafana}}", attribute(grafanaUrl.map(URI::toString).orElse("")));
        return new OverviewPage(document);
    }

    /** The HTML document served at {@code /}. */
    String document() {
        return document;
    }

    void register(JavalinConfig cfg) {
        cfg.staticFiles.add(files -> {
            files.hostedPath = ASSETS;
            files.directory = "/ui";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff");
        });
        cfg.staticFiles.enableWebjars();
        cfg.routes.get(PATH, this::serve);
    }

    /** Whether {@code path} is part of the page itself rather than the data it shows: open without a token. */
    static boolean isPage(String path) {
        return path.equals(PATH) || path.startsWith(ASSETS + "/") || path.startsWith(WEBJARS + "/");
    }

    private void serve(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(document);
    }

    /** The uPlot version on the class path, from its WebJar's Maven properties, so an upgrade needs no edit here. */
    private static String uplotVersion() {
        Properties properties = new Properties();
        try (InputStream in = OverviewPage.class.getResourceAsStream(UPLOT_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is missing from the class path (" + UPLOT_PROPERTIES
                        + ")");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static String resource(String name) {
        try (InputStream in = OverviewPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Escapes text for a double-quoted HTML attribute. */
    static String attribute(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
