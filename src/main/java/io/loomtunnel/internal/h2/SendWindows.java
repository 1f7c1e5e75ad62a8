package io.loomtunnel.internal.h2;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The send windows of one HTTP/2 connection (RFC 9113 6.9): the connection's and each open
 * stream's, moved by the peer's WINDOW_UPDATE and SETTINGS_INITIAL_WINDOW_SIZE, taken by DATA. A
 * writer waits for window at most the timeout. Both ends that send HTTP/2 use it: the ingress's
 * connections to visitors and the client's h2c connections to local services.
 *
 * <p>Locking: {@code lock} guards every window (each {@link Window}'s size too) and is a leaf,
 * never held while writing.
 */
public final class SendWindows {
    /** Where every window starts (RFC 9113 6.9.2). */
    public static final int DEFAULT = 65_535;

    /** One stream's send window; its size is guarded by its SendWindows' lock. */
    public static final class Window {
        private long size;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private final Set<Window> open = ConcurrentHashMap.newKeySet();
    private final Duration timeout;
    private final int maxFrame;
    private long connection = DEFAULT; // under lock
    private long initial = DEFAULT; // under lock: the peer's SETTINGS_INITIAL_WINDOW_SIZE
    private boolean ended; // under lock

    /**
     * @param timeout  the longest wait for window
     * @param maxFrame the largest DATA payload one take gives
     */
    public SendWindows(Duration timeout, int maxFrame) {
        this.timeout = timeout;
        this.maxFrame = maxFrame;
    }

    /** The longest wait for window. */
    public Duration timeout() {
        return timeout;
    }

    /** A new stream's window, at the peer's initial size now. */
    public Window open() {
        Window w = new Window();
        lock.lock();
        try {
            w.size = initial;
            open.add(w);
        } finally {
            lock.unlock();
        }
        return w;
    }

    /** The stream ended: its waits end, and it takes no more window. */
    public void close(Window w) {
        open.remove(w);
        wake();
    }

    /** A WINDOW_UPDATE for the connection ({@code w} null) or a stream: false if the window would pass 2^31-1. */
    public boolean credit(Window w, long increment) {
        lock.lock();
        try {
            long after = w == null ? (connection += increment) : (w.size += increment);
            opened.signalAll();
            return after <= Integer.MAX_VALUE;
        } finally {
            lock.unlock();
        }
    }

    /** The peer's SETTINGS_INITIAL_WINDOW_SIZE changed: every open stream's window moves by the difference (RFC 9113 6.9.2). */
    public void initialChanged(long value) {
        lock.lock();
        try {
            long delta = value - initial;
            initial = value;
            for (Window w : open) {
                w.size += delta;
            }
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every wait for window (a stream ended): each checks whether it should still wait. */
    public void wake() {
        lock.lock();
        try {
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection ended: no wait goes on, nothing more is taken. */
    public void end() {
        lock.lock();
        try {
            ended = true;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code want} bytes (at most a frame) of both the connection's and {@code w}'s
     * window, waiting up to the timeout: the count; 0 once {@code w} is closed or the connection
     * ended; -1 when no window came within the timeout.
     */
    public int take(Window w, int want) throws InterruptedIOException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (connection <= 0 || w.size <= 0) {
                if (ended || !open.contains(w)) {
                    return 0;
                }
                if (left <= 0) {
                    return -1;
                }
                left = opened.awaitNanos(left);
            }
            return ended || !open.contains(w) ? 0 : takeOpen(w, want);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an HTTP/2 send window");
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #take}, without waiting: 0 when either window is closed now (or the stream or connection ended). */
    public int tryTake(Window w, int want) {
        lock.lock();
        try {
            if (ended || connection <= 0 || w.size <= 0 || !open.contains(w)) {
                return 0;
            }
            return takeOpen(w, want);
        } finally {
            lock.unlock();
        }
    }

    /** Under {@code lock}, both windows open: takes up to {@code want} bytes (at most a frame) of them. */
    private int takeOpen(Window w, int want) {
        int n = (int) Math.min(Math.min(want, maxFrame), Math.min(connection, w.size));
        connection -= n;
        w.size -= n;
        return n;
    }
}
