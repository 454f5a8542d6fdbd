package dev.flowmeter.ingest.api;

import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Problem;
import java.util.List;

/**
 * A request refused before anything was published: the problem the client gets, the dead-letter reason, and the
 * errors recorded with the rejection. Those errors never quote the body, so they are also safe to log.
 */
final class Rejected extends RuntimeException {

    static final String INVALID_EVENT = "invalid_event";
    static final String MALFORMED_JSON = "malformed_json";
    static final String TOO_LARGE = "too_large";
    static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    static final String TOO_MANY_EVENTS = "too_many_events";

    private final Problem problem;
    private final String reason;
    private final List<FieldError> errors;

    private Rejected(Problem problem, String reason, List<FieldError> errors) {
        super(reason + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.reason = reason;
        this.errors = List.copyOf(errors);
    }

    static Rejected invalid(List<FieldError> errors) {
        String detail = errors.size() + (errors.size() == 1 ? " problem" : " problems")
                + " in the request body; see errors";
        return new Rejected(Problem.of(400, "Invalid event", detail, errors), INVALID_EVENT, errors);
    }

    static Rejected malformed(String detail, String problem) {
        return new Rejected(Problem.of(400, "Malformed JSON", detail), MALFORMED_JSON,
                List.of(new FieldError("", problem)));
    }

    static Rejected tooLarge(long bodyBytes, long limit) {
        String size = bodyBytes < 0 ? "more than " + limit : Long.toString(bodyBytes);
        String detail = "request body is " + size + " bytes; the limit is " + limit + " bytes, set by "
                + IngestLimits.MAX_BODY_BYTES_VARIABLE;
        return new Rejected(Problem.of(413, "Content Too Large", detail), TOO_LARGE,
                List.of(new FieldError("", detail)));
    }

    static Rejected tooManyEvents(int count, int limit) {
        String detail = "request holds " + count + " events; the limit is " + limit + " events per request, set by "
                + IngestLimits.MAX_BATCH_SIZE_VARIABLE + "; split the batch";
        return new Rejected(Problem.of(413, "Content Too Large", detail), TOO_MANY_EVENTS,
                List.of(new FieldError("", detail)));
    }

    static Rejected unsupportedMediaType(String detail) {
        return new Rejected(Problem.of(415, "Unsupported Media Type", detail), UNSUPPORTED_MEDIA_TYPE,
                List.of(new FieldError("Content-Type", detail)));
    }

    Problem problem() {
        return problem;
    }

    String reason() {
        return reason;
    }

    List<FieldError> errors() {
        return errors;
    }
}
