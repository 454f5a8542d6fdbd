package dev.flowmeter.ingest.jira;

import static dev.flowmeter.ingest.jira.JiraSource.NAME;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.EventType;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.events.WorkItemChanged;
import dev.flowmeter.events.WorkKind;
import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.jira.JiraPayload.ChangedField;
import dev.flowmeter.ingest.jira.JiraPayload.Changelog;
import dev.flowmeter.ingest.jira.JiraPayload.Fields;
import dev.flowmeter.ingest.jira.JiraPayload.Issue;
import dev.flowmeter.ingest.jira.JiraPayload.IssueEvent;
import dev.flowmeter.ingest.jira.JiraPayload.Named;
import dev.flowmeter.ingest.jira.JiraPayload.Status;
import dev.flowmeter.ingest.webhook.Identifiers;
import dev.flowmeter.ingest.webhook.PayloadFields;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.Timestamps;
import dev.flowmeter.ingest.webhook.WebhookResult;
import dev.flowmeter.ingest.webhook.WorkKinds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Jira issue events to work item events. Jira says which category of its workflow an issue's status now belongs to
 * ({@code new}, {@code indeterminate}, {@code done}) but not which category it left, so a status change is read by
 * where it lands, and a reopening by what Jira says besides: the {@code issue_reopened} event, or a resolution that
 * was cleared. A done issue whose resolution says it was never done (Won't Do, Duplicate, ...) is cancelled.
 */
final class JiraMapper {

    static final String CREATED = "jira:issue_created";
    static final String UPDATED = "jira:issue_updated";
    static final String DELETED = "jira:issue_deleted";
    static final List<String> ISSUE_EVENTS = List.of(CREATED, UPDATED, DELETED);

    /** The resolutions that close an issue without doing it, lower case: Jira's own and the usual additions. */
    private static final Set<String> CANCELLING_RESOLUTIONS = Set.of("won't do", "won't fix", "duplicate",
            "cannot reproduce", "declined", "rejected", "obsolete");
    private static final String REOPENED_EVENT = "issue_reopened";
    private static final String STATUS = "status";
    private static final String RESOLUTION = "resolution";
    private static final String CUSTOM_FIELD = "custom";
    private static final String REST = "/rest/";
    private static final String WORK = "work.";
    private static final String JIRA = "jira:";

    /** Jira's three status categories. */
    private enum Category {
        NEW, IN_PROGRESS, DONE
    }

    /**
     * The statuses of Jira's default workflows, for bodies of a Jira old enough to send no status category (the 2013
     * Server body has none).
     */
    private static final Map<String, Category> DEFAULT_STATUSES = Map.of("open", Category.NEW,
            "to do", Category.NEW, "reopened", Category.NEW, "in progress", Category.IN_PROGRESS,
            "done", Category.DONE, "resolved", Category.DONE, "closed", Category.DONE);
    private static final Map<String, Category> CATEGORY_KEYS = Map.of("new", Category.NEW,
            "indeterminate", Category.IN_PROGRESS, "done", Category.DONE);

    private final ServiceMap services;
    private final WorkKinds kinds;

    JiraMapper(ServiceMap services, WorkKinds kinds) {
        this.services = services;
        this.kinds = kinds;
    }

    /** What every event of one delivery shares; each event's id adds its type to the delivery's. */
    private record Item(String delivery, Instant time, String service, String key, WorkKind kind, String title,
            String url, String release) {

        WorkItemChanged event(EventType type) {
            String id = Identifiers.eventId(NAME, delivery, type.wireName().substring(WORK.length()));
            return new WorkItemChanged(id, type, time, service, key, kind, title, url, release);
        }

        WebhookResult events(EventType... types) {
            List<WorkItemChanged> events = new ArrayList<>();
            for (EventType type : types) {
                events.add(event(type));
            }
            return WebhookResult.of(events);
        }
    }

    /**
     * Maps one issue event ({@link #ISSUE_EVENTS}); {@code delivery} is Cloud's delivery id, when the call had one.
     */
    WebhookResult map(String webhookEvent, Optional<String> delivery, IssueEvent event) {
        Instant time = time(event.timestamp());
        Issue issue = PayloadFields.required(event.issue(), "issue");
        String key = key(issue.key());
        Fields fields = PayloadFields.required(issue.fields(), "issue.fields");
        String project = PayloadFields.required(PayloadFields.required(fields.project(), "issue.fields.project").key(),
                "issue.fields.project.key");
        String id = delivery.orElseGet(() -> derivedDelivery(webhookEvent, issue, event.changelog(), time));
        Item item = new Item(id, time, service(project), key, kind(fields), PayloadFields.title(fields.summary()),
                url(issue.self(), key), release(fields.fixVersions()));
        switch (webhookEvent) {
            case CREATED:
                return created(item, fields);
            case DELETED:
                return item.events(EventType.WORK_CANCELLED);
            default:
                return updated(item, event, fields);
        }
    }

    /** Created, and at once started or finished when the issue is created in such a status. */
    private static WebhookResult created(Item item, Fields fields) {
        switch (category(fields.status())) {
            case IN_PROGRESS:
                return item.events(EventType.WORK_CREATED, EventType.WORK_STARTED);
            case DONE:
                return item.events(EventType.WORK_CREATED, finished(fields));
            default:
                return item.events(EventType.WORK_CREATED);
        }
    }

    private static WebhookResult updated(Item item, IssueEvent event, Fields fields) {
        List<ChangedField> changes = changes(event.changelog());
        if (changes.stream().noneMatch(change -> is(change, STATUS))) {
            return WebhookResult.ignored(noStatusChange(item.key(), event.issueEventTypeName(), changes));
        }
        // Only the new status has a category: leaving a done status shows as Jira's reopen or a cleared resolution.
        boolean reopened = REOPENED_EVENT.equals(event.issueEventTypeName()) || changes.stream()
                .anyMatch(change -> is(change, RESOLUTION) && (change.to() == null || change.to().isBlank()));
        Category category = category(fields.status());
        switch (category) {
            case IN_PROGRESS:
                return reopened ? item.events(EventType.WORK_REOPENED, EventType.WORK_STARTED)
                        : item.events(EventType.WORK_STARTED);
            case DONE:
                return item.events(finished(fields));
            default:
                return reopened ? item.events(EventType.WORK_REOPENED) : WebhookResult.ignored("Jira issue "
                        + item.key() + " moved to status '" + fields.status().name() + "' of the category new: the"
                        + " work has not started, and nothing says the issue left a done status");
        }
    }

    /** Done, unless the resolution says the work was never done. */
    private static EventType finished(Fields fields) {
        String resolution = Optional.ofNullable(fields.resolution()).map(Named::name).orElse("").strip()
                .replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        return CANCELLING_RESOLUTIONS.contains(resolution) ? EventType.WORK_CANCELLED : EventType.WORK_DONE;
    }

    /**
     * Whether the change is of Jira's own field {@code name}: by Cloud's {@code fieldId} when there is one, otherwise
     * by {@code field} in any case (Cloud's created issues say {@code Status}), unless Server calls it a custom field.
     */
    private static boolean is(ChangedField change, String name) {
        if (change.fieldId() != null) {
            return change.fieldId().equals(name);
        }
        return name.equalsIgnoreCase(change.field()) && !CUSTOM_FIELD.equals(change.fieldtype());
    }

    private static List<ChangedField> changes(Changelog changelog) {
        if (changelog == null || changelog.items() == null) {
            return List.of();
        }
        return changelog.items().stream().filter(Objects::nonNull).toList();
    }

    private static String noStatusChange(String key, String issueEventType, List<ChangedField> changes) {
        List<String> fields = changes.stream().map(ChangedField::field).filter(Objects::nonNull).distinct().toList();
        String what = fields.isEmpty()
                ? "changes no field" + (issueEventType == null ? "" : " (" + issueEventType + ")")
                : "changes " + String.join(", ", fields) + ", not its status";
        return "Jira issue " + key + " " + what + "; only a status change moves a work item, and no work event carries "
                + "the other fields' updates yet";
    }

    /**
     * The category of the issue's status: its {@code statusCategory.key}; without one (or with Jira's "No Category"),
     * the category of a status of Jira's default workflows by its name; otherwise a 400.
     */
    private static Category category(Status status) {
        PayloadFields.required(status, "issue.fields.status");
        String key = status.statusCategory() == null || status.statusCategory().key() == null ? ""
                : status.statusCategory().key().strip().toLowerCase(Locale.ROOT);
        Category category = CATEGORY_KEYS.get(key);
        if (category == null && status.name() != null) {
            category = DEFAULT_STATUSES.get(status.name().strip().toLowerCase(Locale.ROOT));
        }
        if (category == null) {
            String problem = "is missing or not one of new, indeterminate, done";
            throw Rejected.invalidPayload("the payload's issue.fields.status.statusCategory.key " + problem
                    + ", and the status '" + status.name() + "' is none of Jira's default statuses (Open, To Do, "
                    + "Reopened, In Progress, Done, Resolved, Closed); Flowmeter cannot tell whether the work started",
                    List.of(new FieldError("issue.fields.status.statusCategory.key", problem)));
        }
        return category;
    }

    /** Epoch milliseconds, as Jira sends them; a string is refused rather than guessed at. */
    private static Instant time(JsonNode timestamp) {
        if (timestamp == null || timestamp.isNull()) {
            throw Rejected.invalidPayload("the payload has no timestamp",
                    List.of(new FieldError("timestamp", "is required")));
        }
        if (!timestamp.isIntegralNumber()) {
            throw Rejected.invalidPayload("the payload's timestamp is not a number; Jira sends the time of the event "
                    + "in epoch milliseconds", List.of(new FieldError("timestamp", "must be epoch milliseconds")));
        }
        if (!timestamp.canConvertToLong()) {
            return Timestamps.eventTime(timestamp.bigIntegerValue().signum() < 0 ? Instant.MIN : Instant.MAX,
                    "timestamp");
        }
        return PayloadFields.epochMillis(timestamp.longValue(), "timestamp");
    }

    /** The issue key as the work item's key; '#42' is how a repository's own issue is named, so not Jira's. */
    private static String key(String key) {
        String value = PayloadFields.required(key, "issue.key");
        if (value.startsWith("#") || !EventJson.ITEM_KEY.matcher(value).matches()) {
            String problem = "must be a Jira issue key such as PAY-123: 1-100 letters, digits, '.', '_', ':', '/' or"
                    + " '-', starting with a letter or digit";
            throw Rejected.invalidPayload("the payload's issue.key " + problem,
                    List.of(new FieldError("issue.key", problem)));
        }
        return value;
    }

    /**
     * Without Cloud's delivery id, the delivery is named by what makes it unique in Jira: the event, the issue, the
     * change and the time Jira raised it ({@code issue_updated:10040:10228:1550286940507}). A redelivered body names
     * the same delivery, so it is counted once.
     */
    private static String derivedDelivery(String webhookEvent, Issue issue, Changelog changelog, Instant time) {
        List<String> parts = new ArrayList<>();
        parts.add(webhookEvent.startsWith(JIRA) ? webhookEvent.substring(JIRA.length()) : webhookEvent);
        parts.add(PayloadFields.required(issue.id(), "issue.id"));
        if (changelog != null && changelog.id() != null && !changelog.id().isBlank()) {
            parts.add(changelog.id());
        }
        parts.add(Long.toString(time.toEpochMilli()));
        return String.join(":", parts);
    }

    /** The project's service: renamed by the service map, else the project key. */
    private String service(String project) {
        return PayloadFields.serviceName(services.service(project), "Jira project '" + project + "'",
                "issue.fields.project.key");
    }

    private WorkKind kind(Fields fields) {
        Optional<String> type = Optional.ofNullable(fields.issuetype()).map(Named::name).filter(n -> !n.isBlank());
        List<String> labels = fields.labels() == null ? List.of()
                : fields.labels().stream().filter(Objects::nonNull).toList();
        return kinds.kindOf(type, labels);
    }

    /**
     * Where people read the issue: {@code <site>/browse/<key>}, the site being {@code self} up to {@code /rest/}
     * (which keeps a Data Center context path such as {@code /jira}); "" when {@code self} has no {@code /rest/}.
     */
    private static String url(String self, String key) {
        int rest = self == null ? -1 : self.indexOf(REST);
        return rest <= 0 ? "" : PayloadFields.url(self.substring(0, rest) + "/browse/" + key);
    }

    /** The first fix version's name, one line and cut to the longest release name; "" when there is none. */
    private static String release(List<Named> fixVersions) {
        String name = fixVersions == null ? "" : fixVersions.stream().filter(Objects::nonNull).map(Named::name)
                .filter(n -> n != null && !n.isBlank()).findFirst().map(PayloadFields::title).orElse("");
        if (name.length() <= EventJson.MAX_NAME_LENGTH) {
            return name;
        }
        int end = EventJson.MAX_NAME_LENGTH;
        if (Character.isHighSurrogate(name.charAt(end - 1))) {
            end--; // never split a character in two
        }
        return name.substring(0, end).strip();
    }
}
