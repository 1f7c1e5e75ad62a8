package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A read timeout with the semantics of Socket.setSoTimeout (each read may wait at most the
 * timeout), kept as a deadline that the ingress's watchdog enforces instead of a timed wait inside
 * the read.
 *
 * <p>Why: on a virtual thread every timed wait (a socket read with SO_TIMEOUT, a timed park on a
 * stream's buffer) arms and then cancels a timer in the JDK scheduler's delay queue, and both wake
 * the queue's own thread: two of the six thread switches of an HTTP request proxied through a
 * tunnel, and a seventh of the server's CPU (docs/BENCHMARKS.md, "Read deadlines instead of timed
 * reads"). Here a read is an untimed wait: before it, the reader publishes its deadline (one
 * System.nanoTime and one compare-and-set; one more after); the watchdog, a few times per timeout,
 * calls {@link #expire}, which runs the abort given with the source (shut the socket's input, end
 * the upstream's read) so that the waiting read ends, and the read then throws SocketTimeoutException.
 * An expired read source is dead: reads after it throw too, as they would from a closed socket.
 *
 * <p>Thread safety: one reading thread at a time ({@link #set} and the guarded stream's reads);
 * {@link #expire} may come from the watchdog and touches only the current source's deadline and
 * abort.
 */
final class ReadDeadline implements BufferedInput.TimeoutSetter {
    private static final long NOT_READING = 0;
    /** The watchdog claimed the read: the source is aborted, and every read of it fails. */
    private static final long EXPIRED = 1;

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
        return s != null && s.expire(nowNanos);
    }

    /**
     * One source's reads. {@code deadline} is NOT_READING between reads, the read's deadline during
     * one, or EXPIRED once the watchdog claimed a read: the reader and the watchdog each move it by
     * compare-and-set, so exactly one of them decides how a read that ends at its deadline ends.
     */
    private final class Source {
        private final InputStream in;
        private final Runnable abort;
        private final AtomicLong deadline = new AtomicLong(NOT_READING);

        Source(InputStream in, Runnable abort) {
            this.in = in;
            this.abort = abort;
        }

        int read(byte[] b, int off, int len) throws IOException {
            long t = timeoutNanos;
            long d = NOT_READING;
            if (t > 0) {
                d = System.nanoTime() + t;
                if (d == NOT_READING || d == EXPIRED) {
                    d = EXPIRED + 1;
                }
                if (!deadline.compareAndSet(NOT_READING, d)) {
                    throw timedOut(); // expired before
                }
            } else if (deadline.get() == EXPIRED) {
                throw timedOut();
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                if (!disarm(d)) {
                    throw timedOut();
                }
                throw e;
            }
            if (!disarm(d)) {
                throw timedOut(); // the watchdog claimed this read and aborted the source: what came is dropped with it
            }
            return n;
        }

        /** After a read armed with {@code d}: false if the watchdog claimed it. */
        private boolean disarm(long d) {
            return d == NOT_READING ? deadline.get() != EXPIRED : deadline.compareAndSet(d, NOT_READING);
        }

        boolean expire(long nowNanos) {
            long d = deadline.get();
            if (d != NOT_READING && d != EXPIRED && nowNanos - d > 0 && deadline.compareAndSet(d, EXPIRED)) {
                abort.run();
                return true;
            }
            return false;
        }
    }

    private static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("Read timed out");
    }
}
