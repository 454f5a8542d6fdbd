package dev.flowmeter.ingest.testing;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client that writes its whole request, body included, before it reads a byte of the answer, as many
 * webhook senders do. A server that answers without reading the body and closes the connection resets it under such
 * a client: the write or the read then fails with an {@link IOException} instead of returning the answer. The body is
 * generated as it is written, so a test can send more than the socket buffers hold without holding it in memory.
 */
public final class EagerClient {

    /** More than the loopback socket buffers of both ends can hold, so an unread body cannot vanish into them. */
    public static final long LARGER_THAN_SOCKET_BUFFERS = 48L * 1024 * 1024;
    private static final int TIMEOUT_MILLIS = 30_000;
    private static final int WRITE_BYTES = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    /** The answer as read: status, headers by lower-case name, and the body as text. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    private EagerClient() {
    }

    /**
     * POSTs {@code bodyBytes} bytes of 'x' to {@code path}, with a Content-Length or, when {@code chunked}, without
     * one in chunks, then reads the answer.
     */
    public static Answer post(int port, String path, Map<String, String> headers, long bodyBytes, boolean chunked)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), WRITE_BYTES);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append(chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + bodyBytes).append("\r\n\r\n");
            out.write(ascii(head.toString()));
            byte[] chunk = new byte[WRITE_BYTES];
            Arrays.fill(chunk, (byte) 'x');
            for (long left = bodyBytes; left > 0; left -= chunk.length) {
                int size = (int) Math.min(chunk.length, left);
                if (chunked) {
                    out.write(ascii(Integer.toHexString(size) + "\r\n"));
                }
                out.write(chunk, 0, size);
                if (chunked) {
                    out.write(CRLF);
                }
            }
            if (chunked) {
                out.write(ascii("0\r\n\r\n"));
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] status = statusLine.split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: '" + statusLine + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                chunks.write(in.readNBytes(size));
                line(in);
            }
            body = chunks.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Answer(Integer.parseInt(status[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** One header line, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed in the middle of the answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
