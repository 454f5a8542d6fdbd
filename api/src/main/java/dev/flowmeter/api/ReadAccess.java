package dev.flowmeter.api;

import dev.flowmeter.ingest.http.ProblemException;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.Unauthenticated;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import java.util.Optional;

/**
 * {@code FLOWMETER_API_TOKEN}, when set, guards every read endpoint, {@code /metrics} included (Prometheus sends a
 * bearer token with {@code authorization: {credentials: ...}}). The health checks and the OpenAPI document stay open: a
 * load balancer or a supervisor probes the former without credentials, and neither tells anything about the data.
 * So does the overview page itself (its document, script, style and chart library): it holds no data, and asks the
 * user for the token it then sends with every read of the JSON API.
 */
final class ReadAccess {

    static final String HEALTH_PREFIX = "/health/";
    private static final String CREDENTIAL = "Authorization bearer token";

    private ReadAccess() {
    }

    static void register(JavalinConfig cfg, Optional<Secret> apiToken) {
        apiToken.ifPresent(token -> cfg.routes.beforeMatched(ctx -> check(ctx, token)));
    }

    private static void check(Context ctx, Secret token) {
        boolean read = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
        if (!read || ctx.path().startsWith(HEALTH_PREFIX) || ctx.path().equals(OpenApiDocument.PATH)
                || OverviewPage.isPage(ctx.path())) {
            return;
        }
        // Worded and parsed as the events API's ingest token is, so both read alike to whoever sets them up.
        Optional<String> presented = Unauthenticated.bearerToken(ctx.header(Header.AUTHORIZATION));
        Rejected refused = null;
        if (presented.isEmpty()) {
            refused = Unauthenticated.missing(CREDENTIAL, "send 'Authorization: Bearer <token>' with the value of "
                    + FlowmeterConfig.API_TOKEN);
        } else if (!token.matches(presented.get())) {
            refused = Unauthenticated.mismatch(CREDENTIAL, FlowmeterConfig.API_TOKEN);
        }
        if (refused != null) {
            ctx.header(Header.WWW_AUTHENTICATE, "Bearer");
            throw new ProblemException(refused.problem());
        }
    }
}
