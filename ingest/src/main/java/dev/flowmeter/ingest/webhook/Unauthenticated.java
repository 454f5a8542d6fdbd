package dev.flowmeter.ingest.webhook;

import dev.flowmeter.ingest.http.Rejected;
import java.util.Optional;

/**
 * The two 401s a source gives when authenticating a call: its credential is missing, or it does not match. Every
 * source words them alike ("X-Hub-Signature-256 does not match; check GITHUB_WEBHOOK_SECRET"), so that the person
 * setting up a webhook reads the header to look at first and the variable or setting to fix second.
 */
public final class Unauthenticated {

    private static final String BEARER = "Bearer ";

    private Unauthenticated() {
    }

    /** The value of the header that carries the credential; without it, the {@link #missing} 401. */
    public static String requireHeader(WebhookHeaders headers, String header, String fix) {
        return headers.header(header).orElseThrow(() -> missing(header, fix));
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header (the scheme in any case, RFC 9110); empty when the
     * header is absent, of another scheme, or carries no token.
     */
    public static Optional<String> bearerToken(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(value.substring(BEARER.length()).strip()).filter(token -> !token.isEmpty());
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
