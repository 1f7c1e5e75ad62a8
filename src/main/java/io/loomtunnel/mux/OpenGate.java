package io.loomtunnel.mux;

import java.io.IOException;

/**
 * Limits the streams this side has opened and the peer has not yet acknowledged to the accept
 * backlog (docs/protocol/SESSION.md 3.2), so a burst of opens waits here instead of being refused.
 *
 * <p>Locking: {@code lock} guards {@code outstanding}.
 */
final class OpenGate extends Handoff {
    private final int limit;
    private int outstanding;

    OpenGate(int limit) {
        this.limit = limit;
    }

    /** Waits for room for one more unacknowledged stream (timeout 0 = for ever). */
    void enter(long timeoutNanos) throws IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            while (outstanding >= limit && failure == null) {
                nanos = Waits.await(changed, timeoutNanos, nanos, "open (the peer has not accepted " + outstanding + " streams)");
            }
            if (failure != null) {
                throw failure;
            }
            outstanding++;
        } finally {
            lock.unlock();
        }
    }

    /** One stream was acknowledged, refused or reset. */
    void leave() {
        lock.lock();
        try {
            outstanding--;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }
}
