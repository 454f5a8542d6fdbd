package dev.flowmeter.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.flowmeter.events.FieldError;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProblemsTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(Problems.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    private final Javalin app = Javalin.create(config -> {
        Problems.register(config);
        config.routes.get("/problem", ctx -> {
            throw new ProblemException(Problem.of(422, "Unprocessable", "the gate is unknown",
                    List.of(new FieldError("gate", "is not configured"))));
        });
        config.routes.get("/bug", ctx -> {
            throw new IllegalStateException("secret internal state");
        });
    });

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    @Test
    void shouldAnswerWithTheProblemWhenHandlerThrowsProblemException() {
        JavalinTest.test(app, (server, client) -> {
            Response response = client.get("/problem");

            assertThat(response.code()).isEqualTo(422);
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            assertThat(response.body().string()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Unprocessable\","
                    + "\"status\":422,\"detail\":\"the gate is unknown\","
                    + "\"errors\":[{\"field\":\"gate\",\"problem\":\"is not configured\"}]}");
        });
    }

    @Test
    void shouldAnswer404ProblemWhenRouteIsUnknown() {
        JavalinTest.test(app, (server, client) -> {
            Response response = client.get("/api/v1/nothing");

            assertThat(response.code()).isEqualTo(404);
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            assertThat(response.body().string()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\","
                    + "\"status\":404,\"detail\":\"there is no endpoint GET /api/v1/nothing\",\"errors\":[]}");
        });
    }

    @Test
    void shouldAnswerGeneric500AndLogTheStackWhenHandlerFails() {
        JavalinTest.test(app, (server, client) -> {
            Response response = client.get("/bug");

            assertThat(response.code()).isEqualTo(500);
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            assertThat(response.body().string()).isEqualTo("{\"type\":\"about:blank\","
                    + "\"title\":\"Internal Server Error\",\"status\":500,"
                    + "\"detail\":\"an unexpected error occurred; the server log has the details\",\"errors\":[]}");
            assertThat(logged.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.ERROR);
                assertThat(event.getThrowableProxy().getMessage()).isEqualTo("secret internal state");
            });
        });
    }
}
