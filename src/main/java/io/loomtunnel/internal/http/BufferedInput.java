package io.loomtunnel.internal.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A fixed-size read buffer over a socket-like stream: heads and chunk lines are found in place
 * (so none can exceed the buffer, which is maxHeadBytes), bodies pass through it.
 *
 * <p>Not thread-safe: used by one thread at a time (the connection's, or one splice direction).
 */
final class BufferedInput {
    /** Sets the read timeout of the stream below, as Socket.setSoTimeout does. */
    @FunctionalInterface
    interface TimeoutSetter {
        void set(Duration timeout) throws IOException;
    }

    private final InputStream in;
    private final TimeoutSetter timeouts;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean started;

    BufferedInput(InputStream in, TimeoutSetter timeouts, int capacity) {
        this(in, timeouts, new byte[capacity]);
    }

    /** Over {@code buf}, which it owns until it is dropped: a connection reuses one for each response it reads. */
    BufferedInput(InputStream in, TimeoutSetter timeouts, byte[] buf) {
        this.in = in;
        this.timeouts = timeouts;
        this.buf = buf;
    }

    int capacity() {
        return buf.length;
    }

    /** Whether any byte came from the stream below yet. */
    boolean started() {
        return started;
    }

    /** Bytes read from the stream below and not yet taken. */
    int buffered() {
        return limit - pos;
    }

    void setTimeout(Duration timeout) throws IOException {
        timeouts.set(timeout);
    }

    /** Waits (with the current timeout) until at least one byte is buffered; false at end of stream. */
    boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        pos = 0;
        limit = 0;
        return readMore();
    }

    /**
     * Reads one head: skips empty lines before it (RFC 9112 2.2), then returns the bytes through the
     * empty line that ends it. The whole head must arrive before {@code deadlineNanos}
     * (System.nanoTime), else SocketTimeoutException. Null at end of stream before any byte of it.
     */
    byte[] readHead(long deadlineNanos) throws IOException {
        int scanned = 0; // bytes after pos already known to hold no end of head
        while (true) {
            while (limit - pos >= 2 && buf[pos] == '\r' && buf[pos + 1] == '\n') {
                pos += 2;
                scanned = 0;
            }
            for (int i = pos + scanned; i < limit; i++) {
                if (buf[i] == '\n') {
                    if (i == pos || buf[i - 1] != '\r') {
                        throw new MalformedHttpException("line ends in a bare LF");
                    }
                    if (i - pos >= 3 && buf[i - 2] == '\n') {
                        byte[] head = Arrays.copyOfRange(buf, pos, i + 1);
                        pos = i + 1;
                        return head;
                    }
                }
            }
            scanned = limit - pos;
            if (scanned == buf.length) {
                throw new HeadTooLargeException(buf.length);
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("head not complete in time");
            }
            timeouts.set(Duration.ofNanos(Math.max(left, 1_000_000)));
            boolean started = limit > pos;
            if (!readMore()) {
                if (started) {
                    throw new EOFException("end of stream inside a head");
                }
                return null;
            }
        }
    }

    /**
     * One CRLF-terminated line (a chunk-size line), without its CRLF, read with the current
     * timeout; a line that does not fit in the buffer is HeadTooLargeException.
     */
    String readLine() throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = pos + scanned; i < limit; i++) {
                if (buf[i] == '\n') {
                    if (i == pos || buf[i - 1] != '\r') {
                        throw new MalformedHttpException("line ends in a bare LF");
                    }
                    String line = new String(buf, pos, i - 1 - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            scanned = limit - pos;
            if (scanned == buf.length) {
                throw new HeadTooLargeException(buf.length);
            }
            if (!readMore()) {
                throw new EOFException("end of stream inside a line");
            }
        }
    }

    /** Like InputStream.read: buffered bytes first, then straight from the stream into {@code b}. */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos < limit) {
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        int n = in.read(b, off, len);
        started |= n > 0;
        return n;
    }

    /** Reads into the free end of the buffer, compacting first; false at end of stream. */
    private boolean readMore() throws IOException {
        if (limit == buf.length) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            return false;
        }
        started |= n > 0;
        limit += n;
        return true;
    }
}
