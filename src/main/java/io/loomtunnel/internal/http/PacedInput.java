package io.loomtunnel.internal.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A visitor's socket input that, while a request body is read, gives each read only the time
 * left in the body's {@link Pace} (SocketTimeoutException when it runs out) and counts what
 * arrived. Outside a body it passes reads through with the timeout its reader set.
 *
 * <p>Not thread-safe: the connection's thread only.
 */
final class PacedInput extends FilterInputStream {
    private static final long MIN_TIMEOUT_NANOS = 1_000_000; // SO_TIMEOUT has millisecond steps; 0 would mean for ever

    private final BufferedInput.TimeoutSetter timeouts;
    private Pace pace;

    PacedInput(InputStream in, BufferedInput.TimeoutSetter timeouts) {
        super(in);
        this.timeouts = timeouts;
    }

    /** Paces every read by {@code p}, from a full bucket, until {@link #unpaced}. */
    void paced(Pace p) {
        p.reset();
        pace = p;
    }

    void unpaced() {
        pace = null;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Pace p = pace;
        if (p == null) {
            return in.read(b, off, len);
        }
        long left = p.leftNanos();
        if (left <= 0) {
            throw new SocketTimeoutException("the request body came slower than the minimum rate");
        }
        timeouts.set(Duration.ofNanos(Math.max(left, MIN_TIMEOUT_NANOS)));
        long start = System.nanoTime();
        int n = in.read(b, off, len);
        p.moved(System.nanoTime() - start, Math.max(n, 0));
        return n;
    }
}
