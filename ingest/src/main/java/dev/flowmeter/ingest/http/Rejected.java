package dev.flowmeter.ingest.http;

import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.kafka.KafkaRefusedException;
import java.util.List;

/**
 * A request refused before anything was published: the problem the client gets, the dead-letter reason, and the
 * errors recorded with the rejection. Those errors never quote the body, so they are also safe to log.
 */
public final class Rejected extends RuntimeException {

    public static final String INVALID_EVENT = "invalid_event";
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String TOO_LARGE = "too_large";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String TOO_MANY_EVENTS = "too_many_events";
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String INVALID_PAYLOAD = "invalid_payload";
    public static final String INVALID_TIMESTAMP = "invalid_timestamp";

    private final Problem problem;
    private final String reason;
    private final List<FieldError> errors;

    private Rejected(Problem problem, String reason, List<FieldError> errors) {
        super(reason + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.reason = reason;
        this.errors = List.copyOf(errors);
    }

    public static Rejected invalid(List<FieldError> errors) {
        String detail = errors.size() + (errors.size() == 1 ? " problem" : " problems")
                + " in the request body; see errors";
        return new Rejected(Problem.of(400, "Invalid event", detail, errors), INVALID_EVENT, errors);
    }

    public static Rejected malformed(String detail, String problem) {
        return new Rejected(Problem.of(400, "Malformed JSON", detail), MALFORMED_JSON,
                List.of(new FieldError("", problem)));
    }

    public static Rejected tooLarge(long bodyBytes, long limit) {
        String size = bodyBytes < 0 ? "more than " + limit : Long.toString(bodyBytes);
        String detail = "request body is " + size + " bytes; the limit is " + limit + " bytes, set by "
                + IngestLimits.MAX_BODY_BYTES_VARIABLE;
        return new Rejected(Problem.of(413, "Content Too Large", detail), TOO_LARGE,
                List.of(new FieldError("", detail)));
    }

    public static Rejected tooManyEvents(int count, int limit) {
        String detail = "request holds " + count + " events; the limit is " + limit + " events per request, set by "
                + IngestLimits.MAX_BATCH_SIZE_VARIABLE + "; split the batch";
        return new Rejected(Problem.of(413, "Content Too Large", detail), TOO_MANY_EVENTS,
                List.of(new FieldError("", detail)));
    }

    public static Rejected unsupportedMediaType(String detail) {
        return new Rejected(Problem.of(415, "Unsupported Media Type", detail), UNSUPPORTED_MEDIA_TYPE,
                List.of(new FieldError("Content-Type", detail)));
    }

    /**
     * Kafka will never take one of the request's events as sent: 413 when it is too large for a record, 400 when the
     * broker refused its timestamp. {@code field} names the event in the request ("[3]"), or is "" for the body.
     */
    public static Rejected refusedByKafka(String field, KafkaRefusedException refused) {
        boolean tooLarge = refused.reason() == KafkaRefusedException.Reason.TOO_LARGE;
        List<FieldError> errors = List.of(new FieldError(field, refused.getMessage()));
        Problem problem = tooLarge ? Problem.of(413, "Content Too Large", refused.getMessage(), errors)
                : Problem.of(400, "Refused by Kafka", refused.getMessage(), errors);
        return new Rejected(problem, tooLarge ? TOO_LARGE : INVALID_TIMESTAMP, errors);
    }

    /**
     * 401: the request does not prove it comes from the configured sender. Counted in memory, never written to Kafka:
     * see {@link UnauthenticatedRequests}.
     */
    public static Rejected unauthenticated(String detail) {
        return new Rejected(Problem.of(401, "Unauthorized", detail), UNAUTHENTICATED,
                List.of(new FieldError("", detail)));
    }

    /** 400: a webhook payload that cannot be mapped; {@code errors} name the fields of the source's payload. */
    public static Rejected invalidPayload(String detail, List<FieldError> errors) {
        return new Rejected(Problem.of(400, "Invalid payload", detail, errors), INVALID_PAYLOAD, errors);
    }

    public Problem problem() {
        return problem;
    }

    public String reason() {
        return reason;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
