package dev.flowmeter.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The JSON form of a delivery event: one flat object, common fields beside the type-specific ones. The same form is
 * accepted on {@code POST /api/v1/events} and written to Kafka, so there is exactly one set of rules, here. Parsing
 * collects every bad field instead of stopping at the first, so a sender fixes everything in one round trip.
 */
public final class EventJson {

    /** The one ObjectMapper of the project: Java time as ISO-8601 strings, unknown fields ignored. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static final int MAX_ID_LENGTH = 200;
    public static final int MAX_SERVICE_LENGTH = 200;
    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_ITEM_LENGTH = 200;
    public static final int MAX_PARENTS = 100;
    public static final int MAX_COMMITS = 10_000;
    public static final int MAX_TITLE_LENGTH = 500;
    public static final int MAX_URL_LENGTH = 2_000;
    /** The most work items one commit or change may name. */
    public static final int MAX_ITEMS = 50;
    /** The longest commit subject kept; a longer first line is refused. */
    public static final int MAX_MESSAGE_LENGTH = 500;
    /** A tracker's key: PAY-123, TES-41, or #42 for an issue of the service's own repository. */
    public static final Pattern ITEM_KEY = Pattern.compile("#[0-9]{1,18}|[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    /** A branch name: letters, digits, '.', '_', '/', '-' (release/1.2, feature/PAY-12). */
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/+-]{1,200}");
    private static final String BRANCH_RULE = "must be a branch name: 1-200 characters of letters, digits, '.', '_',"
            + " '/', '+' or '-'";
    private static final Pattern KIND = Pattern.compile("[a-z0-9-]{1,30}");
    private static final Pattern URL = Pattern.compile("https?://[^\\s]+");
    private static final String ITEM_KEY_RULE = "must be a work item key such as PAY-123 or #42: '#' and up to 18"
            + " digits, or 1-100 letters, digits, '.', '_', ':', '/' or '-' starting with a letter or digit";

    private EventJson() {
    }

    /** Parses one event object, or throws with every problem found. */
    public static DeliveryEvent parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(List.of(new FieldError("", "must be a JSON object")));
        }
        Fields fields = new Fields(node);
        String id = fields.text("id", MAX_ID_LENGTH);
        String typeName = fields.text("type", 50);
        Instant time = fields.time("time");
        String service = fields.matching("service", SERVICE,
                "must be 1-200 characters of letters, digits, '.', '_', '/' or '-'");
        EventType type = null;
        if (typeName != null) {
            type = EventType.fromWireName(typeName).orElse(null);
            if (type == null) {
                fields.error("type", "unknown type '" + typeName + "'; expected one of " + EventType.wireNames());
            }
        }
        if (type == null) {
            throw new InvalidEventException(fields.errors);
        }
        DeliveryEvent event = switch (type) {
            case COMMIT -> {
                String sha = fields.sha("sha");
                List<String> parents = fields.shaList("parents", MAX_PARENTS, null, "report the commit again with "
                        + "the rest of its parents, in as many events as it takes: reports of the same sha add up");
                String message = fields.optionalSubject("message");
                List<String> items = fields.itemKeys("items");
                yield fields.ok() ? new CommitRecorded(id, time, service, sha, parents, message, items) : null;
            }
            case ARTIFACT -> {
                String sha = fields.sha("sha");
                if (node.path("commits").isMissingNode() || node.path("commits").isNull()) {
                    fields.error("commits", "is required: the commits the artifact was built from");
                }
                List<String> commits = fields.shaList("commits", MAX_COMMITS,
                        "must list at least one commit id: the commits the artifact was built from",
                        "report the artifact again with the rest of its commits, in as many events as it takes: "
                                + "reports of the same sha add up");
                yield fields.ok() ? new ArtifactBuilt(id, time, service, sha, commits) : null;
            }
            case DEPLOYMENT -> {
                String environment = fields.name("environment");
                String sha = fields.sha("sha");
                DeploymentStatus status = fields.oneOf("status", DeploymentStatus.values(), DeploymentStatus::wireName);
                List<String> commits = fields.shaList("commits", MAX_COMMITS,
                        "must list at least one commit id; leave it out to derive the commits from history",
                        "leave commits out to derive them from the history of sha, or report them as an artifact "
                                + "(in several events if need be: reports of the same sha add up) and deploy its sha");
                boolean rollback = fields.optionalFlag("rollback");
                yield fields.ok() ? new DeploymentFinished(id, time, service, environment, sha, status, commits,
                        rollback) : null;
            }
            case GATE_QUEUED -> {
                String gate = fields.name("gate");
                String item = fields.item("item");
                yield fields.ok() ? new GateQueued(id, time, service, gate, item) : null;
            }
            case GATE_STARTED -> {
                String gate = fields.name("gate");
                String item = fields.item("item");
                yield fields.ok() ? new GateStarted(id, time, service, gate, item) : null;
            }
            case GATE_FINISHED -> {
                String gate = fields.name("gate");
                String item = fields.item("item");
                GateOutcome outcome = fields.oneOf("outcome", GateOutcome.values(), GateOutcome::wireName);
                yield fields.ok() ? new GateFinished(id, time, service, gate, item, outcome) : null;
            }
            case INCIDENT_OPENED -> {
                String incident = fields.item("incident");
                String environment = fields.optionalName("environment");
                String sha = fields.optionalSha("sha");
                yield fields.ok() ? new IncidentOpened(id, time, service, incident, environment, sha) : null;
            }
            case INCIDENT_RESOLVED -> {
                String incident = fields.item("incident");
                String environment = fields.optionalName("environment");
                String sha = fields.optionalSha("sha");
                yield fields.ok() ? new IncidentResolved(id, time, service, incident, environment, sha) : null;
            }
            case CHANGE_OPENED -> {
                String change = fields.item("change");
                String sha = fields.sha("sha");
                List<String> commits = changeCommits(fields);
                String target = fields.optionalMatching("target", BRANCH, BRANCH_RULE);
                String title = fields.optionalText("title", MAX_TITLE_LENGTH);
                String url = fields.optionalUrl("url");
                String branch = fields.optionalMatching("branch", BRANCH, BRANCH_RULE);
                List<String> items = fields.itemKeys("items");
                yield fields.ok() ? new ChangeOpened(id, time, service, change, sha, commits, target, title, url,
                        branch, items) : null;
            }
            case CHANGE_REVIEWED -> {
                String change = fields.item("change");
                yield fields.ok() ? new ChangeReviewed(id, time, service, change) : null;
            }
            case CHANGE_MERGED -> {
                String change = fields.item("change");
                String sha = fields.sha("sha");
                List<String> commits = changeCommits(fields);
                yield fields.ok() ? new ChangeMerged(id, time, service, change, sha, commits) : null;
            }
            case CHANGE_CLOSED -> {
                String change = fields.item("change");
                yield fields.ok() ? new ChangeClosed(id, time, service, change) : null;
            }
            case ENVIRONMENT_REQUESTED, ENVIRONMENT_READY, ENVIRONMENT_DELETED -> {
                String environment = fields.name("environment");
                String kind = fields.optionalKind("kind");
                String change = fields.optionalItem("change");
                if (!fields.ok()) {
                    yield null;
                }
                yield switch (type) {
                    case ENVIRONMENT_REQUESTED -> new EnvironmentRequested(id, time, service, environment, kind,
                            change);
                    case ENVIRONMENT_READY -> new EnvironmentReady(id, time, service, environment, kind, change);
                    default -> new EnvironmentDeleted(id, time, service, environment, kind, change);
                };
            }
            case WORK_CREATED, WORK_STARTED, WORK_DONE, WORK_REOPENED, WORK_CANCELLED -> {
                String item = fields.matching("item", ITEM_KEY, ITEM_KEY_RULE);
                WorkKind kind = fields.oneOf("kind", WorkKind.values(), WorkKind::wireName);
                String title = fields.optionalText("title", MAX_TITLE_LENGTH);
                String url = fields.optionalUrl("url");
                String release = fields.optionalText("release", MAX_NAME_LENGTH);
                yield fields.ok() ? new WorkItemChanged(id, type, time, service, item, kind, title, url, release)
                        : null;
            }
        };
        if (event == null) {
            throw new InvalidEventException(fields.errors);
        }
        return event;
    }

    private static List<String> changeCommits(Fields fields) {
        return fields.shaList("commits", MAX_COMMITS, "must list at least one commit id; leave it out when the"
                + " source does not list the change's commits", "report the change's commits as commit events"
                + " instead (their parents link them)");
    }

    /**
     * Checks an event built in code, as a webhook mapper builds them, against the contract: the rules of
     * {@link #parse} applied to its canonical JSON, which is what the topology's deserializer reads back. An event that
     * passes is never refused and skipped there; one that does not throws with every problem found.
     */
    public static void validate(DeliveryEvent event) {
        parse(toJson(event));
    }

    /**
     * Why {@code time} cannot be an event's time, if it cannot: the rule {@link #parse} applies to {@code time}, for
     * sources that turn a time of their own into an event's and must refuse it by their own name for the field.
     */
    public static Optional<String> timeProblem(Instant time) {
        // Before 1970 is a negative epoch millisecond: the time-ordered expiry indexes cannot hold one.
        if (time.isBefore(Instant.EPOCH)) {
            return Optional.of("must not be before 1970-01-01T00:00:00Z");
        }
        // Past this, epoch milliseconds overflow.
        if (time.isAfter(LATEST)) {
            return Optional.of("must not be after 9999-12-31T23:59:59Z");
        }
        return Optional.empty();
    }

    /** Reads an event back from the bytes {@link #toBytes} wrote. */
    public static DeliveryEvent fromBytes(byte[] bytes) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidEventException(List.of(new FieldError("", "is not valid JSON")));
        }
        return parse(node);
    }

    public static byte[] toBytes(DeliveryEvent event) {
        try {
            return MAPPER.writeValueAsBytes(toJson(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
        }
    }

    /** The canonical JSON of an event: the contract's field names, times as RFC 3339 in UTC. */
    public static ObjectNode toJson(DeliveryEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", event.id());
        node.put("type", event.type().wireName());
        node.put("time", event.time().toString());
        node.put("service", event.service());
        if (event instanceof CommitRecorded commit) {
            node.put("sha", commit.sha());
            shas(node.putArray("parents"), commit.parents());
            putIfSaid(node, "message", commit.message());
            items(node, commit.items());
        } else if (event instanceof ArtifactBuilt artifact) {
            node.put("sha", artifact.sha());
            shas(node.putArray("commits"), artifact.commits());
        } else if (event instanceof DeploymentFinished deployment) {
            node.put("environment", deployment.environment());
            node.put("sha", deployment.sha());
            node.put("status", deployment.status().wireName());
            if (!deployment.commits().isEmpty()) {
                shas(node.putArray("commits"), deployment.commits());
            }
            if (deployment.rollback()) {
                node.put("rollback", true);
            }
        } else if (event instanceof GateQueued queued) {
            node.put("gate", queued.gate());
            node.put("item", queued.item());
        } else if (event instanceof GateStarted started) {
            node.put("gate", started.gate());
            node.put("item", started.item());
        } else if (event instanceof GateFinished finished) {
            node.put("gate", finished.gate());
            node.put("item", finished.item());
            node.put("outcome", finished.outcome().wireName());
        } else if (event instanceof ChangeOpened opened) {
            putChange(node, opened.change());
            node.put("sha", opened.sha());
            if (!opened.commits().isEmpty()) {
                shas(node.putArray("commits"), opened.commits());
            }
            putIfSaid(node, "target", opened.target());
            putIfSaid(node, "title", opened.title());
            putIfSaid(node, "url", opened.url());
            putIfSaid(node, "branch", opened.branch());
            items(node, opened.items());
        } else if (event instanceof ChangeReviewed reviewed) {
            putChange(node, reviewed.change());
        } else if (event instanceof ChangeMerged merged) {
            putChange(node, merged.change());
            node.put("sha", merged.sha());
            if (!merged.commits().isEmpty()) {
                shas(node.putArray("commits"), merged.commits());
            }
        } else if (event instanceof ChangeClosed closed) {
            putChange(node, closed.change());
        } else if (event instanceof EnvironmentRequested requested) {
            environment(node, requested.environment(), requested.kind(), requested.change());
        } else if (event instanceof EnvironmentReady ready) {
            environment(node, ready.environment(), ready.kind(), ready.change());
        } else if (event instanceof EnvironmentDeleted deleted) {
            environment(node, deleted.environment(), deleted.kind(), deleted.change());
        } else if (event instanceof IncidentOpened opened) {
            incident(node, opened.incident(), opened.environment(), opened.sha());
        } else if (event instanceof IncidentResolved resolved) {
            incident(node, resolved.incident(), resolved.environment(), resolved.sha());
        } else if (event instanceof WorkItemChanged work) {
            node.put("item", work.item());
            node.put("kind", work.kind().wireName());
            putIfSaid(node, "title", work.title());
            putIfSaid(node, "url", work.url());
            putIfSaid(node, "release", work.release());
        }
        return node;
    }

    private static void putChange(ObjectNode node, String change) {
        node.put("change", change);
    }

    private static void putIfSaid(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }

    private static void environment(ObjectNode node, String environment, String kind, String change) {
        node.put("environment", environment);
        putIfSaid(node, "kind", kind);
        putIfSaid(node, "change", change);
    }

    private static void incident(ObjectNode node, String incident, String environment, String sha) {
        node.put("incident", incident);
        if (!environment.isEmpty()) {
            node.put("environment", environment);
        }
        if (!sha.isEmpty()) {
            node.put("sha", sha);
        }
    }

    private static void items(ObjectNode node, List<String> items) {
        if (!items.isEmpty()) {
            items.forEach(node.putArray("items")::add);
        }
    }

    private static void shas(ArrayNode array, List<String> shas) {
        shas.forEach(array::add);
    }

    /** Reads fields one by one, remembering every problem. */
    private static final class Fields {
        private final JsonNode node;
        private final List<FieldError> errors = new ArrayList<>();

        Fields(JsonNode node) {
            this.node = node;
        }

        boolean ok() {
            return errors.isEmpty();
        }

        void error(String field, String problem) {
            errors.add(new FieldError(field, problem));
        }

        private JsonNode required(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                error(field, "is required");
                return null;
            }
            return value;
        }

        String text(String field, int maxLength) {
            JsonNode value = required(field);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                error(field, "must be a string");
                return null;
            }
            String text = value.textValue();
            if (text.isBlank()) {
                error(field, "must not be empty");
                return null;
            }
            if (text.length() > maxLength) {
                error(field, "must be at most " + maxLength + " characters");
                return null;
            }
            return text;
        }

        String matching(String field, Pattern pattern, String rule) {
            JsonNode value = required(field);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                error(field, "must be a string");
                return null;
            }
            if (!pattern.matcher(value.textValue()).matches()) {
                error(field, rule);
                return null;
            }
            return value.textValue();
        }

        String name(String field) {
            return matching(field, NAME, "must be 1-" + MAX_NAME_LENGTH
                    + " characters of letters, digits, '.', '_', ':' or '-'");
        }

        String optionalName(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? "" : name(field);
        }

        /** An optional JSON boolean: {@code false} when absent or null; a string "true" is refused. */
        boolean optionalFlag(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return false;
            }
            if (!value.isBoolean()) {
                error(field, "must be true or false (a JSON boolean), got " + value.getNodeType().name()
                        .toLowerCase(Locale.ROOT));
                return false;
            }
            return value.booleanValue();
        }

        /** Optional free text of at most {@code maxLength} characters, without control characters; "" if absent. */
        String optionalText(String field, int maxLength) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return "";
            }
            if (!value.isTextual()) {
                error(field, "must be a string");
                return "";
            }
            String text = value.textValue();
            if (text.length() > maxLength) {
                error(field, "must be at most " + maxLength + " characters");
                return "";
            }
            if (text.chars().anyMatch(Character::isISOControl)) {
                error(field, "must not contain control characters (line breaks, tabs, ...)");
                return "";
            }
            return text.strip();
        }

        /** An optional absolute http or https URL of at most {@value #MAX_URL_LENGTH} characters; "" if absent. */
        String optionalUrl(String field) {
            String text = optionalText(field, MAX_URL_LENGTH);
            if (!text.isEmpty() && !URL.matcher(text).matches()) {
                error(field, "must be an absolute http:// or https:// URL without spaces");
                return "";
            }
            return text;
        }

        /** An optional string matching {@code pattern}; "" if absent. */
        String optionalMatching(String field, Pattern pattern, String rule) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? "" : matching(field, pattern, rule);
        }

        /** An optional environment kind: 1-30 lowercase letters, digits or '-'; "" if absent. */
        String optionalKind(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? "" : matching(field, KIND,
                    "must be 1-30 lowercase letters, digits or '-', such as test, qa, staging or ephemeral");
        }

        /** An optional item (a string or an integer, as {@link #item}); "" if absent. */
        String optionalItem(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? "" : item(field);
        }

        /**
         * An optional commit subject: the first line of the string given (a whole message is accepted, and cut at its
         * first line break), at most {@value #MAX_MESSAGE_LENGTH} characters, without control characters; "" if
         * absent.
         */
        String optionalSubject(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return "";
            }
            if (!value.isTextual()) {
                error(field, "must be a string: the commit's subject line");
                return "";
            }
            String subject = value.textValue().lines().findFirst().orElse("").strip();
            if (subject.length() > MAX_MESSAGE_LENGTH) {
                error(field, "has a first line of " + subject.length() + " characters, more than "
                        + MAX_MESSAGE_LENGTH + ": send the subject line");
                return "";
            }
            if (subject.chars().anyMatch(Character::isISOControl)) {
                error(field, "must not contain control characters in its first line (tabs, ...)");
                return "";
            }
            return subject;
        }

        /** An optional array of at most {@value #MAX_ITEMS} work item keys, without repeats; empty if absent. */
        List<String> itemKeys(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                error(field, "must be an array of work item keys such as [\"PAY-123\", \"#42\"]");
                return List.of();
            }
            if (value.size() > MAX_ITEMS) {
                error(field, "holds " + value.size() + " work items, more than the limit of " + MAX_ITEMS);
                return List.of();
            }
            Set<String> keys = new LinkedHashSet<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode key = value.get(i);
                if (!key.isTextual() || !ITEM_KEY.matcher(key.textValue()).matches()) {
                    error(field + "[" + i + "]", ITEM_KEY_RULE);
                } else {
                    keys.add(key.textValue());
                }
            }
            return List.copyOf(keys);
        }

        String optionalSha(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? "" : sha(field);
        }

        String item(String field) {
            JsonNode value = required(field);
            if (value == null) {
                return null;
            }
            if (value.isIntegralNumber()) {
                return value.asText();
            }
            if (!value.isTextual()) {
                error(field, "must be a string or an integer");
                return null;
            }
            String text = value.textValue();
            if (text.isBlank()) {
                error(field, "must not be empty");
                return null;
            }
            if (text.length() > MAX_ITEM_LENGTH) {
                error(field, "must be at most " + MAX_ITEM_LENGTH + " characters");
                return null;
            }
            return text;
        }

        Instant time(String field) {
            JsonNode value = required(field);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                error(field, "must be an RFC 3339 timestamp string such as 2026-05-01T10:00:00Z");
                return null;
            }
            try {
                Instant time = OffsetDateTime.parse(value.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
                Optional<String> problem = timeProblem(time);
                if (problem.isPresent()) {
                    error(field, problem.get());
                    return null;
                }
                return time;
            } catch (DateTimeParseException e) {
                error(field, "'" + abbreviate(value.textValue())
                        + "' is not an RFC 3339 timestamp with an offset, such as 2026-05-01T10:00:00Z");
                return null;
            }
        }

        String sha(String field) {
            JsonNode value = required(field);
            return value == null ? null : shaValue(field, value);
        }

        private String shaValue(String field, JsonNode value) {
            if (!value.isTextual() || !SHA.matcher(value.textValue()).matches()) {
                error(field, "must be a full commit id: 40 or 64 hexadecimal characters");
                return null;
            }
            return value.textValue().toLowerCase(Locale.ROOT);
        }

        /**
         * An optional array of shas; an explicit empty array is refused with {@code emptyProblem}, when given, and a
         * longer one than {@code max} with the limit and {@code howToSplit}, so the sender can still send it all.
         */
        List<String> shaList(String field, int max, String emptyProblem, String howToSplit) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                error(field, "must be an array of commit ids");
                return List.of();
            }
            if (emptyProblem != null && value.isEmpty()) {
                error(field, emptyProblem);
                return List.of();
            }
            if (value.size() > max) {
                error(field, "holds " + value.size() + " commit ids, more than the limit of " + max + " per event; "
                        + howToSplit);
                return List.of();
            }
            Set<String> shas = new LinkedHashSet<>();
            for (int i = 0; i < value.size(); i++) {
                String sha = shaValue(field + "[" + i + "]", value.get(i));
                if (sha != null) {
                    shas.add(sha);
                }
            }
            return List.copyOf(shas);
        }

        <E extends Enum<E>> E oneOf(String field, E[] values, Function<E, String> wireName) {
            JsonNode value = required(field);
            if (value == null) {
                return null;
            }
            List<String> names = new ArrayList<>();
            for (E candidate : values) {
                names.add(wireName.apply(candidate));
                if (value.isTextual() && wireName.apply(candidate).equals(value.textValue())) {
                    return candidate;
                }
            }
            error(field, "must be one of " + String.join(", ", names));
            return null;
        }

        private static String abbreviate(String text) {
            return text.length() <= 40 ? text : text.substring(0, 40) + "...";
        }
    }
}
