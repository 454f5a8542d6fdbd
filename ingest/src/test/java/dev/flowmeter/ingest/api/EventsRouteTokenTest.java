package dev.flowmeter.ingest.api;

import static dev.flowmeter.ingest.api.EventsApi.commit;
import static dev.flowmeter.ingest.api.EventsApi.json;
import static dev.flowmeter.ingest.api.EventsApi.limits;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.ingest.http.BodyBudget;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.http.IngestLimits;
import dev.flowmeter.ingest.testing.EagerClient;
import dev.flowmeter.ingest.testing.FakePublisher;
import dev.flowmeter.ingest.webhook.Secret;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/events} guarded by {@code FLOWMETER_INGEST_TOKEN}: 401s are counted and written nowhere. */
class EventsRouteTokenTest {

    private static final String TOKEN = "ingest-t0ken";
    private static final String MISSING = "Authorization bearer token is missing; send 'Authorization: Bearer "
            + "<token>' with the value of FLOWMETER_INGEST_TOKEN";
    private static final String MISMATCH = "Authorization bearer token does not match; check FLOWMETER_INGEST_TOKEN";

    private final FakePublisher publisher = new FakePublisher();
    private final IngestDependencies dependencies = EventsApi.dependencies(publisher, IngestLimits.defaults());

    private Javalin app() {
        return EventsApi.app(dependencies, Optional.of(Secret.of(TOKEN)));
    }

    private static Response post(HttpClient client, Map<String, String> headers) {
        return EventsApi.post(client, BodyPublishers.ofString(commit().toString()), "application/json", headers);
    }

    @Test
    void shouldAcceptWhenTheBearerTokenMatchesInAnySchemeCase() {
        JavalinTest.test(app(), (server, client) -> {
            assertThat(post(client, Map.of("Authorization", "Bearer " + TOKEN)).code()).isEqualTo(202);
            assertThat(post(client, Map.of("Authorization", "bearer  " + TOKEN + " ")).code()).isEqualTo(202);
            assertThat(publisher.batches()).hasSize(2);
            assertThat(dependencies.unauthenticated().snapshot()).isEmpty();
        });
    }

    @Test
    void shouldAnswer401WithABearerChallengeWhenTheTokenIsMissing() {
        JavalinTest.test(app(), (server, client) -> {
            Response response = post(client, Map.of());

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.headers().get("WWW-Authenticate")).containsExactly("Bearer");
            assertThat(response.headers().get("Content-Type")).containsExactly("application/problem+json");
            JsonNode problem = json(response);
            assertThat(problem.get("title").asText()).isEqualTo("Unauthorized");
            assertThat(problem.get("status").asInt()).isEqualTo(401);
            assertThat(problem.get("detail").asText()).isEqualTo(MISSING);
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().snapshot()).isEqualTo(Map.of("api", 1L));
        });
    }

    @Test
    void shouldAnswer401AsMissingWhenTheSchemeIsNotBearerOrTheTokenIsEmpty() {
        JavalinTest.test(app(), (server, client) -> {
            Response basic = post(client, Map.of("Authorization", "Basic aW5nZXN0LXQwa2Vu"));
            Response empty = post(client, Map.of("Authorization", "Bearer "));
            Response bare = post(client, Map.of("Authorization", TOKEN));

            for (Response response : new Response[] {basic, empty, bare}) {
                assertThat(response.code()).isEqualTo(401);
                assertThat(json(response).get("detail").asText()).isEqualTo(MISSING);
            }
            assertThat(dependencies.unauthenticated().count("api")).isEqualTo(3);
        });
    }

    @Test
    void shouldAnswer401WhenTheTokenIsWrong() {
        JavalinTest.test(app(), (server, client) -> {
            Response wrong = post(client, Map.of("Authorization", "Bearer " + TOKEN + "x"));
            Response wrongCase = post(client, Map.of("Authorization", "Bearer " + TOKEN.toUpperCase(Locale.ROOT)));

            assertThat(wrong.code()).isEqualTo(401);
            assertThat(wrong.headers().get("WWW-Authenticate")).containsExactly("Bearer");
            assertThat(json(wrong).get("detail").asText()).isEqualTo(MISMATCH);
            assertThat(wrongCase.code()).isEqualTo(401);
            assertThat(json(wrongCase).get("detail").asText()).isEqualTo(MISMATCH);
            assertThat(publisher.batches()).isEmpty();
            assertThat(publisher.rejections()).isEmpty();
            assertThat(dependencies.unauthenticated().snapshot()).isEqualTo(Map.of("api", 2L));
        });
    }

    /**
     * The body is over the size limit, of the wrong media type and does not fit the body budget; a stranger learns
     * none of that, because the token is checked first.
     */
    @Test
    void shouldAnswer401BeforeLookingAtTheBodyWhenTheTokenIsWrong() {
        IngestDependencies small = EventsApi.dependencies(publisher, limits(100));
        BodyBudget.Reservation full = small.bodyBudget().reservation();
        assertThat(full.tryAdd(100)).isTrue();
        JavalinTest.test(EventsApi.app(small, Optional.of(Secret.of(TOKEN))), (server, client) -> {
            Response response = EventsApi.post(client, BodyPublishers.ofString("x".repeat(150)), "text/plain",
                    Map.of("Authorization", "Bearer guess"));

            assertThat(response.code()).isEqualTo(401);
            assertThat(json(response).get("detail").asText()).isEqualTo(MISMATCH);
            assertThat(publisher.rejections()).isEmpty();
            assertThat(small.unauthenticated().count("api")).isEqualTo(1);
        });
        full.close();
    }

    /**
     * A client that writes its whole body before it reads (48 MiB, more than the socket buffers hold) must still read
     * the 401: closing on an unread body would reset the connection and lose the answer.
     */
    @Test
    void shouldLetAClientThatWritesItsWholeBodyFirstReadThe401WhenTheTokenIsWrong() throws Exception {
        long size = EagerClient.LARGER_THAN_SOCKET_BUFFERS;
        IngestDependencies large = EventsApi.dependencies(publisher, limits(2 * size));
        JavalinTest.test(EventsApi.app(large, Optional.of(Secret.of(TOKEN))), (server, client) -> {
            EagerClient.Answer answer = EagerClient.post(server.port(), EventsRoute.PATH,
                    Map.of("Content-Type", "application/json", "Authorization", "Bearer guess"), size, false);

            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.headers()).containsEntry("connection", "close");
            assertThat(EventJson.MAPPER.readTree(answer.body()).get("detail").asText()).isEqualTo(MISMATCH);
            assertThat(publisher.rejections()).isEmpty();
        });
    }

    @Test
    void shouldAcceptAnyRequestWhenNoTokenIsConfigured() {
        JavalinTest.test(EventsApi.app(publisher), (server, client) -> {
            assertThat(post(client, Map.of()).code()).isEqualTo(202);
            assertThat(post(client, Map.of("Authorization", "Bearer anything")).code()).isEqualTo(202);
        });
    }
}
