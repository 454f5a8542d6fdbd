package dev.flowmeter.ingest.cdevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The fields of a CDEvent (0.4 or 0.5) that Flowmeter reads. The two versions differ only where it does not matter
 * here ({@code context.version} became {@code context.specversion}, {@code subject.type} went away, {@code url} became
 * {@code uri}) and in test outcome words, which the mapper reads in both spellings.
 */
record CdEvent(Context context, Subject subject) {

    CdEvent {
        context = context == null ? new Context(null, null, null, null) : context;
        subject = subject == null ? new Subject(null, null, null) : subject;
    }

    /** {@code version} in 0.4, {@code specversion} from 0.5 on. */
    record Context(String version, String specversion, String source, String type) {

        String specVersion() {
            return specversion != null ? specversion : version;
        }
    }

    record Subject(String id, String source, Content content) {

        Subject {
            content = content == null ? new Content(null, null, null, null, null, null, null, null, null, null)
                    : content;
        }
    }

    /** The union of the subject contents read; each event type fills in its own few. */
    record Content(
            Reference repository,
            Reference change,
            Reference environment,
            Reference service,
            Reference testSuite,
            String artifactId,
            String pipelineName,
            String outcome,
            String errors,
            String description) {
    }

    /** A reference to another subject; without a source it belongs to the event's own source. */
    record Reference(String id, String source) {
    }

    static CdEvent read(JsonNode data) {
        try {
            return EventJson.MAPPER.treeToValue(data, CdEvent.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                    .map(name -> name == null ? "[]" : name).collect(Collectors.joining("."));
            throw Rejected.invalidPayload("the CDEvent's " + (field.isEmpty() ? "data" : field)
                    + " does not have the shape the CDEvents schema gives it",
                    List.of(new FieldError(field, "has the wrong JSON type")));
        } catch (JsonProcessingException e) {
            throw Rejected.malformed("the CloudEvent data is not valid JSON", "is not valid JSON");
        }
    }
}
