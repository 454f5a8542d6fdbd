package dev.flowmeter.ingest.http;

/**
 * How much one request to the events API may carry. Bounds memory per request and keeps one client from filling
 * Kafka with a single call; the defaults fit a CI job posting a whole day's history at once.
 */
public record IngestLimits(long maxBodyBytes, int maxBatchSize) {

    public static final String MAX_BODY_BYTES_VARIABLE = "FLOWMETER_MAX_BODY_BYTES";
    public static final String MAX_BATCH_SIZE_VARIABLE = "FLOWMETER_MAX_BATCH_SIZE";
    /** 25 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 26_214_400L;
    public static final int DEFAULT_MAX_BATCH_SIZE = 1000;
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
    }

    public static IngestLimits defaults() {
        return new IngestLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BATCH_SIZE);
    }
}
