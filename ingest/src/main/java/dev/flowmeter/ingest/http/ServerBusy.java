package dev.flowmeter.ingest.http;

/**
 * The {@link BodyBudget} cannot hold a body now: other large requests are being read or answered. Answered 503 with
 * {@code Retry-After}, and not dead-lettered, since the request itself may well be fine.
 */
public final class ServerBusy extends RuntimeException {

    ServerBusy(long maxBytes) {
        super("the server is busy with other large requests: their bodies fill its budget of " + maxBytes
                + " bytes held at once (" + BodyBudget.MAX_BUFFERED_BYTES_VARIABLE + "); resend the request later",
                null, false, false);
    }
}
