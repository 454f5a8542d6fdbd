package dev.flowmeter.ingest.webhook;

import dev.flowmeter.ingest.http.Rejected;

/**
 * The two 401s a source gives when authenticating a call: its credential is missing, or it does not match. Every
 * source words them alike ("X-Hub-Signature-256 does not match; check GITHUB_WEBHOOK_SECRET"), so that the person
 * setting up a webhook reads the header to look at first and the variable or setting to fix second.
 */
public final class Unauthenticated {

    private Unauthenticated() {
    }

    /** The value of the header that carries the credential; without it, the {@link #missing} 401. */
    public static String requireHeader(WebhookRequest request, String header, String fix) {
        return request.header(header).orElseThrow(() -> missing(header, fix));
    }

    /** "{@code credential} is missing; {@code fix}", where {@code fix} says how to make the sender send it. */
    public static Rejected missing(String credential, String fix) {
        return Rejected.unauthenticated(credential + " is missing; " + fix);
    }

    /** "{@code credential} does not match; check {@code configuration}": the variable(s) it is checked against. */
    public static Rejected mismatch(String credential, String configuration) {
        return Rejected.unauthenticated(credential + " does not match; check " + configuration);
    }
}
