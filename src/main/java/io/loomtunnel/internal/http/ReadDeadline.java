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
 * reads"). Here a read is an untimed wait: before it, the reader publishes its deadline (one
 * System.nanoTime and one volatile store; one more after); the watchdog, a few times per timeout,
 * calls {@link #expire}, which runs the abort given at construction (shut the socket's input, close
 * the upstream) so that the waiting read ends, and the read then throws SocketTimeoutException.
 * An expired read source is dead: reads after it throw too, as they would from a closed socket.
 *
 * <p>Thread safety: one reading thread at a time ({@link #set} and the guarded stream's reads);
 * {@link #expire} may come from the watchdog and touches only the volatile fields and the abort.
 */
final class ReadDeadline implements BufferedInput.TimeoutSetter {
    private static final long NOT_READING = 0;

    private final Runnable abort;
    /** The timeout of each read; zero waits for ever. The reading thread's only. */
    private long timeoutNanos;
    /** System.nanoTime by which the read in progress must end, or NOT_READING. */
    private volatile long deadline = NOT_READING;
    private volatile boolean expired;

    /** @param abort ends a read blocked on the source (from the watchdog's thread); must not block */
    ReadDeadline(Runnable abort) {
        this.abort = abort;
    }

    /** The timeout of each read from now on, as Socket.setSoTimeout; zero waits for ever. */
    @Override
    public void set(Duration timeout) {
        timeoutNanos = timeout.toNanos();
    }

    /**
     * {@code in} with every read under this deadline; a new source (the next upstream) starts
     * unexpired. Call from the reading thread, with no read of an earlier source in progress.
     */
    InputStream guard(InputStream in) {
        expired = false;
        return new SourceInput((b, off, len) -> read(in, b, off, len));
    }

    /**
     * Called by the watchdog: if the read in progress is past its deadline, aborts the source (the
     * read then throws SocketTimeoutException) and returns true.
     */
    boolean expire(long nowNanos) {
        long d = deadline;
        if (d != NOT_READING && nowNanos - d > 0) {
            expired = true;
            abort.run();
            return true;
        }
        return false;
    }

    /** One read of {@code in} under the deadline. */
    private int read(InputStream in, byte[] b, int off, int len) throws IOException {
        if (expired) {
            throw timedOut();
        }
        long t = timeoutNanos;
        if (t > 0) {
            long d = System.nanoTime() + t;
            deadline = d == NOT_READING ? 1 : d;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            if (expired) {
                throw timedOut();
            }
            throw e;
        } finally {
            deadline = NOT_READING;
        }
        if (n < 0 && expired) {
            throw timedOut(); // the abort's end of stream, not the peer's
        }
        return n;
    }

    private static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("Read timed out");
    }
}
