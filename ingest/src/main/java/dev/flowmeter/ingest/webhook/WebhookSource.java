package dev.flowmeter.ingest.webhook;

import dev.flowmeter.ingest.http.RequestBody;

/**
 * One tool that sends webhooks (GitHub, GitLab, ...): how its calls are authenticated and how its payloads map to
 * delivery events. {@link WebhookRoute} does the HTTP around it: size limits, publishing, answers, dead letters.
 *
 * <p>Authentication has two steps, so that a stranger's call costs as little as possible: {@link #authenticateHeaders}
 * before a byte of the body is read (all a token in a header needs, and the presence of a signature header), then
 * {@link #authenticateBody} on the raw bytes (the signature itself). Either refuses with
 * {@code Rejected.unauthenticated(...)} naming the header to check.
 */
public interface WebhookSource {

    /** Short lower-case name: the endpoint is {@code /webhooks/<name>}, and the {@code source} of rejections. */
    String name();

    /** Whether the body's media type is one this source sends; the default is JSON. */
    default boolean accepts(String contentType) {
        return RequestBody.isJson(contentType);
    }

    /**
     * Checks what the headers alone can prove, before the body is read: a token sent in a header, or at least that
     * the signature header is there.
     *
     * @throws dev.flowmeter.ingest.http.Rejected with {@code Rejected.unauthenticated(...)} naming the header to check
     */
    void authenticateHeaders(WebhookHeaders headers);

    /**
     * Checks a signature over the raw body, once {@link #authenticateHeaders} has passed and before the body is
     * parsed; nothing more by default, for sources whose headers prove it all.
     *
     * @throws dev.flowmeter.ingest.http.Rejected with {@code Rejected.unauthenticated(...)} naming the header to check
     */
    default void authenticateBody(WebhookRequest request) {
    }

    /** Both steps in order, for a caller that holds the whole request. */
    default void authenticate(WebhookRequest request) {
        authenticateHeaders(request.headers());
        authenticateBody(request);
    }

    /**
     * Maps the payload to events. Event ids are derived from the source's delivery id so that a redelivery produces
     * the same ids and is counted once.
     *
     * @throws dev.flowmeter.ingest.http.Rejected for a payload that cannot be mapped, naming its fields
     */
    WebhookResult map(WebhookRequest request);
}
