package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.Flags;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.internal.wire.Wire;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream of a session: a reliable, ordered, flow-controlled byte stream in each direction,
 * used through blocking {@link #input()} and {@link #output()} like a socket's.
 *
 * <p>Closing follows TCP: {@link #shutdownOutput()} half-closes (FIN); {@link #close()} sends FIN,
 * or RST(CANCEL) when unread data would be lost or a writer is blocked; {@link #reset} aborts
 * both directions. Any of them wakes every thread blocked on the stream.
 *
 * <p>Threads: one thread may write while another reads. Writes are serialized by
 * {@code writeLock}, which is held while waiting for window credit and while writing a frame;
 * the stream's state is a set of bits changed atomically, so the session reader never waits on it.
 */
public final class MuxStream implements Closeable {
    /** DATA chunk: a whole frame, header included, fills exactly four 16 KiB TLS records. */
    static final int MAX_CHUNK = 4 * 16_384 - Wire.HEADER_SIZE;

    private static final byte[] NOTHING = new byte[0];
    private static final int FIN_SENT = 1;
    private static final int FIN_RECEIVED = 2;
    private static final int RESET = 4;
    private static final int CLOSED_LOCALLY = 8;
    /** The opener's claim on the session's OpenGate is released (ACK, RST or gone). */
    private static final int GATE_RELEASED = 16;
    private static final int REMOVED = 32;

    private final int id;
    private final MuxSession session;
    private final InboundBuffer inbound;
    private final SendWindow sendWindow = new SendWindow();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicInteger state;
    private volatile long readTimeoutNanos;
    private volatile long writeTimeoutNanos;
    private InputStream input;
    private OutputStream output;

    MuxStream(int id, MuxSession session, boolean openedHere) {
        this.id = id;
        this.session = session;
        this.inbound = new InboundBuffer(session.newReceiveWindow());
        this.state = new AtomicInteger(openedHere ? 0 : GATE_RELEASED);
    }

    /**
     * The stream's id: odd when the dialer opened it, even when the acceptor did.
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * The session the stream belongs to.
     *
     * @return the session
     */
    public MuxSession session() {
        return session;
    }

    /**
     * What the peer sent: reads block until data, end of stream (the peer's FIN) or a reset.
     *
     * @return the stream's input
     */
    public synchronized InputStream input() {
        if (input == null) {
            input = new StreamInput(this);
        }
        return input;
    }

    /**
     * Where this side sends: writes block while the peer's window is full.
     *
     * @return the stream's output
     */
    public synchronized OutputStream output() {
        if (output == null) {
            output = new StreamOutput(this);
        }
        return output;
    }

    /**
     * Like Socket.setSoTimeout: a read that waits longer throws SocketTimeoutException; zero waits for ever.
     *
     * @param timeout the longest wait of one read
     */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = timeout.toNanos();
    }

    /**
     * A write that waits longer for window credit throws SocketTimeoutException; zero waits for ever.
     *
     * @param timeout the longest wait of one write for credit
     */
    public void setWriteTimeout(Duration timeout) {
        writeTimeoutNanos = timeout.toNanos();
    }

    /**
     * Ends this side's direction (FIN); the peer reads end of stream after the data already written.
     *
     * @throws IOException the stream was reset or the session closed
     */
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            if (has(RESET) || !setBits(FIN_SENT)) {
                return;
            }
            sendWindow.fail(new IOException("stream " + id + " output is shut down"));
            session.writer().writeData(id, Flags.FIN, NOTHING, 0, 0);
        } finally {
            writeLock.unlock();
        }
        removeIfDone();
    }

    /**
     * Aborts both directions with RST and the code; buffered and in-flight data is dropped.
     *
     * @param code the code the peer sees, e.g. {@link ErrorCode#CANCEL}
     * @throws IOException the session closed
     */
    public void reset(ErrorCode code) throws IOException {
        if (abort(code)) {
            session.writer().write(Frame.reset(id, code));
        }
    }

    /**
     * Closes the stream as TCP closes a socket: FIN if everything was read, RST(CANCEL) if unread
     * data is buffered or another thread is blocked writing. Never throws for a session that is gone.
     */
    @Override
    public void close() throws IOException {
        if (has(RESET | REMOVED)) {
            return;
        }
        if (inbound.buffered() > 0 || !writeLock.tryLock()) {
            reset(ErrorCode.CANCEL);
            return;
        }
        try {
            setBits(CLOSED_LOCALLY);
            inbound.fail(new IOException("stream " + id + " is closed"), true);
        } finally {
            writeLock.unlock();
        }
        try {
            shutdownOutput();
        } catch (IOException e) {
            if (!session.isClosed()) {
                throw e;
            } // else: nothing left to tell the peer
        }
    }

    // ---- the application side, used by StreamInput and StreamOutput ----

    int read(byte[] b, int off, int len) throws IOException {
        int[] credit = {0};
        int n = inbound.read(b, off, len, readTimeoutNanos, session.pings().smoothedNanos(), credit);
        if (credit[0] > 0 && !has(RESET | FIN_RECEIVED)) {
            session.writer().write(Frame.windowUpdate(id, Flags.NONE, credit[0]));
        }
        return n;
    }

    long available() {
        return inbound.buffered();
    }

    void write(byte[] b, int off, int len) throws IOException {
        writeLock.lock();
        try {
            if (has(FIN_SENT | CLOSED_LOCALLY) && !has(RESET)) {
                throw new IOException("stream " + id + " output is shut down");
            }
            // One flush per write call: the frames of a large write leave together. Before waiting
            // for credit, though, what is buffered must go: the peer grants credit only for data it got.
            while (len > 0) {
                int n = sendWindow.tryAcquire(Math.min(len, MAX_CHUNK));
                if (n == 0) {
                    session.writer().flush();
                    n = sendWindow.acquire(Math.min(len, MAX_CHUNK), writeTimeoutNanos);
                }
                session.writer().writeData(id, Flags.NONE, b, off, n, len > n);
                off += n;
                len -= n;
            }
        } finally {
            writeLock.unlock();
        }
    }

    // ---- the session reader's side: never blocks ----

    void onData(byte[] payload) throws ProtocolException {
        if (has(CLOSED_LOCALLY | FIN_RECEIVED)) {
            // The application closed the stream, or the peer sent data after its FIN: tell the
            // peer, so its writer does not wait for credit for ever (docs/protocol/SESSION.md 3.1).
            if (abort(ErrorCode.STREAM_CLOSED)) {
                session.owe(id, ErrorCode.STREAM_CLOSED);
            }
            return;
        }
        inbound.deliver(id, payload);
    }

    void onFin() {
        setBits(FIN_RECEIVED);
        inbound.finish();
        removeIfDone();
    }

    void onReset(ErrorCode code) {
        if (setBits(RESET)) {
            StreamResetException e = new StreamResetException(id, code, true);
            sendWindow.fail(e);
            inbound.fail(e, true);
            remove();
        }
    }

    void onCredit(int increment) throws ProtocolException {
        sendWindow.grant(id, increment);
    }

    void onAck() {
        releaseGate();
    }

    void sessionClosed(IOException cause) {
        sendWindow.fail(cause);
        inbound.fail(cause, false);
        remove();
    }

    /** Marks the stream reset by this side; true if it was not already reset (so a RST is due). */
    private boolean abort(ErrorCode code) {
        if (!setBits(RESET)) {
            return false;
        }
        StreamResetException e = new StreamResetException(id, code, false);
        sendWindow.fail(e);
        inbound.fail(e, true);
        remove();
        return true;
    }

    private void removeIfDone() {
        int s = state.get();
        boolean outDone = (s & FIN_SENT) != 0;
        boolean inDone = (s & FIN_RECEIVED) != 0;
        if (outDone && inDone) {
            remove();
        }
    }

    private void remove() {
        if (setBits(REMOVED)) {
            releaseGate();
            inbound.release();
            session.removed(this);
        }
    }

    private void releaseGate() {
        if (setBits(GATE_RELEASED)) {
            session.openGate().leave();
        }
    }

    private boolean has(int bits) {
        return (state.get() & bits) != 0;
    }

    /** Sets the bits; true if this call set at least one of them. */
    private boolean setBits(int bits) {
        int prev = state.getAndUpdate(s -> s | bits);
        return (prev & bits) != bits;
    }

    @Override
    public String toString() {
        return "stream " + id + " of " + session;
    }
}
