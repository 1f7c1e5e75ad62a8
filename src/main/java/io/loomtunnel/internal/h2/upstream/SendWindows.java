package io.loomtunnel.internal.h2.upstream;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The send windows of an {@link H2cConnection} (RFC 9113 6.9): the connection's and each open
 * stream's, moved by the service's WINDOW_UPDATE and SETTINGS_INITIAL_WINDOW_SIZE, taken by the
 * request bodies' DATA. A body waits for window at most the send timeout.
 *
 * <p>Locking: {@code lock} guards every window (the streams' {@code sendWindow} fields too) and is
 * a leaf, never held while writing.
 */
final class SendWindows {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private final Set<H2cStream> open = ConcurrentHashMap.newKeySet();
    private final Duration timeout;
    private long connection = H2cConnection.DEFAULT_WINDOW; // RFC 9113 6.9.2: 65,535 to start
    private long initial = H2cConnection.DEFAULT_WINDOW; // the service's SETTINGS_INITIAL_WINDOW_SIZE
    private boolean ended;

    SendWindows(Duration timeout) {
        this.timeout = timeout;
    }

    /** A new stream: its window starts at the service's initial size now. */
    void opened(H2cStream s) {
        lock.lock();
        try {
            s.sendWindow = initial;
            open.add(s);
        } finally {
            lock.unlock();
        }
    }

    void closed(H2cStream s) {
        open.remove(s);
        wake();
    }

    /** A WINDOW_UPDATE for the connection ({@code s} null) or a stream: false if the window would pass 2^31-1. */
    boolean credit(H2cStream s, long increment) {
        lock.lock();
        try {
            long after = s == null ? (connection += increment) : (s.sendWindow += increment);
            opened.signalAll();
            return after <= Integer.MAX_VALUE;
        } finally {
            lock.unlock();
        }
    }

    /** SETTINGS_INITIAL_WINDOW_SIZE changed: every open stream's window moves by the difference (RFC 9113 6.9.2). */
    void initialChanged(long value) {
        lock.lock();
        try {
            long delta = value - initial;
            initial = value;
            for (H2cStream s : open) {
                s.sendWindow += delta;
            }
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection ended: no wait goes on. */
    void end() {
        lock.lock();
        try {
            ended = true;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void wake() {
        lock.lock();
        try {
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code want} bytes (at most a frame) of both windows for {@code s}: the count; 0
     * once {@code s} is closed or the connection ended; -1 when no window came within the timeout.
     */
    int take(H2cStream s, int want) throws InterruptedIOException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (connection <= 0 || s.sendWindow <= 0) {
                if (ended || !open.contains(s)) {
                    return 0;
                }
                if (left <= 0) {
                    return -1;
                }
                left = opened.awaitNanos(left);
            }
            if (ended || !open.contains(s)) {
                return 0;
            }
            int n = (int) Math.min(Math.min(want, H2cConnection.MAX_FRAME), Math.min(connection, s.sendWindow));
            connection -= n;
            s.sendWindow -= n;
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an h2c send window");
        } finally {
            lock.unlock();
        }
    }
}
