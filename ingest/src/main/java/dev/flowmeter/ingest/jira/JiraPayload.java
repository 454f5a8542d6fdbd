package dev.flowmeter.ingest.jira;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The parts of a Jira webhook body (Cloud and Data Center share the shape) that Flowmeter reads; everything else is
 * ignored when binding.
 */
final class JiraPayload {

    private JiraPayload() {
    }

    /** What every Jira webhook carries: the event's name. Nothing else is bound before the event is known. */
    record Envelope(String webhookEvent) {
    }

    /**
     * An issue event: {@code jira:issue_created}, {@code jira:issue_updated} or {@code jira:issue_deleted}.
     * {@code timestamp} is kept as JSON so that a value that is not a number is refused by name, not coerced.
     * {@code issue_event_type_name} is the finer event ({@code issue_reopened}, {@code issue_generic}, ...); the
     * 2016 Server bodies and Cloud deletions leave it out.
     */
    record IssueEvent(JsonNode timestamp, @JsonProperty("issue_event_type_name") String issueEventTypeName,
            Issue issue, Changelog changelog) {
    }

    /** {@code id} is numeric and never changes; {@code key} ({@code PAY-123}) is what people write. */
    record Issue(String id, String self, String key, Fields fields) {
    }

    record Fields(String summary, Named issuetype, Project project, Status status, Named resolution,
            List<Named> fixVersions, List<String> labels) {
    }

    /** An issue type, a resolution or a version: only its name is read. */
    record Named(String name) {
    }

    record Project(String key) {
    }

    /** The issue's status now; {@code statusCategory} is missing in bodies from Jira before 6.x. */
    record Status(String name, Category statusCategory) {
    }

    /** {@code key} is {@code new}, {@code indeterminate} or {@code done}; the category's name differs by site. */
    record Category(String key) {
    }

    /** What one change did; {@code id} identifies the change. */
    record Changelog(String id, List<ChangedField> items) {
    }

    /**
     * One field of a change. Cloud names Jira's own fields in {@code fieldId} ({@code status}); Server only in
     * {@code field}, with {@code fieldtype} telling Jira's fields ({@code jira}) from custom ones ({@code custom}),
     * which may bear the same name. {@code to} is the new value's id, null when the field was cleared.
     */
    record ChangedField(String field, String fieldtype, String fieldId, String to) {
    }
}
