package dev.flowmeter.api;

import dev.flowmeter.ingest.http.Problem;
import dev.flowmeter.ingest.http.ProblemException;
import dev.flowmeter.ingest.webhook.Secret;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import java.util.Optional;

/**
 * {@code FLOWMETER_API_TOKEN}, when set, guards every read endpoint, {@code /metrics} included (Prometheus sends a
 * bearer token with {@code authorization: {credentials: ...}}). The health checks stay open: a load balancer or a
 * supervisor probes them without credentials, and they tell nothing about the data.
 */
final class ReadAccess {

    static final String HEALTH_PREFIX = "/health/";
    private static final String BEARER = "Bearer ";

    private ReadAccess() {
    }

    static void register(JavalinConfig cfg, Optional<Secret> apiToken) {
        apiToken.ifPresent(token -> cfg.routes.beforeMatched(ctx -> check(ctx, token)));
    }

    private static void check(Context ctx, Secret token) {
        boolean read = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
        if (!read || ctx.path().startsWith(HEALTH_PREFIX)) {
            return;
        }
        String header = ctx.header(Header.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw unauthorized(ctx, "the Authorization header is missing; send Authorization: Bearer <token> with "
                    + "the value of " + FlowmeterConfig.API_TOKEN);
        }
        boolean bearer = header.regionMatches(true, 0, BEARER, 0, BEARER.length());
        // Compared whatever the header holds, so the time taken says nothing about the token.
        boolean matches = token.matches(bearer ? header.substring(BEARER.length()).trim() : header);
        if (!bearer || !matches) {
            throw unauthorized(ctx, "the Authorization bearer token does not match; check "
                    + FlowmeterConfig.API_TOKEN);
        }
    }

    private static ProblemException unauthorized(Context ctx, String detail) {
        ctx.header(Header.WWW_AUTHENTICATE, "Bearer");
        return new ProblemException(Problem.of(401, "Unauthorized", detail));
    }
}
