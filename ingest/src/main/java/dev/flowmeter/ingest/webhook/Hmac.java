package dev.flowmeter.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
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
     * Whether {@code signature} is {@code prefix} (any case) followed by the HMAC-SHA256 of {@code body} under
     * {@code key} in hex (any case), the way GitHub ({@code sha256=}), Bitbucket ({@code sha256=}) and PagerDuty
     * ({@code v1=}) send it. Without the prefix nothing is computed and the answer is no.
     */
    public static boolean matchesPrefixedSha256Hex(Secret key, byte[] body, String signature, String prefix) {
        return signature.regionMatches(true, 0, prefix, 0, prefix.length())
                && matchesSha256Hex(key, body, signature.substring(prefix.length()));
    }

    /** Whether {@code hex} (any case) is the HMAC-SHA256 of {@code body} under {@code key}. */
    public static boolean matchesSha256Hex(Secret key, byte[] body, String hex) {
        if (hex == null) {
            return false;
        }
        byte[] expected = sha256Hex(key, body).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = hex.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }
}
