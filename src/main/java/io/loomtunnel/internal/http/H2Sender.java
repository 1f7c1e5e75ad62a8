package io.loomtunnel.internal.http;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackEncoder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What an HTTP/2 connection sends, and the send windows that pace it (RFC 9113 6.9): frames go out
 * in whole groups through the connection's {@link VisitorOutput} (whose every write has the send
 * timeout's deadline, kept by the ingress's watchdog), DATA only within the connection's and the
 * stream's windows, waited for at most the send timeout.
 *
 * <p>Locking: {@code writeLock} (a leaf) keeps each frame group whole on the wire; {@code flow}
 * guards every window and is never held while writing.
 */
final class H2Sender {
    /** One stream's send window; its size is guarded by the sender's {@code flow} lock. */
    static final class Window {
        private long size;
    }

    private final VisitorOutput out;
    private final Duration sendTimeout;
    private final Object writeLock = new Object();
    /** Writers waiting for {@code writeLock}. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final ReentrantLock flow = new ReentrantLock();
    private final Condition opened = flow.newCondition();
    private final Set<Window> windows = ConcurrentHashMap.newKeySet();
    private long connectionWindow = H2Connection.STREAM_WINDOW; // under flow; RFC 9113 6.9.2: 65,535 to start
    private int initialWindow = H2Connection.STREAM_WINDOW; // under flow: the visitor's SETTINGS_INITIAL_WINDOW_SIZE
    private boolean ended; // under flow

    H2Sender(VisitorOutput out, Duration sendTimeout) {
        this.out = out;
        this.sendTimeout = sendTimeout;
    }

    /**
     * Writes frames together; a visitor that does not take them within the send timeout loses the
     * connection. The buffer is flushed unless another writer is already waiting for the lock: that
     * one (or the last of a queue) flushes, so concurrent streams share a socket write.
     */
    void write(byte[]... frames) throws IOException {
        waiting.incrementAndGet();
        synchronized (writeLock) {
            waiting.decrementAndGet();
            out.resetPace();
            for (byte[] f : frames) {
                out.write(f);
            }
            if (waiting.get() == 0) {
                out.flush();
            }
        }
    }

    /** A header block as HEADERS and as many CONTINUATIONs as its size needs, all together. */
    void writeHeaders(int stream, List<HeaderField> fields, boolean endStream) throws IOException {
        write(headerFrames(stream, fields, endStream));
    }

    /**
     * A response's HEADERS (no END_STREAM) and, in the same write, a DATA frame of as much of
     * {@code data[0, len)} as both windows allow at once (no wait: a visitor that gave no window
     * still gets its HEADERS now); returns how many bytes went. With {@code last} and all of them
     * gone, the DATA ends the stream, and {@code beforeEnd} runs just before it is written.
     */
    int writeHeadersAndData(int stream, List<HeaderField> fields, Window w, byte[] data, int len, boolean last,
            Runnable beforeEnd) throws IOException {
        byte[][] headers = headerFrames(stream, fields, false);
        int n = tryAcquire(w, len);
        if (n == 0) {
            write(headers);
            return 0;
        }
        boolean end = last && n == len;
        if (end) {
            beforeEnd.run();
        }
        byte[][] frames = Arrays.copyOf(headers, headers.length + 1);
        frames[headers.length] = Frames.frame(Frame.DATA, end ? Frame.END_STREAM : 0, stream, data, 0, n);
        write(frames);
        return n;
    }

    private static byte[][] headerFrames(int stream, List<HeaderField> fields, boolean endStream) {
        return Frames.headers(stream, HpackEncoder.encode(fields), endStream, H2Connection.MAX_FRAME);
    }

    void reset(int stream, int code) throws IOException {
        write(Frames.rstStream(stream, code));
    }

    /** A new stream's window, at the visitor's current initial size. */
    Window open() {
        Window w = new Window();
        flow.lock();
        try {
            w.size = initialWindow;
            windows.add(w);
        } finally {
            flow.unlock();
        }
        return w;
    }

    void close(Window w) {
        windows.remove(w);
        wake();
    }

    /** A WINDOW_UPDATE for the connection ({@code w} null) or a stream; false if the window would pass 2^31-1. */
    boolean credit(Window w, long increment) {
        flow.lock();
        try {
            if (w == null) {
                connectionWindow += increment;
                opened.signalAll();
                return connectionWindow <= Integer.MAX_VALUE;
            }
            w.size += increment;
            opened.signalAll();
            return w.size <= Integer.MAX_VALUE;
        } finally {
            flow.unlock();
        }
    }

    /** The visitor's SETTINGS_INITIAL_WINDOW_SIZE changed: every stream's window moves by the difference (RFC 9113 6.9.2). */
    void changeInitialWindow(int value) {
        flow.lock();
        try {
            int delta = value - initialWindow;
            initialWindow = value;
            for (Window w : windows) {
                w.size += delta;
            }
            opened.signalAll();
        } finally {
            flow.unlock();
        }
    }

    /** Wakes every wait for a window (a stream ended): each checks whether it should still wait. */
    void wake() {
        flow.lock();
        try {
            opened.signalAll();
        } finally {
            flow.unlock();
        }
    }

    /** The connection is ending: no wait for a window goes on. */
    void end() {
        flow.lock();
        try {
            ended = true;
            opened.signalAll();
        } finally {
            flow.unlock();
        }
    }

    /**
     * Takes up to {@code want} bytes (at most a frame) of both the connection's and {@code w}'s
     * window, waiting for them up to the send timeout; fails once {@code w} is closed or the
     * connection ends.
     */
    int acquire(Window w, int want) throws IOException {
        long left = sendTimeout.toNanos();
        flow.lock();
        try {
            while (connectionWindow <= 0 || w.size <= 0) {
                if (ended || !windows.contains(w)) {
                    throw new IOException("the stream ended");
                }
                if (left <= 0) {
                    throw new SocketTimeoutException("the visitor gave no window for " + sendTimeout.toSeconds() + " s");
                }
                left = opened.awaitNanos(left);
            }
            return take(w, want);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an HTTP/2 window");
        } finally {
            flow.unlock();
        }
    }

    /** As {@link #acquire}, without waiting: 0 when either window is closed now (or the stream or connection ended). */
    private int tryAcquire(Window w, int want) {
        flow.lock();
        try {
            if (ended || connectionWindow <= 0 || w.size <= 0 || !windows.contains(w)) {
                return 0;
            }
            return take(w, want);
        } finally {
            flow.unlock();
        }
    }

    /** Under {@code flow}, both windows open: takes up to {@code want} bytes (at most a frame) of them. */
    private int take(Window w, int want) {
        int n = (int) Math.min(Math.min(want, H2Connection.MAX_FRAME), Math.min(connectionWindow, w.size));
        connectionWindow -= n;
        w.size -= n;
        return n;
    }
}
