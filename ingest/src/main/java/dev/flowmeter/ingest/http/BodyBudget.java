package dev.flowmeter.ingest.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request body bytes the server may hold at once, shared by every ingest route. A route reserves a body's bytes
 * before reading them and gives them back once the request is answered, so that parallel large uploads are answered
 * 503 with {@code Retry-After} instead of exhausting the heap. It counts body bytes only, not what parsing them costs;
 * whoever sizes it from the heap leaves room for that.
 */
public final class BodyBudget {

    public static final String MAX_BUFFERED_BYTES_VARIABLE = "FLOWMETER_MAX_BUFFERED_BYTES";

    private final long maxBytes;
    private final AtomicLong reserved = new AtomicLong();

    public BodyBudget(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException(MAX_BUFFERED_BYTES_VARIABLE + " must be at least 1, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The bytes reserved right now, for a gauge. */
    public long reservedBytes() {
        return reserved.get();
    }

    /** An empty reservation for one request; close it once the request is answered. */
    public Reservation reservation() {
        return new Reservation();
    }

    private boolean tryReserve(long bytes) {
        while (true) {
            long current = reserved.get();
            if (bytes > maxBytes - current) {
                return false;
            }
            if (reserved.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** What one request holds of the budget. Closing it gives everything back; closing it again does nothing. */
    public final class Reservation implements AutoCloseable {

        private long bytes;
        private boolean closed;

        private Reservation() {
        }

        /** Reserves {@code more} bytes, or nothing and false when the budget cannot hold them now. */
        public synchronized boolean tryAdd(long more) {
            if (more < 0) {
                throw new IllegalArgumentException("cannot reserve " + more + " bytes");
            }
            if (closed) {
                throw new IllegalStateException("the reservation is closed");
            }
            if (!tryReserve(more)) {
                return false;
            }
            bytes += more;
            return true;
        }

        /** Gives back {@code fewer} of the bytes reserved, for a read that turned out shorter than reserved. */
        synchronized void giveBack(long fewer) {
            if (fewer < 0 || fewer > bytes) {
                throw new IllegalArgumentException("cannot give back " + fewer + " of " + bytes + " bytes");
            }
            bytes -= fewer;
            reserved.addAndGet(-fewer);
        }

        BodyBudget budget() {
            return BodyBudget.this;
        }

        public synchronized long bytes() {
            return bytes;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                reserved.addAndGet(-bytes);
                bytes = 0;
            }
        }
    }
}
