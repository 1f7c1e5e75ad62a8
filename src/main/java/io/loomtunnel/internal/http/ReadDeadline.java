package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A read timeout with the semantics of Socket.setSoTimeout (each read may wait at most the
 * timeout), kept as a deadline that the ingress's watchdog enforces instead of a timed wait inside
 * the read.
 *
 * <p>Why: on a virtual thread every timed wait (a socket read with SO_TIMEOUT, a timed park on a
 * stream's buffer) arms and then cancels a timer in the JDK scheduler's delay queue, and both wake
 * the queue's own thread: two of the six thread switches of an HTTP request proxied through a
 * tunnel, and a seventh of the server's CPU (docs/BENCHMARKS.md, "Read deadlines instead of timed
 * reads"). Here a read is an untimed wait under a {@link WatchedDeadline} (one System.nanoTime
 * and one compare-and-set before it, one after); the watchdog, a few times per timeout,
 * calls {@link #expire}, which runs the abort given with the source (shut the socket's input, end
 * the upstream's read) so that the waiting read ends, and the read then throws SocketTimeoutException.
 * An expired read source is dead: reads after it throw too, as they would from a closed socket.
 *
 * <p>Thread safety: one reading thread at a time ({@link #set} and the guarded stream's reads);
 * {@link #expire} may come from the watchdog and touches only the current source's deadline and
 * abort.
 */
final class ReadDeadline implements BufferedInput.TimeoutSetter {
    /** The timeout of each read; zero waits for ever. The reading thread's only. */
    private long timeoutNanos;
    /** The source being read, with its own deadline: an expiry can only abort the source it was armed for. */
    private volatile Source current;

    /** The timeout of each read from now on, as Socket.setSoTimeout; zero waits for ever. */
    @Override
    public void set(Duration timeout) {
        timeoutNanos = timeout.toNanos();
    }

    /**
     * {@code in} with every read under this deadline, until the next call: a new source (the next
     * upstream) starts unexpired, and an expiry of the one before cannot touch it. Call from the
     * reading thread.
     *
     * @param abort ends a read blocked on {@code in}, from the watchdog's thread; must not block
     */
    InputStream guard(InputStream in, Runnable abort) {
        Source s = new Source(in, abort);
        current = s;
        return new SourceInput(s::read);
    }

    /**
     * Called by the watchdog: if the read in progress is past its deadline, claims it, aborts its
     * source (the read then throws SocketTimeoutException) and returns true.
     */
    boolean expire(long nowNanos) {
        Source s = current;
        if (s != null && s.deadline.claim(nowNanos)) {
            s.abort.run();
            return true;
        }
        return false;
    }

    /** One source's reads, each under its own deadline; a read the watchdog claimed fails as a timeout, whatever came. */
    private final class Source {
        private final InputStream in;
        private final Runnable abort;
        private final WatchedDeadline deadline = new WatchedDeadline();

        Source(InputStream in, Runnable abort) {
            this.in = in;
            this.abort = abort;
        }

        int read(byte[] b, int off, int len) throws IOException {
            long t = timeoutNanos;
            boolean timed = t > 0;
            if (timed ? !deadline.arm(System.nanoTime() + t) : deadline.expired()) {
                throw timedOut(); // expired before
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw claimed(timed) ? timedOut() : e;
            }
            if (claimed(timed)) {
                throw timedOut(); // the watchdog aborted the source: what came is dropped with it
            }
            return n;
        }

        /** After a read: whether the watchdog claimed it (or, untimed, an earlier one). */
        private boolean claimed(boolean timed) {
            return timed ? !deadline.disarm() : deadline.expired();
        }
    }

    private static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("Read timed out");
    }
}
