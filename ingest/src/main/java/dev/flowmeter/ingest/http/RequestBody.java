package dev.flowmeter.ingest.http;

import dev.flowmeter.events.Rejection;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Reading a request body safely: the media type, a hard size limit, and what of it may be kept. */
public final class RequestBody {

    public static final String JSON = "application/json";
    /** Larger bodies are not copied into the dead-letter record; Kafka's default record limit is 1 MB. */
    public static final int MAX_KEPT_BYTES = Rejection.MAX_BODY_BYTES;
    private static final int FIRST_CHUNK_BYTES = 8 * 1024;
    private static final int LARGEST_CHUNK_BYTES = 1024 * 1024;
    private static final int DISCARD_BUFFER_BYTES = 16 * 1024;

    private RequestBody() {
    }

    /** {@code application/json}, with any parameters, as long as a charset, if given, is UTF-8 (RFC 8259). */
    public static boolean isJson(String contentType) {
        return isUtf8MediaType(contentType, JSON);
    }

    /**
     * Whether the content type is {@code mediaType} (given in lower case), ignoring case and parameters, as long as a
     * charset, if given, is UTF-8: for sources that send JSON under their own media type.
     */
    public static boolean isUtf8MediaType(String contentType, String mediaType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(mediaType)) {
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

    /**
     * The whole body of a request, refused as too large on its declared length before a byte is read, and again while
     * reading, for chunked bodies that declare none. Its bytes are reserved in {@code reservation} before they are
     * read: a declared length at once, a chunked body chunk by chunk as it arrives; when the budget cannot hold them
     * the request is refused with {@link ServerBusy}.
     */
    public static byte[] readLimited(Context ctx, long limit, BodyBudget.Reservation reservation) throws IOException {
        long declaredBytes = ctx.req().getContentLengthLong();
        if (declaredBytes > limit) {
            discardAndClose(ctx, declaredBytes <= 2 * limit ? declaredBytes : 0);
            throw Rejected.tooLarge(declaredBytes, limit);
        }
        if (declaredBytes < 0) {
            return readChunked(ctx, limit, reservation);
        }
        if (!reservation.tryAdd(declaredBytes)) {
            discardAndClose(ctx, declaredBytes);
            throw new ServerBusy(budgetOf(reservation));
        }
        // Read into an array of the declared size: InputStream.readNBytes(int) would hold the body twice.
        byte[] body = new byte[(int) declaredBytes];
        int read = ctx.bodyInputStream().readNBytes(body, 0, body.length);
        return read == body.length ? body : Arrays.copyOf(body, read);
    }

    /**
     * Reads chunks of growing size, each reserved before it is read, so a small chunked body reserves little. The
     * chunks are joined at the end; only the body's bytes are counted, not the moment the chunks and the joined copy
     * exist together.
     */
    private static byte[] readChunked(Context ctx, long limit, BodyBudget.Reservation reservation) throws IOException {
        InputStream in = ctx.bodyInputStream();
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        int chunkSize = FIRST_CHUNK_BYTES;
        while (true) {
            int size = (int) Math.min(chunkSize, limit - total);
            if (size == 0) {
                if (in.read() < 0) {
                    break;
                }
                discardAndClose(ctx, limit);
                throw Rejected.tooLarge(-1, limit);
            }
            if (!reservation.tryAdd(size)) {
                discardAndClose(ctx, limit - total);
                throw new ServerBusy(budgetOf(reservation));
            }
            byte[] chunk = new byte[size];
            int read = in.readNBytes(chunk, 0, size);
            reservation.giveBack(size - read);
            total += read;
            if (read < size) {
                chunks.add(Arrays.copyOf(chunk, read));
                break;
            }
            chunks.add(chunk);
            chunkSize = Math.min(chunkSize * 2, LARGEST_CHUNK_BYTES);
        }
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        byte[] body = new byte[(int) total];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, body, at, chunk.length);
            at += chunk.length;
        }
        return body;
    }

    private static long budgetOf(BodyBudget.Reservation reservation) {
        return reservation.budget().maxBytes();
    }

    /**
     * A client that writes its whole body before reading the answer sees a connection reset, not the answer, if the
     * server closes with the body unread. So up to {@code discard} more bytes (at most the limit again) are read and
     * thrown away first, through a small buffer; past that the connection is simply closed.
     */
    public static void discardAndClose(Context ctx, long discard) throws IOException {
        ctx.header("Connection", "close");
        InputStream in = ctx.bodyInputStream();
        byte[] buffer = new byte[DISCARD_BUFFER_BYTES];
        long left = discard;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                return;
            }
            left -= read;
        }
    }

    /**
     * Up to {@link #MAX_KEPT_BYTES} (and at most {@code limit}) bytes of a body that is refused anyway, for the dead
     * letter; null when it is larger, or when the body budget cannot hold it now: the refusal matters more than the
     * copy, so a full budget does not turn it into a 503. The kept bytes are reserved in {@code reservation} before
     * they are read. A larger body is read to its end, at most {@code limit} bytes, through a small buffer and thrown
     * away, and the connection is closed after the answer, as for a body that is too large: a client that writes its
     * whole body before reading would otherwise see a connection reset instead of the answer.
     */
    public static byte[] readForDeadLetter(Context ctx, long limit, BodyBudget.Reservation reservation)
            throws IOException {
        int kept = (int) Math.min(MAX_KEPT_BYTES, limit);
        long declaredBytes = ctx.req().getContentLengthLong();
        if (declaredBytes > kept) {
            discardAndClose(ctx, Math.min(declaredBytes, limit));
            return null;
        }
        int wanted = declaredBytes < 0 ? kept : (int) declaredBytes;
        if (!reservation.tryAdd(wanted)) {
            discardAndClose(ctx, declaredBytes < 0 ? limit : declaredBytes);
            return null;
        }
        InputStream in = ctx.bodyInputStream();
        byte[] bytes = in.readNBytes(wanted);
        reservation.giveBack(wanted - bytes.length);
        // A chunked body declares no length: one byte more than is kept says it is longer.
        if (declaredBytes < 0 && bytes.length == kept && in.read() >= 0) {
            reservation.giveBack(bytes.length);
            discardAndClose(ctx, limit - kept - 1);
            return null;
        }
        return bytes;
    }
}
