package dev.flowmeter.api.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The endpoints the fuzzer attacks. Each makes valid calls (the events contract of the README, or a webhook fixture
 * of the ingest module with fresh delivery ids and the headers its tool sends), signs a call the way its tool does,
 * and forges a credential in the ways a stranger or a misconfigured tool would.
 */
final class FuzzEndpoints {

    static final String INGEST_TOKEN = "fuzz-ingest-token";
    static final String GITHUB_SECRET = "fuzz-github-secret";
    static final String GITLAB_TOKEN = "fuzz-gitlab-token";
    static final String CDEVENTS_TOKEN = "fuzz-cdevents-token";
    static final String BITBUCKET_SECRET = "fuzz-bitbucket-secret";
    static final String AZURE_USER = "fuzz-azure-user";
    static final String AZURE_PASSWORD = "fuzz-azure-password";
    static final String PAGERDUTY_SECRET = "fuzz-pagerduty-secret";
    static final String JIRA_SECRET = "fuzz-jira-secret";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant BASE = Instant.parse("2026-05-01T00:00:00Z");
    private static final String[] TYPES = {"commit", "artifact", "deployment", "gate.queued", "gate.started",
        "gate.finished", "incident.opened", "incident.resolved", "change.opened", "change.reviewed",
        "change.merged", "change.closed", "environment.requested", "environment.ready", "environment.deleted",
        "work.created", "work.started", "work.done", "work.reopened", "work.cancelled"};
    private static final String[] ODD_HEADER_VALUES = {"", " ", "x".repeat(300), "push", "Push Hook", "ping",
        "pullrequest:created", "repo:refs_changed", "0.3", "1.0", "dev.cdevents.change.created.0.3.0", "null",
        "../../", "%00", "Tag Push Hook", "deployment_status"};

    /** The environment that enables every endpoint with the secrets above. */
    static Map<String, String> secretsEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLOWMETER_INGEST_TOKEN", INGEST_TOKEN);
        env.put("GITHUB_WEBHOOK_SECRET", GITHUB_SECRET);
        env.put("GITLAB_WEBHOOK_TOKEN", GITLAB_TOKEN);
        env.put("CDEVENTS_TOKEN", CDEVENTS_TOKEN);
        env.put("BITBUCKET_WEBHOOK_SECRET", BITBUCKET_SECRET);
        env.put("AZURE_DEVOPS_USER", AZURE_USER);
        env.put("AZURE_DEVOPS_PASSWORD", AZURE_PASSWORD);
        env.put("PAGERDUTY_WEBHOOK_SECRET", PAGERDUTY_SECRET);
        env.put("JIRA_WEBHOOK_SECRET", JIRA_SECRET);
        return env;
    }

    /** A valid call before any mutation: the JSON tree, its headers and Content-Type. */
    record Seed(JsonNode tree, Map<String, String> headers, String contentType) {
    }

    /** One endpoint under attack. */
    abstract static class Endpoint {
        private final String name;
        private final String path;
        private final List<String> mutableHeaders;

        Endpoint(String name, String path, List<String> mutableHeaders) {
            this.name = name;
            this.path = path;
            this.mutableHeaders = mutableHeaders;
        }

        String name() {
            return name;
        }

        String path() {
            return path;
        }

        /** A valid call whose ids are new for every {@code random}. */
        abstract Seed seed(SplittableRandom random);

        /** Adds the credential the tool would send for {@code body}. */
        abstract void sign(Map<String, String> headers, byte[] body);

        /** Adds a wrong, malformed or no credential; returns what it did. */
        abstract String forge(Map<String, String> headers, byte[] body, SplittableRandom random);

        /** Spoils one of the headers the endpoint reads (besides the credential); returns what it did. */
        String spoilHeader(Map<String, String> headers, SplittableRandom random) {
            List<String> present = mutableHeaders.stream().filter(headers::containsKey).toList();
            if (present.isEmpty()) {
                headers.put("X-Fuzz", ODD_HEADER_VALUES[random.nextInt(ODD_HEADER_VALUES.length)]);
                return "extra-header";
            }
            String header = present.get(random.nextInt(present.size()));
            if (random.nextInt(3) == 0) {
                headers.remove(header);
                return "drop-header " + header;
            }
            headers.put(header, random.nextBoolean() ? ODD_HEADER_VALUES[random.nextInt(ODD_HEADER_VALUES.length)]
                    : ascii(random, 1 + random.nextInt(80)));
            return "spoil-header " + header;
        }
    }

    private FuzzEndpoints() {
    }

    /** Every endpoint: the events API and one per webhook source, seeded from the fixtures under {@code fixtures}. */
    static List<Endpoint> all(Path fixtures) {
        return List.of(new EventsApi(), github(fixtures.resolve("github")), gitlab(fixtures.resolve("gitlab")),
                cdevents(fixtures.resolve("cdevents")), bitbucket(fixtures.resolve("bitbucket")),
                azureDevOps(fixtures.resolve("azure-devops")), pagerDuty(fixtures.resolve("pagerduty")),
                jira(fixtures.resolve("jira")));
    }

    /** {@code POST /api/v1/events}: batches of generated events of every type, sometimes far too many. */
    private static final class EventsApi extends Endpoint {

        EventsApi() {
            super("events", DeliveryLoad.PATH, List.of());
        }

        @Override
        Seed seed(SplittableRandom random) {
            int pick = random.nextInt(100);
            int count = pick < 80 ? 1 + random.nextInt(3) : pick < 88 ? 1 : pick < 95 ? 10 + random.nextInt(90)
                    : pick < 99 ? 0 : 1_001 + random.nextInt(10);
            String prefix = new UUID(random.nextLong(), random.nextLong()).toString();
            ArrayNode batch = NODES.arrayNode();
            for (int i = 0; i < count; i++) {
                batch.add(event(prefix + "-" + i, random));
            }
            JsonNode tree = pick >= 80 && pick < 88 ? batch.get(0) : batch;
            return new Seed(tree, new LinkedHashMap<>(), random.nextInt(5) == 0 ? "application/json; charset=utf-8"
                    : "application/json");
        }

        @Override
        void sign(Map<String, String> headers, byte[] body) {
            headers.put("Authorization", "Bearer " + INGEST_TOKEN);
        }

        @Override
        String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
            return forgeBearer(headers, INGEST_TOKEN, random);
        }
    }

    /** One valid event of a random type, in the JSON of the README. */
    static ObjectNode event(String id, SplittableRandom random) {
        String type = TYPES[random.nextInt(TYPES.length)];
        ObjectNode event = NODES.objectNode();
        event.put("id", id);
        event.put("type", type);
        event.put("time", BASE.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 30))).toString());
        event.put("service", "fuzz/svc-" + random.nextInt(5));
        switch (type) {
            case "commit" -> {
                event.put("sha", sha(random));
                ArrayNode parents = event.putArray("parents");
                for (int i = random.nextInt(3); i > 0; i--) {
                    parents.add(sha(random));
                }
                if (random.nextBoolean()) {
                    event.put("message", "PAY-" + random.nextInt(100) + ": fix #" + random.nextInt(100)
                            + "\n\nThe body of the message.");
                }
            }
            case "artifact" -> {
                event.put("sha", random.nextBoolean() ? sha(random) : sha(random) + sha(random).substring(0, 24));
                event.putArray("commits").add(sha(random)).add(sha(random));
            }
            case "deployment" -> {
                event.put("environment", random.nextBoolean() ? "production" : "staging");
                event.put("sha", sha(random));
                event.put("status", random.nextInt(4) == 0 ? "failure" : "success");
            }
            case "gate.queued", "gate.started", "gate.finished" -> {
                event.put("gate", new String[] {"code-review", "qa", "change-approval"}[random.nextInt(3)]);
                if (random.nextBoolean()) {
                    event.put("item", "CHG-" + random.nextInt(1_000));
                } else {
                    event.put("item", random.nextInt(1_000));
                }
                if (type.equals("gate.finished")) {
                    event.put("outcome", random.nextBoolean() ? "passed" : "failed");
                }
            }
            case "change.opened", "change.reviewed", "change.merged", "change.closed" -> {
                event.put("change", random.nextInt(100));
                if (type.equals("change.opened") || type.equals("change.merged")) {
                    event.put("sha", sha(random));
                    event.putArray("commits").add(sha(random));
                }
                if (type.equals("change.opened")) {
                    event.put("target", "main");
                    event.put("title", "PAY-" + random.nextInt(100) + ": change " + random.nextInt(100));
                    event.put("url", "https://git.example/pull/" + random.nextInt(100));
                    event.put("branch", "feature/PAY-" + random.nextInt(100));
                    if (random.nextBoolean()) {
                        event.putArray("items").add("PAY-" + random.nextInt(100)).add("#" + random.nextInt(100));
                    }
                }
            }
            case "work.created", "work.started", "work.done", "work.reopened", "work.cancelled" -> {
                event.put("item", random.nextBoolean() ? "PAY-" + random.nextInt(100) : "#" + random.nextInt(100));
                event.put("kind", new String[] {"feature", "defect", "risk", "debt"}[random.nextInt(4)]);
                event.put("title", "Item " + random.nextInt(100));
                if (random.nextBoolean()) {
                    event.put("release", "2026." + random.nextInt(12));
                }
            }
            case "environment.requested", "environment.ready", "environment.deleted" -> {
                event.put("environment", "pr-" + random.nextInt(50));
                event.put("kind", random.nextBoolean() ? "ephemeral" : "test");
            }
            default -> {
                event.put("incident", "INC-" + random.nextInt(1_000));
                event.put("environment", "production");
            }
        }
        return event;
    }

    private static Endpoint github(Path dir) {
        List<Fixture> fixtures = fixtures(dir);
        return new Endpoint("github", "/webhooks/github", List.of("X-GitHub-Event", "X-GitHub-Delivery")) {
            @Override
            Seed seed(SplittableRandom random) {
                Fixture fixture = fixtures.get(random.nextInt(fixtures.size()));
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("X-GitHub-Event", fixture.event());
                headers.put("X-GitHub-Delivery", uuid(random));
                headers.put("X-GitHub-Hook-ID", String.valueOf(random.nextInt(1_000_000)));
                headers.put("User-Agent", "GitHub-Hookshot/fuzz");
                return new Seed(fixture.tree(), headers, "application/json");
            }

            @Override
            void sign(Map<String, String> headers, byte[] body) {
                headers.put("X-Hub-Signature-256", "sha256=" + hmac(GITHUB_SECRET, body));
            }

            @Override
            String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
                if (random.nextInt(8) == 0) {
                    headers.put("X-Hub-Signature", "sha1=" + "0".repeat(40));
                    return "sha1-only";
                }
                return forgeHmac(headers, "X-Hub-Signature-256", "sha256=", GITHUB_SECRET, body, random);
            }
        };
    }

    private static Endpoint gitlab(Path dir) {
        Map<String, String> hooks = Map.of("push", "Push Hook", "tag_push", "Tag Push Hook", "merge_request",
                "Merge Request Hook", "pipeline", "Pipeline Hook", "job", "Job Hook", "deployment", "Deployment Hook",
                "issue", "Issue Hook", "note", "Note Hook");
        List<Fixture> fixtures = fixtures(dir);
        return new Endpoint("gitlab", "/webhooks/gitlab", List.of("X-Gitlab-Event", "Idempotency-Key",
                "X-Gitlab-Event-UUID")) {
            @Override
            Seed seed(SplittableRandom random) {
                Fixture fixture = fixtures.get(random.nextInt(fixtures.size()));
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("X-Gitlab-Event", Objects.requireNonNull(hooks.get(fixture.event()),
                        () -> "no X-Gitlab-Event for the fixture " + fixture.event() + ": add it to the hooks"));
                String delivery = uuid(random);
                headers.put("Idempotency-Key", delivery);
                headers.put("X-Gitlab-Event-UUID", delivery);
                headers.put("User-Agent", "GitLab/17.6.0");
                return new Seed(fixture.tree(), headers, "application/json");
            }

            @Override
            void sign(Map<String, String> headers, byte[] body) {
                headers.put("X-Gitlab-Token", GITLAB_TOKEN);
            }

            @Override
            String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
                return forgeToken(headers, "X-Gitlab-Token", GITLAB_TOKEN, random);
            }
        };
    }

    private static Endpoint cdevents(Path dir) {
        List<Fixture> fixtures = new ArrayList<>(fixtures(dir.resolve("v0.4.1")));
        fixtures.addAll(fixtures(dir.resolve("v0.5.1")));
        return new Endpoint("cdevents", "/webhooks/cdevents", List.of("ce-specversion", "ce-id", "ce-source",
                "ce-type", "ce-time", "ce-subject")) {
            @Override
            Seed seed(SplittableRandom random) {
                ObjectNode cdevent = (ObjectNode) fixtures.get(random.nextInt(fixtures.size())).tree().deepCopy();
                ObjectNode context = (ObjectNode) cdevent.path("context");
                String id = uuid(random);
                context.put("id", id);
                Map<String, String> headers = new LinkedHashMap<>();
                if (random.nextBoolean()) {
                    headers.put("ce-specversion", "1.0");
                    headers.put("ce-id", id);
                    headers.put("ce-source", context.path("source").asText());
                    headers.put("ce-type", context.path("type").asText());
                    headers.put("ce-time", context.path("timestamp").asText());
                    headers.put("ce-subject", cdevent.path("subject").path("id").asText());
                    return new Seed(cdevent, headers, "application/json");
                }
                ObjectNode envelope = NODES.objectNode();
                envelope.put("specversion", "1.0");
                envelope.put("id", id);
                envelope.put("source", context.path("source").asText());
                envelope.put("type", context.path("type").asText());
                envelope.put("subject", cdevent.path("subject").path("id").asText());
                envelope.put("time", context.path("timestamp").asText());
                envelope.put("datacontenttype", "application/json");
                envelope.set("data", cdevent);
                return new Seed(envelope, headers, "application/cloudevents+json");
            }

            @Override
            void sign(Map<String, String> headers, byte[] body) {
                headers.put("Authorization", "Bearer " + CDEVENTS_TOKEN);
            }

            @Override
            String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
                return forgeBearer(headers, CDEVENTS_TOKEN, random);
            }
        };
    }

    private static Endpoint bitbucket(Path dir) {
        List<Fixture> fixtures = fixtures(dir);
        return new Endpoint("bitbucket", "/webhooks/bitbucket", List.of("X-Event-Key", "X-Request-UUID",
                "X-Request-Id")) {
            @Override
            Seed seed(SplittableRandom random) {
                Fixture fixture = fixtures.get(random.nextInt(fixtures.size()));
                String[] parts = fixture.name().split("\\.");
                int length = parts[0].equals("pr") && parts[1].equals("reviewer") ? 3 : 2;
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("X-Event-Key", String.join(":", Arrays.copyOf(parts, length)));
                String delivery = uuid(random);
                headers.put("X-Request-UUID", delivery);
                headers.put("X-Request-Id", delivery);
                return new Seed(fixture.tree(), headers, "application/json");
            }

            @Override
            void sign(Map<String, String> headers, byte[] body) {
                headers.put("X-Hub-Signature", "sha256=" + hmac(BITBUCKET_SECRET, body));
            }

            @Override
            String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
                return forgeHmac(headers, "X-Hub-Signature", "sha256=", BITBUCKET_SECRET, body, random);
            }
        };
    }

    private static Endpoint azureDevOps(Path dir) {
        List<Fixture> fixtures = fixtures(dir);
        return new Endpoint("azure-devops", "/webhooks/azure-devops", List.of()) {
            @Override
            Seed seed(SplittableRandom random) {
                ObjectNode tree = (ObjectNode) fixtures.get(random.nextInt(fixtures.size())).tree().deepCopy();
                tree.put("id", uuid(random));
                return new Seed(tree, new LinkedHashMap<>(), "application/json; charset=utf-8");
            }

            @Override
            void sign(Map<String, String> headers, byte[] body) {
                headers.put("Authorization", basic(AZURE_USER + ":" + AZURE_PASSWORD));
            }

            @Override
            String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
                switch (random.nextInt(7)) {
                    case 0 -> {
                        return "missing";
                    }
                    case 1 -> headers.put("Authorization", basic(AZURE_USER + ":wrong"));
                    case 2 -> headers.put("Authorization", basic(AZURE_USER + AZURE_PASSWORD));
                    case 3 -> headers.put("Authorization", "Basic !!!not-base64!!!");
                    case 4 -> headers.put("Authorization", basic(":"));
                    case 5 -> headers.put("Authorization", "Bearer " + AZURE_PASSWORD);
                    default -> headers.put("Authorization", basic("x".repeat(3_000) + ":" + AZURE_PASSWORD));
                }
                return "forged-basic";
            }
        };
    }

    private static Endpoint pagerDuty(Path dir) {
        List<Fixture> fixtures = fixtures(dir);
        return new Endpoint("pagerduty", "/webhooks/pagerduty", List.of()) {
            @Override
            Seed seed(SplittableRandom random) {
                ObjectNode tree = (ObjectNode) fixtures.get(random.nextInt(fixtures.size())).tree().deepCopy();
                ((ObjectNode) tree.path("event")).put("id", uuid(random));
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("X-Webhook-Id", uuid(random));
                headers.put("User-Agent", "PagerDuty-Webhook/V3.0");
                return new Seed(tree, headers, "application/json");
            }

            @Override
            void sign(Map<String, String> headers, byte[] body) {
                // PagerDuty sends one signature per active secret; the valid one need not be first.
                headers.put("X-PagerDuty-Signature", "v1=" + hmac("rotated-out", body) + ",v1="
                        + hmac(PAGERDUTY_SECRET, body));
            }

            @Override
            String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
                return forgeHmac(headers, "X-PagerDuty-Signature", "v1=", PAGERDUTY_SECRET, body, random);
            }
        };
    }

    private static Endpoint jira(Path dir) {
        List<Fixture> fixtures = fixtures(dir);
        return new Endpoint("jira", "/webhooks/jira", List.of("X-Atlassian-Webhook-Identifier")) {
            @Override
            Seed seed(SplittableRandom random) {
                ObjectNode tree = (ObjectNode) fixtures.get(random.nextInt(fixtures.size())).tree().deepCopy();
                Map<String, String> headers = new LinkedHashMap<>();
                if (random.nextBoolean()) {
                    // Jira Cloud names each delivery in a header.
                    headers.put("X-Atlassian-Webhook-Identifier", String.valueOf(random.nextLong() >>> 1));
                    headers.put("X-Atlassian-Webhook-Flow", "Primary");
                } else {
                    // Data Center does not, and Flowmeter names the delivery by the body: a new time makes it new.
                    tree.put("timestamp", BASE.plus(Duration.ofMillis(random.nextLong(30L * 24 * 3_600_000)))
                            .toEpochMilli());
                }
                return new Seed(tree, headers, "application/json; charset=UTF-8");
            }

            @Override
            void sign(Map<String, String> headers, byte[] body) {
                headers.put("X-Hub-Signature", "sha256=" + hmac(JIRA_SECRET, body));
            }

            @Override
            String forge(Map<String, String> headers, byte[] body, SplittableRandom random) {
                return forgeHmac(headers, "X-Hub-Signature", "sha256=", JIRA_SECRET, body, random);
            }
        };
    }

    private static String forgeHmac(Map<String, String> headers, String header, String prefix, String secret,
            byte[] body, SplittableRandom random) {
        switch (random.nextInt(7)) {
            case 0 -> {
                return "missing";
            }
            case 1 -> headers.put(header, prefix + hmac("wrong-secret", body));
            case 2 -> headers.put(header, prefix + hmac(secret, (new String(body, StandardCharsets.ISO_8859_1) + " ")
                    .getBytes(StandardCharsets.ISO_8859_1)));
            case 3 -> headers.put(header, hmac(secret, body));
            case 4 -> headers.put(header, prefix + ascii(random, 1 + random.nextInt(100)));
            case 5 -> headers.put(header, "");
            default -> headers.put(header, (prefix + hmac("wrong-secret", body) + ",").repeat(100));
        }
        return "forged-signature";
    }

    private static String forgeBearer(Map<String, String> headers, String token, SplittableRandom random) {
        switch (random.nextInt(7)) {
            case 0 -> {
                return "missing";
            }
            case 1 -> headers.put("Authorization", "Bearer wrong-token");
            case 2 -> headers.put("Authorization", "Bearer " + token + "x");
            case 3 -> headers.put("Authorization", basic(token + ":"));
            case 4 -> headers.put("Authorization", "Bearer");
            case 5 -> headers.put("Authorization", token);
            default -> headers.put("Authorization", "Bearer " + ascii(random, 6_000));
        }
        return "forged-bearer";
    }

    private static String forgeToken(Map<String, String> headers, String header, String token,
            SplittableRandom random) {
        switch (random.nextInt(5)) {
            case 0 -> {
                return "missing";
            }
            case 1 -> headers.put(header, "wrong-token");
            case 2 -> headers.put(header, token.substring(0, token.length() - 1));
            case 3 -> headers.put(header, "");
            default -> headers.put(header, ascii(random, 6_000));
        }
        return "forged-token";
    }

    /** Printable ASCII only: what an HTTP client lets through in a header. */
    static String ascii(SplittableRandom random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (0x21 + random.nextInt(0x7E - 0x21 + 1)));
        }
        return text.toString();
    }

    private static String uuid(SplittableRandom random) {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String sha(SplittableRandom random) {
        return String.format("%016x%016x%08x", random.nextLong(), random.nextLong(), random.nextInt());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A fixture file: its name without {@code .json} and its JSON. */
    record Fixture(String name, JsonNode tree) {

        /** The event the file holds, named as {@code <event>.<variant>} or just {@code <event>}. */
        String event() {
            int dot = name.indexOf('.');
            return dot < 0 ? name : name.substring(0, dot);
        }
    }

    private static List<Fixture> fixtures(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Fixture> fixtures = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = file.getFileName().toString();
                fixtures.add(new Fixture(name.substring(0, name.length() - ".json".length()),
                        EventJson.MAPPER.readTree(Files.readAllBytes(file))));
            }
            if (fixtures.isEmpty()) {
                throw new IllegalStateException("no fixtures in " + dir);
            }
            return fixtures;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the webhook fixtures in " + dir
                    + " (set -Dflowmeter.fixtures to ingest/src/test/resources/fixtures)", e);
        }
    }
}
