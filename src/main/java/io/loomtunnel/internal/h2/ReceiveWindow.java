package io.loomtunnel.internal.h2;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A receiver's flow-control window for one stream (RFC 9113 6.9): DATA take from it as they
 * arrive, and what the consumer has taken is given back, half a window at a time, as the
 * increment of a WINDOW_UPDATE. So a receiver holds at most one window per stream.
 *
 * <p>Thread safety: the connection's reader calls {@link #take}, the consumer {@link #consumed}.
 */
public final class ReceiveWindow {
    private final int size;
    private final AtomicLong window;
    private final AtomicInteger due = new AtomicInteger();

    public ReceiveWindow(int size) {
        this.size = size;
        this.window = new AtomicLong(size);
    }

    /** DATA of {@code length} bytes (padding included) arrived: false if they go beyond the window (FLOW_CONTROL_ERROR). */
    public boolean take(int length) {
        return window.addAndGet(-length) >= 0;
    }

    /** {@code bytes} were consumed (or dropped): the WINDOW_UPDATE increment to send now, or 0 while less than half a window is due. */
    public int consumed(int bytes) {
        if (bytes <= 0) {
            return 0;
        }
        int now = due.addAndGet(bytes);
        if (now >= size / 2 && due.compareAndSet(now, 0)) {
            window.addAndGet(now);
            return now;
        }
        return 0;
    }
}
