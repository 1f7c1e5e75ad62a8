package io.loomtunnel.mux;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits the streams this side has opened and the peer has not yet acknowledged to the accept
 * backlog (docs/PROTOCOL.md 3.2), so a burst of opens waits here instead of being refused.
 *
 * <p>Locking: {@code lock} guards {@code outstanding} and {@code closed}.
 */
final class OpenGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomy = lock.newCondition();
    private final int limit;
    private int outstanding;
    private IOException closed;

    OpenGate(int limit) {
        this.limit = limit;
    }

    /** Waits for room for one more unacknowledged stream (timeout 0 = for ever). */
    void enter(long timeoutNanos) throws IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            while (outstanding >= limit && closed == null) {
                nanos = Waits.await(roomy, timeoutNanos, nanos, "open (the peer has not accepted " + outstanding + " streams)");
            }
            if (closed != null) {
                throw closed;
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
            roomy.signal();
        } finally {
            lock.unlock();
        }
    }

    void close(IOException reason) {
        lock.lock();
        try {
            if (closed == null) {
                closed = reason;
            }
            roomy.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
