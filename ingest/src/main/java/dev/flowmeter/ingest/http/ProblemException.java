package dev.flowmeter.ingest.http;

import java.util.Objects;

/**
 * Thrown by a handler to answer with a {@link Problem}; {@link Problems#register} maps it to the problem's status
 * and body. Lets validation code stop a request without knowing about the HTTP context.
 */
public final class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(Objects.requireNonNull(problem, "problem").detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
