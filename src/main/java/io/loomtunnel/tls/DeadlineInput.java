package io.loomtunnel.tls;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The socket's input as BC's record layer sees it, for the handshake's sake:
 * <ul>
 *   <li>while a deadline is set, each read may block only for the time left (SO_TIMEOUT), so a
 *       peer trickling a byte now and then cannot stretch the handshake past its timeout;
 *   <li>until the peer's first byte, a shorter deadline may apply ({@link #armFirstByte}), so a
 *       connection that says nothing is closed long before the handshake timeout;
 *   <li>while a deadline is set, output held back by {@link SocketOutput} is sent before waiting
 *       for the peer, so each handshake flight leaves in one piece;
 *   <li>closing it does not close the socket: BC closes input before output, and the output
 *       must still send a final alert or close_notify. {@link SocketOutput#close} closes the socket.
 * </ul>
 *
 * <p>Locking: none. It has one reader thread at a time (the handshake's, then the session
 * reader's); the deadline fields are volatile because {@link #arm} and {@link #disarm} may come
 * from another thread than the next read. {@code heard} and {@code onFirstByte} are the reader's.
 */
final class DeadlineInput extends FilterInputStream {

    private final Socket socket;
    private final SocketOutput output;
    private volatile long deadlineNanos;
    private volatile boolean armed;
    private volatile boolean eof;
    private volatile long firstByteDeadlineNanos;
    private volatile boolean firstByteArmed;
    private boolean heard;
    private Runnable onFirstByte;

    DeadlineInput(Socket socket, SocketOutput output) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
        this.output = output;
    }

    void arm(long timeoutNanos) {
        deadlineNanos = System.nanoTime() + timeoutNanos;
        armed = true;
    }

    /**
     * Until the peer's first byte arrives, reads wait at most until {@code silenceNanos} from now
     * (and never past the whole deadline); {@code whenHeard} runs on the reading thread once it has.
     */
    void armFirstByte(long silenceNanos, Runnable whenHeard) {
        onFirstByte = whenHeard;
        firstByteDeadlineNanos = System.nanoTime() + silenceNanos;
        firstByteArmed = true;
    }

    /** Whether a first-byte deadline was set and the peer has sent nothing yet. */
    boolean silent() {
        return firstByteArmed && !heard;
    }

    /** Lifts the deadline; reads block without limit again. */
    void disarm() throws IOException {
        armed = false;
        socket.setSoTimeout(0);
    }

    /** Whether the peer closed its side: BC reports that mid-handshake only as handshake_failure. */
    boolean reachedEof() {
        return eof;
    }

    @Override
    public int read() throws IOException {
        beforeWait();
        int b = in.read();
        noteRead(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        beforeWait();
        int n = in.read(b, off, len);
        noteRead(n);
        return n;
    }

    /** Notes the end of input, or the first byte: {@code n} bytes were read, -1 at the end. */
    private void noteRead(int n) {
        if (n < 0) {
            eof = true;
        } else if (n > 0 && !heard) {
            heard = true;
            if (onFirstByte != null) {
                onFirstByte.run();
            }
        }
    }

    @Override
    public void close() {
        // See the class comment: the socket is closed by the output side.
    }

    private void beforeWait() throws IOException {
        if (armed) {
            output.push();
            long until = firstByteArmed && !heard ? Math.min(deadlineNanos, firstByteDeadlineNanos) : deadlineNanos;
            long left = until - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            // Round up: SO_TIMEOUT 0 would mean "forever".
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
    }
}
