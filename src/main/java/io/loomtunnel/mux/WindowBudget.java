package io.loomtunnel.mux;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The session-wide allowance of receive-window growth that all its streams share (docs/protocol/SESSION.md 3.3).
 *
 * <p>Locking: none; the allowance is an atomic counter taken and given back by compare-and-set.
 */
final class WindowBudget {
    private final AtomicLong remaining;

    WindowBudget(long bytes) {
        this.remaining = new AtomicLong(bytes);
    }

    /** Takes up to {@code wanted} bytes; returns how many were granted (maybe 0). */
    int reserve(int wanted) {
        while (true) {
            long left = remaining.get();
            int granted = (int) Math.min(left, wanted);
            if (granted <= 0 || remaining.compareAndSet(left, left - granted)) {
                return Math.max(granted, 0);
            }
        }
    }

    void release(long bytes) {
        if (bytes > 0) {
            remaining.addAndGet(bytes);
        }
    }
}
