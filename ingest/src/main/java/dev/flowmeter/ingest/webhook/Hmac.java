package dev.flowmeter.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signatures over raw request bodies, checked in constant time. */
public final class Hmac {

    private Hmac() {
    }

    public static String sha256Hex(Secret key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Whether one of {@code signatures} is {@code prefix} (any case) followed by the HMAC-SHA256 of {@code body} under
     * {@code key} in hex (any case), the way GitHub ({@code sha256=}), Bitbucket ({@code sha256=}) and PagerDuty
     * ({@code v1=}, one per secret while a secret is rotated) send it. The HMAC is computed exactly once, whatever the
     * signatures hold, and every signature is compared with it in constant time, even after a match or without the
     * prefix: the time taken tells a caller neither whether a signature was well formed nor which one matched.
     */
    public static boolean matchesAny(Secret key, byte[] body, String prefix, List<String> signatures) {
        return matchesAny(sha256Hex(key, body).getBytes(StandardCharsets.US_ASCII), prefix, signatures);
    }

    /**
     * Rejects the request unless its {@code header} holds {@code prefix} and the HMAC-SHA256 of its body under
     * {@code key}: the one-signature scheme of GitHub, Bitbucket and Jira ({@code sha256=<hex>}). The problem names
     * the header and {@code variable}, the setting that holds the secret, never the secret or the signature.
     */
    public static void requireSignature(WebhookRequest request, Secret key, String header, String prefix,
            String variable) {
        String signature = request.header(header).orElse("");
        if (!matchesAny(key, request.body(), prefix, List.of(signature))) {
            throw Unauthenticated.mismatch(header, variable);
        }
    }

    /** {@link #matchesAny} against an HMAC already computed, as lower-case hex in ASCII. */
    static boolean matchesAny(byte[] expectedHex, String prefix, List<String> signatures) {
        boolean matches = false;
        for (String signature : signatures) {
            String trimmed = signature.trim();
            boolean prefixed = trimmed.regionMatches(true, 0, prefix, 0, prefix.length());
            String hex = prefixed ? trimmed.substring(prefix.length()) : trimmed;
            boolean equal = MessageDigest.isEqual(expectedHex,
                    hex.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
            matches |= prefixed & equal;
        }
        return matches;
    }
}
