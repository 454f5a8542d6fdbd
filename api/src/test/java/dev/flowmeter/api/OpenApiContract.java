package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The served OpenAPI document as a test oracle: {@link #validate} fails a test unless a real response's status, media
 * type and body are what the document says for that operation, with the JSON Schema validator's messages. The
 * document is loaded once; its schemas are JSON Schema 2020-12 (OpenAPI 3.1), validated by networknt's
 * json-schema-validator, and their {@code $ref}s resolve against the document itself.
 */
final class OpenApiContract {

    static final OpenApiContract DOCUMENT = new OpenApiContract(OpenApiDocument.load());

    /** Where the validator finds the document; a name only, never fetched. */
    private static final String BASE = "https://flowmeter.dev/openapi.json";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

    private final String text;
    private final JsonNode document;
    private final SchemaRegistry registry;

    private OpenApiContract(byte[] bytes) {
        this.text = new String(bytes, StandardCharsets.UTF_8);
        try {
            this.document = EventJson.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.json is not JSON", e);
        }
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(BASE, text)));
    }

    String text() {
        return text;
    }

    /** Every operation of the document, as {@code "GET /path/{param}"}. */
    List<String> operations() {
        List<String> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return operations;
    }

    /** Whether {@code route} ({@code "POST /webhooks/github"}) is one of the document's operations. */
    boolean documents(String route) {
        return operations().stream().anyMatch(operation -> template(operation).matcher(route).matches());
    }

    /**
     * Fails unless the document describes {@code response} for {@code method} on {@code pathTemplate} (as written in
     * the document: {@code /webhooks/{source}}): its status, its Content-Type and, for JSON, its body.
     */
    void validate(String method, String pathTemplate, HttpResponse<String> response) {
        List<String> problems = problems(method, pathTemplate, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""), response.body());
        if (!problems.isEmpty()) {
            fail("%s %s answered %d, not as openapi.json says:%n%s%nbody: %s", method, pathTemplate,
                    response.statusCode(), String.join(System.lineSeparator(), problems), response.body());
        }
    }

    /** What does not match the document in such an answer, in the validator's words; empty when all does. */
    List<String> problems(String method, String pathTemplate, int status, String contentType, String body) {
        JsonNode op = document.path("paths").path(pathTemplate).path(method.toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
            return List.of("  no operation " + method.toUpperCase(Locale.ROOT) + " " + pathTemplate);
        }
        JsonNode described = op.path("responses").path(String.valueOf(status));
        if (described.isMissingNode()) {
            return List.of("  status " + status + " is not documented (" + names(op.path("responses")) + " are)");
        }
        JsonNode content = resolve(described).path("content");
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        JsonNode media = content.path(mediaType);
        if (media.isMissingNode()) {
            return List.of("  Content-Type '" + contentType + "' is not documented (" + names(content) + " are)");
        }
        if (!mediaType.endsWith("json")) {
            return List.of();
        }
        // The schema, with its references made absolute so that they resolve against the document.
        String schemaText = media.path("schema").toString().replace("\"$ref\":\"#/", "\"$ref\":\"" + BASE + "#/");
        Schema schema = registry.getSchema(schemaText, InputFormat.JSON);
        List<Error> errors = schema.validate(body, InputFormat.JSON);
        return errors.stream().map(error -> "  " + error).toList();
    }

    /** Follows a {@code $ref} to {@code #/components/...}. */
    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        String pointer = ref.asText();
        if (!pointer.startsWith("#/")) {
            throw new IllegalArgumentException("only local references are supported: " + pointer);
        }
        JsonNode target = document.at(pointer.substring(1));
        if (target.isMissingNode()) {
            fail("openapi.json refers to %s, which it does not have", pointer);
        }
        return resolve(target);
    }

    private static List<String> names(JsonNode object) {
        return object.properties().stream().map(Map.Entry::getKey).toList();
    }

    /** {@code "POST /webhooks/{source}"} as a pattern matching {@code "POST /webhooks/github"}. */
    private static Pattern template(String operation) {
        String[] parts = operation.split("\\{[^}/]+}", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            regex.append("[^/]+").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString());
    }
}
