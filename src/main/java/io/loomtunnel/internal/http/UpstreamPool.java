package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One HTTP tunnel's idle upstreams, kept after a response read to its end so that the next request
 * goes out on a stream (and a keep-alive connection to the app) already open, as a browser's or
 * Go's connection pool does. At most {@code maxIdle} are kept (one more pushes out the oldest); one
 * idle for {@code idleTimeout}, or found no longer open (the app closed its idle connection, so the
 * tunnel's client ended the stream), is closed. The most recently kept is reused first, so that a
 * quiet tunnel's extra upstreams age out. See docs/HTTP.md, "Pooled upstreams".
 *
 * <p>Locking: {@code this} guards {@code idle} and {@code closed}; nothing blocks under it (upstreams
 * are closed after it is released) and no other lock is taken under it.
 */
public final class UpstreamPool implements Closeable {
    /** Idle upstreams one tunnel keeps at most. */
    public static final int MAX_IDLE = 16;
    /**
     * How long an upstream is kept idle: below the keep-alive timeouts of common app servers (Node
     * and uvicorn 5 s, Apache 5 s), so the pool normally closes first rather than meet a stale one.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    private record Idle(Upstream upstream, long sinceNanos) {}

    private final int maxIdle;
    private final long idleNanos;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    public UpstreamPool(int maxIdle, Duration idleTimeout) {
        if (maxIdle < 0) {
            throw new IllegalArgumentException("maxIdle must not be negative: " + maxIdle);
        }
        this.maxIdle = maxIdle;
        this.idleNanos = idleTimeout.toNanos();
    }

    /** The most recently kept upstream that is still open and not expired, or null; the others found on the way are closed. */
    public Upstream take(long nowNanos) {
        while (true) {
            Idle i;
            synchronized (this) {
                i = idle.pollLast();
            }
            if (i == null) {
                return null;
            }
            if (nowNanos - i.sinceNanos < idleNanos && i.upstream.isOpen()) {
                return i.upstream;
            }
            closeQuietly(i.upstream);
        }
    }

    /** Keeps {@code upstream} for a later request if it is open and the pool is open, else closes it. */
    public void give(Upstream upstream, long nowNanos) {
        Idle oldest = null;
        boolean kept = false;
        if (upstream.isOpen()) {
            synchronized (this) {
                if (!closed && maxIdle > 0) {
                    if (idle.size() >= maxIdle) {
                        oldest = idle.pollFirst();
                    }
                    idle.addLast(new Idle(upstream, nowNanos));
                    kept = true;
                }
            }
        }
        if (!kept) {
            closeQuietly(upstream);
        }
        if (oldest != null) {
            closeQuietly(oldest.upstream);
        }
    }

    /** Closes the upstreams idle for the timeout, or no longer open; called a few times a second. */
    public void expire(long nowNanos) {
        List<Upstream> gone = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
                Idle i = it.next();
                if (nowNanos - i.sinceNanos >= idleNanos || !i.upstream.isOpen()) {
                    it.remove();
                    gone.add(i.upstream);
                }
            }
        }
        gone.forEach(u -> closeQuietly(u));
    }

    /** How many upstreams are kept now. */
    public synchronized int idle() {
        return idle.size();
    }

    /** Closes every kept upstream; from now on {@link #give} closes what it is given. Idempotent. */
    @Override
    public void close() {
        List<Idle> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
        }
        all.forEach(i -> closeQuietly(i.upstream));
    }
}
