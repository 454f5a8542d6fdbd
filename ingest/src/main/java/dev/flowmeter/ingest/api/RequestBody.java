package dev.flowmeter.ingest.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reading a request body safely: the media type, a hard size limit, and what of it may be kept. */
final class RequestBody {

    static final String JSON = "application/json";
    /** Larger bodies are not copied into the dead-letter record; Kafka's default record limit is 1 MB. */
    static final int MAX_KEPT_BYTES = 64 * 1024;

    private RequestBody() {
    }

    /** {@code application/json}, with any parameters, as long as a charset, if given, is UTF-8 (RFC 8259). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(JSON)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset") && parameter.length == 2
                    && !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** The whole body, or {@code null} as soon as it proves longer than {@code limit} bytes. */
    static byte[] readAtMost(InputStream in, long limit) throws IOException {
        byte[] bytes = in.readNBytes(Math.toIntExact(limit + 1));
        return bytes.length > limit ? null : bytes;
    }

    /** The body as text for the dead letter, or "" when it is absent, too large or not UTF-8. */
    static String keptText(byte[] body) {
        if (body == null || body.length > MAX_KEPT_BYTES) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return "";
        }
    }
}
