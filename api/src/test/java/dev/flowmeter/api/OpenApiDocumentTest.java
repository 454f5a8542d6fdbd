package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

/** The hand-written openapi.json is a valid OpenAPI 3.1 document with the operations the server has. */
class OpenApiDocumentTest {

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
                "GET /health/ready", "GET /health/query", "GET /openapi.json");
        assertThat(OpenApiContract.DOCUMENT.documents("POST /webhooks/github")).isTrue();
        assertThat(OpenApiContract.DOCUMENT.documents("POST /webhooks/github/extra")).isFalse();
    }
}
