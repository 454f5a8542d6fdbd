package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

/**
 * The hand-written openapi.json is a valid OpenAPI 3.1 document with the operations the server has, and the contract
 * helper both accepts what matches it and names what does not.
 */
class OpenApiDocumentTest {

    private static final OpenApiContract CONTRACT = OpenApiContract.DOCUMENT;
    private static final String GATES = "{\"status\":\"waiting\",\"items\":[{\"service\":\"s\",\"gate\":\"qa\","
            + "\"item\":\"1\",\"since\":\"2026-05-01T10:30:00Z\",\"ageSeconds\":5400,\"limitSeconds\":%s,"
            + "\"stalled\":true}],\"truncated\":false,\"partial\":false,"
            + "\"partitions\":{\"answered\":1,\"total\":1}}";

    @Test
    void shouldBeValidOpenApiWhenParsed() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(OpenApiContract.DOCUMENT.text(), null,
                options);

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(result.getOpenAPI().getComponents().getSecuritySchemes()).containsOnlyKeys("ingestToken",
                "readToken");
    }

    @Test
    void shouldListEveryOperationWhenRead() {
        assertThat(OpenApiContract.DOCUMENT.operations()).containsExactlyInAnyOrder("POST /api/v1/events",
                "POST /webhooks/{source}", "GET /api/v1/gates", "GET /metrics", "GET /health/live",
                "GET /health/ready", "GET /health/query", "GET /openapi.json", "GET /api/v1/dora",
                "GET /api/v1/dora/trend",
                "GET /api/v1/services", "GET /api/v1/services/{service}/deployments", "GET /api/v1/incidents",
                "GET /api/v1/internal/histories", "GET /api/v1/value-stream",
                "GET /api/v1/services/{service}/changes/{change}", "GET /api/v1/services/{service}/commits/{sha}",
                "GET /api/v1/services/{service}/pending", "GET /api/v1/services/{service}/deployments/{id}",
                "GET /api/v1/internal/journeys", "GET /", "GET /api/v1/work/{item}",
                "GET /api/v1/releases", "GET /api/v1/internal/work-items",
                "GET /api/v1/internal/item-code", "GET /api/v1/forecast", "GET /api/v1/internal/forecast-members");
        assertThat(OpenApiContract.DOCUMENT.documents("POST /webhooks/github")).isTrue();
        assertThat(OpenApiContract.DOCUMENT.documents("POST /webhooks/github/extra")).isFalse();
    }

    @Test
    void shouldAcceptAnAnswerWhenItMatchesTheDocument() {
        assertThat(CONTRACT.problems("GET", "/api/v1/gates", 200, "application/json", GATES.formatted("3600")))
                .isEmpty();
        assertThat(CONTRACT.problems("GET", "/api/v1/gates", 200, "application/json", GATES.formatted("null")))
                .isEmpty();
        assertThat(CONTRACT.problems("POST", "/webhooks/{source}", 202, "application/json",
                "{\"ignored\":\"ping\"}")).isEmpty();
        assertThat(CONTRACT.problems("GET", "/health/live", 200, "text/plain", "ok")).isEmpty();
    }

    @Test
    void shouldNameEveryMismatchWhenAnAnswerDiffersFromTheDocument() {
        assertThat(CONTRACT.problems("GET", "/api/v1/gates", 200, "application/json", GATES.formatted("\"1h\"")))
                .singleElement().asString().contains("/items/0/limitSeconds");
        assertThat(CONTRACT.problems("GET", "/api/v1/gates", 200, "application/json", "{\"status\":\"late\"}"))
                .anySatisfy(problem -> assertThat(problem).contains("/status"))
                .anySatisfy(problem -> assertThat(problem).contains("items"));
        // Through the $ref to #/components/responses/BadRequest and on to #/components/schemas/Problem.
        assertThat(CONTRACT.problems("POST", "/api/v1/events", 400, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"x\","
                        + "\"errors\":[{\"field\":\"sha\"}],\"extra\":1}"))
                .anySatisfy(problem -> assertThat(problem).contains("problem"))
                .anySatisfy(problem -> assertThat(problem).contains("extra"));
        assertThat(CONTRACT.problems("POST", "/api/v1/events", 400, "application/json", "{}"))
                .singleElement().asString().contains("'application/json' is not documented");
        assertThat(CONTRACT.problems("POST", "/api/v1/events", 418, "application/json", "{}"))
                .singleElement().asString().contains("status 418 is not documented");
        assertThat(CONTRACT.problems("DELETE", "/api/v1/events", 200, "application/json", "{}"))
                .singleElement().asString().contains("no operation DELETE /api/v1/events");
    }
}
