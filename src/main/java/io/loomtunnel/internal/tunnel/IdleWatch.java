package io.loomtunnel.internal.tunnel;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Aborts connections that moved no byte for the idle timeout, like nginx's {@code proxy_timeout}:
 * a splice marks its connection each time it copies something, and one thread looks at every
 * watched connection each tick (a tenth of the timeout, from 100 ms to 10 s) and aborts those
 * unmarked for the whole timeout. One thread per watch, not per connection: an idle connection
 * costs a map entry, and a connection blocked in any read or write is caught alike.
 *
 * <p>Threads: one, {@code "loomtunnel <owner>: idle watch"}, started with the first connection;
 * {@link #close} ends and joins it. No lock: {@code watched} is a concurrent set, each
 * connection's mark a volatile flag.
 */
public final class IdleWatch implements AutoCloseable {
    private final long timeoutNanos;
    private final Duration tick;
    private final OwnedThreads threads;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();

    /** One watched connection; {@link #close} takes it off the watch. */
    public final class Watched implements AutoCloseable {
        private final Runnable abort;
        private volatile boolean moved;
        private long quietSince = System.nanoTime(); // the watch thread's own

        private Watched(Runnable abort) {
            this.abort = abort;
        }

        /** Bytes moved: the connection is not idle. */
        public void moved() {
            moved = true;
        }

        @Override
        public void close() {
            watched.remove(this);
        }
    }

    /** @param timeout how long a connection may move nothing before it is aborted */
    public IdleWatch(String owner, Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.tick = Duration.ofMillis(Math.clamp(timeout.toMillis() / 10, 100, 10_000));
        this.threads = new OwnedThreads(owner);
    }

    /** Watches a connection; {@code abort} must end it (close what its threads are blocked on). */
    public Watched watch(Runnable abort) {
        Watched w = new Watched(abort);
        watched.add(w);
        if (started.compareAndSet(false, true)) {
            try {
                threads.startEvery("idle watch", tick, this::pass);
            } catch (RejectedExecutionException closed) {
                // the watch was closed: nothing is aborted any more
            }
        }
        return w;
    }

    private void pass() {
        long now = System.nanoTime();
        for (Watched w : watched) {
            if (w.moved) {
                w.moved = false;
                w.quietSince = now;
            } else if (now - w.quietSince >= timeoutNanos) {
                w.close();
                w.abort.run();
            }
        }
    }

    /** Connections watched now. */
    public int size() {
        return watched.size();
    }

    /** Ends the watch thread and joins it; connections still watched are not aborted by it any more. */
    @Override
    public void close() {
        threads.close();
    }
}
