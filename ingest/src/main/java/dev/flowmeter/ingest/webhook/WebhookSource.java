package dev.flowmeter.ingest.webhook;

import dev.flowmeter.ingest.http.RequestBody;

/**
 * One tool that sends webhooks (GitHub, GitLab, ...): how its calls are authenticated and how its payloads map to
 * delivery events. {@link WebhookRoute} does the HTTP around it: size limits, publishing, answers, dead letters.
 */
public interface WebhookSource {

    /** Short lower-case name: the endpoint is {@code /webhooks/<name>}, and the {@code source} of rejections. */
    String name();


    /** Whether the body's media type is one this source sends; the default is JSON. */
    default boolean accepts(String contentType) {
        return RequestBody.isJson(contentType);
    }

    /**
     * Checks the request comes from the configured sender, before its body is parsed.
     *
     * @throws dev.flowmeter.ingest.http.Rejected with {@code Rejected.unauthenticated(...)} naming the header to check
     */
    void authenticate(WebhookRequest request);

    /**
     * Maps the payload to events. Event ids are derived from the source's delivery id so that a redelivery produces
     * the same ids and is counted once.
     *
     * @throws dev.flowmeter.ingest.http.Rejected for a payload that cannot be mapped, naming its fields
     */
    WebhookResult map(WebhookRequest request);
}
