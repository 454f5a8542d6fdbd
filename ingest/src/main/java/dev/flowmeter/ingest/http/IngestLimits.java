package dev.flowmeter.ingest.http;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How much one request to the events API may carry, and how far ahead of the server's clock an event may be. Bounds
 * memory per request and keeps one client from filling Kafka with a single call; the defaults fit a CI job posting a
 * whole day's history at once. The future bound catches a sender with a skewed clock at once, with a 400 it can act on,
 * instead of metrics that stay wrong until its clock catches up.
 */
public record IngestLimits(long maxBodyBytes, int maxBatchSize, Duration maxFuture) {

    public static final String MAX_BODY_BYTES_VARIABLE = "FLOWMETER_MAX_BODY_BYTES";
    public static final String MAX_BATCH_SIZE_VARIABLE = "FLOWMETER_MAX_BATCH_SIZE";
    public static final String MAX_FUTURE_VARIABLE = "FLOWMETER_MAX_FUTURE";
    /** 25 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 26_214_400L;
    public static final int DEFAULT_MAX_BATCH_SIZE = 1000;
    /** Generous for any clock that is merely off, tight enough that a wrong year or time zone is caught. */
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofDays(1);
    /** The body is held in one byte array. */
    static final long LARGEST_BODY_BYTES = Integer.MAX_VALUE - 16;

    public IngestLimits {
        if (maxBodyBytes < 1 || maxBodyBytes > LARGEST_BODY_BYTES) {
            throw new IllegalArgumentException(MAX_BODY_BYTES_VARIABLE + " must be between 1 and "
                    + LARGEST_BODY_BYTES + ", was " + maxBodyBytes);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException(MAX_BATCH_SIZE_VARIABLE + " must be at least 1, was " + maxBatchSize);
        }
        Objects.requireNonNull(maxFuture, "maxFuture");
        if (maxFuture.isNegative() || maxFuture.isZero()) {
            throw new IllegalArgumentException(MAX_FUTURE_VARIABLE + " must be a positive duration, was " + maxFuture);
        }
    }

    public static IngestLimits defaults() {
        return new IngestLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_FUTURE);
    }

    /** Whether {@code time} is more than {@link #maxFuture()} ahead of {@code now}, the server's clock. */
    public boolean isTooFarAhead(Instant time, Instant now) {
        return Duration.between(now, time).compareTo(maxFuture) > 0;
    }

    /**
     * The problem recorded for a time {@link #isTooFarAhead too far ahead}, stating the server's time so the sender
     * sees which clock is off: "is 2026-05-03T10:00:00Z, more than 1 day (FLOWMETER_MAX_FUTURE) ahead of the server's
     * clock, which reads 2026-05-01T10:00:00Z; check the sender's clock".
     */
    public String tooFarAheadProblem(Instant time, Instant now) {
        return "is " + time + ", more than " + describe(maxFuture) + " (" + MAX_FUTURE_VARIABLE + ") ahead of the "
                + "server's clock, which reads " + now.truncatedTo(ChronoUnit.SECONDS) + "; check the sender's clock";
    }

    /** "1 day", "36 hours", "90 minutes": the largest whole unit, else the ISO-8601 form. */
    static String describe(Duration duration) {
        if (duration.getNano() != 0) {
            return duration.toString();
        }
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return plural(seconds / 86_400, "day");
        }
        if (seconds % 3_600 == 0) {
            return plural(seconds / 3_600, "hour");
        }
        if (seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
