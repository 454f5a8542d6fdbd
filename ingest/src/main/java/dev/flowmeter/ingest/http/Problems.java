package dev.flowmeter.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.flowmeter.events.EventJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become HTTP answers, so every error a client sees is a {@link Problem}: our own
 * {@link ProblemException}s, Javalin's (unknown route, wrong method) and, as a generic 500, anything unexpected.
 */
public final class Problems {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /** Registers the exception mappers; call once while configuring the app. */
    public static void register(JavalinConfig config) {
        config.routes.exception(ProblemException.class, (exception, ctx) -> respond(ctx, exception.problem()));
        // Replaces Javalin's default mapper, which answers in its own format. Unknown routes arrive here as a
        // NotFoundResponse, wrong methods as a MethodNotAllowedResponse.
        config.routes.exception(HttpResponseException.class, Problems::javalinException);
        config.routes.exception(Exception.class, Problems::unexpected);
    }

    /** Answers with the problem as {@code application/problem+json}. */
    public static void respond(Context ctx, Problem problem) {
        byte[] body;
        try {
            body = EventJson.MAPPER.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Problem always serialises", e);
        }
        ctx.status(problem.status());
        ctx.contentType(Problem.CONTENT_TYPE);
        ctx.result(body);
    }

    private static void javalinException(HttpResponseException exception, Context ctx) {
        int status = exception.getStatus();
        if (exception instanceof NotFoundResponse) {
            respond(ctx, Problem.of(status, "Not Found",
                    "there is no endpoint " + ctx.req().getMethod() + " " + ctx.path()));
        } else {
            respond(ctx, Problem.of(status, HttpStatus.forStatus(status).getMessage(), exception.getMessage()));
        }
    }

    private static void unexpected(Exception exception, Context ctx) {
        LOG.error("unexpected failure answering {} {}", ctx.req().getMethod(), ctx.path(), exception);
        respond(ctx, Problem.of(500, "Internal Server Error",
                "an unexpected error occurred; the server log has the details"));
    }
}
