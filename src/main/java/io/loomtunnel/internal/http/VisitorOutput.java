package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * What goes to a visitor: a buffered output whose every socket write has a deadline, and which
 * can hold a response head back until the first byte of its body is known.
 *
 * <p>Deadlines: a blocking socket write has no timeout in Java, so each write publishes the time
 * by which it must be done (its {@link Pace}'s time left: the send timeout, less what the visitor
 * already fell behind the minimum rate) and the ingress's watchdog calls {@link #expire}, which
 * closes the socket of a write past it; the write then fails ({@link WatchedDeadline}: one
 * compare-and-set before and after each write, one shared thread for every connection).
 *
 * <p>Held head: {@link #hold} keeps the final response head out of the socket until the next
 * flush or write of body bytes, so a response that breaks before its body's first byte can still
 * become a 502 ({@link #discardHeld}) instead of a truncated response. The head then leaves in one
 * write with the body bytes gathered behind it (all of a small response), not in a write of its own.
 *
 * <p>Thread safety: one writer thread at a time (the connection's); {@link #expire} may come from
 * the watchdog and touches only {@code deadline} and the socket.
 */
final class VisitorOutput extends OutputStream {
    private final Socket socket;
    private final OutputStream out;
    private final Pace pace;
    private final byte[] buf;
    private int count;
    private byte[] held;
    /** When the write in progress must end (its Pace's time left), enforced by the watchdog. */
    private final WatchedDeadline deadline = new WatchedDeadline();

    VisitorOutput(Socket socket, Pace pace, int bufferBytes) throws IOException {
        this(socket, pace, new byte[bufferBytes]);
    }

    /** Gathering in {@code buf}, which it owns until it is dropped. */
    VisitorOutput(Socket socket, Pace pace, byte[] buf) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.pace = pace;
        this.buf = buf;
    }

    /** A new response: the visitor gets the whole send timeout again. */
    void resetPace() {
        pace.reset();
    }

    /** Keeps {@code head} back until body bytes are written or flushed; whatever was written before must be flushed. */
    void hold(byte[] head) {
        if (count > 0 || held != null) {
            throw new IllegalStateException("a head held behind unflushed bytes");
        }
        held = head;
    }

    /** True while a held head has not gone out: the response can still be replaced by an error page. */
    boolean holding() {
        return held != null;
    }

    /** Forgets the held head (and nothing else is buffered while one is held). */
    void discardHeld() {
        held = null;
        count = 0;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buf.length) {
            flush();
            send(b, off, len);
        } else {
            if (len > buf.length - count) {
                flush();
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }

    /** Sends what is gathered; a held head and the body bytes behind it leave in one write when they fit the buffer together. */
    @Override
    public void flush() throws IOException {
        if (held != null) {
            byte[] head = held;
            held = null;
            if (head.length + count <= buf.length) {
                System.arraycopy(buf, 0, buf, head.length, count);
                System.arraycopy(head, 0, buf, 0, head.length);
                count += head.length;
            } else {
                send(head, 0, head.length);
            }
        }
        if (count > 0) {
            int n = count;
            count = 0;
            send(buf, 0, n);
        }
    }

    /**
     * Called by the watchdog: if the write in progress is past its deadline, closes the socket (the
     * write then fails) and returns true.
     */
    boolean expire(long nowNanos) {
        if (deadline.claim(nowNanos)) {
            closeQuietly(socket);
            return true;
        }
        return false;
    }

    private void send(byte[] b, int off, int len) throws IOException {
        long left = pace.leftNanos();
        long start = System.nanoTime();
        if (left <= 0 || !deadline.arm(start + left)) {
            closeQuietly(socket);
            throw new SendTimeoutException();
        }
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw deadline.disarm() ? e : new SendTimeoutException();
        }
        deadline.disarm(); // claimed as it ended: the socket is closed, and the next write fails
        pace.moved(System.nanoTime() - start, len);
    }

    /** The visitor did not take the bytes in time; the socket is closed. */
    static final class SendTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        SendTimeoutException() {
            super("the visitor read slower than the minimum rate (or not at all)");
        }
    }
}
