package io.loomtunnel.internal.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A byte stream in each direction to the web app, shaped like a socket: in production a
 * {@code MuxStream} through the tunnel session (the same methods, so the adapter is a delegation).
 */
public interface Upstream extends Closeable {
    InputStream input();

    OutputStream output();

    /** Half-close: the app reads end of stream; used when one side of a spliced upgrade ends. */
    void shutdownOutput() throws IOException;

    /** Like Socket.setSoTimeout: a read waiting longer throws SocketTimeoutException; zero waits for ever. */
    void setReadTimeout(Duration timeout);

    /**
     * Ends a read waiting for the app's bytes, from another thread (a watchdog whose deadline
     * passed), without blocking: no frame may be sent and no lock held by a writer taken. The
     * reader's owner closes the upstream afterwards. The default closes it, for upstreams whose
     * close cannot block.
     */
    default void abortRead() throws IOException {
        close();
    }

    /**
     * Whether it may carry another request: both directions still open and nothing unasked-for
     * waiting to be read. One that cannot report it says false, and is never reused.
     */
    default boolean isOpen() {
        return false;
    }
}
