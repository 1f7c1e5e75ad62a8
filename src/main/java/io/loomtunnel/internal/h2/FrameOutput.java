package io.loomtunnel.internal.h2;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What one HTTP/2 connection writes: groups of frames kept whole on the wire by one lock. A group
 * is flushed unless another writer already waits for the lock, which then flushes for both, so
 * concurrent streams share socket writes. A failed write fails every later one (the connection is
 * broken). Both ends that send HTTP/2 use it: the ingress's connections to visitors and the
 * client's h2c connections to local services.
 *
 * <p>Locking: {@code lock} is held while writing to the socket; under it a caller may take only
 * {@link SendWindows}' lock (the h2c upstream opens a stream's window while taking its id).
 */
public final class FrameOutput {
    private final OutputStream out;
    private final Object lock = new Object();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean broken;

    /** {@code out}: buffered, over the connection's socket. */
    public FrameOutput(OutputStream out) {
        this.out = out;
    }

    public void write(byte[]... frames) throws IOException {
        writeMade(() -> frames);
    }

    /**
     * Writes the frames {@code made} returns, calling it with the lock held: a new stream's id taken
     * there goes out before any higher one (RFC 9113 5.1.1). {@code made} may return null: nothing to write.
     */
    public void writeMade(Supplier<byte[][]> made) throws IOException {
        waiting.incrementAndGet();
        synchronized (lock) {
            waiting.decrementAndGet();
            if (broken) {
                throw new IOException("the HTTP/2 connection is broken");
            }
            byte[][] frames = made.get();
            if (frames == null) {
                return;
            }
            try {
                for (byte[] f : frames) {
                    out.write(f);
                }
                if (waiting.get() == 0) {
                    out.flush();
                }
            } catch (IOException e) {
                broken = true;
                throw e;
            }
        }
    }
}
