package dev.flowmeter.api;

import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI document describing every endpoint, kept by hand in
 * {@code src/main/resources/openapi.json} (the contract tests validate real responses against it). Open like the
 * health checks: it documents the API, not the data.
 */
final class OpenApiDocument {

    static final String PATH = "/openapi.json";
    static final String RESOURCE = "/openapi.json";

    private OpenApiDocument() {
    }

    static void register(JavalinConfig cfg) {
        byte[] document = load();
        cfg.routes.get(PATH, ctx -> ctx.contentType("application/json").result(document));
    }

    static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
