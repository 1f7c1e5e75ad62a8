package io.loomtunnel.internal.http;

import java.time.Duration;

/**
 * The minimum rate of a body to or from a visitor, as a bucket of waiting time: it holds at most
 * {@code grace}, drains while the transfer waits on the visitor, and refills by 1/minRate second
 * for each byte that moves. An empty bucket means the visitor is too slow. So a visitor that stops
 * is cut after {@code grace}; one slower than minRate a little later; a fast one never, however
 * long the body; and a burst absorbed by socket buffers earns no more than {@code grace} of credit.
 *
 * <p>Not thread-safe: one reader or one writer uses it; a watchdog reads only the deadline that
 * writer publishes.
 */
final class Pace {
    private final long graceNanos;
    private final double nanosPerByte;
    private long leftNanos;

    Pace(Duration grace, long minBytesPerSecond) {
        this.graceNanos = grace.toNanos();
        this.nanosPerByte = 1e9 / minBytesPerSecond;
        this.leftNanos = graceNanos;
    }

    /** A full bucket: a new body starts with the whole grace. */
    void reset() {
        leftNanos = graceNanos;
    }

    /** How much longer the next read or write may wait; zero or less when the visitor is already too slow. */
    long leftNanos() {
        return leftNanos;
    }

    /** One read or write waited {@code waitedNanos} and moved {@code bytes}. */
    void moved(long waitedNanos, long bytes) {
        leftNanos = (long) Math.min(graceNanos, leftNanos - waitedNanos + bytes * nanosPerByte);
    }
}
