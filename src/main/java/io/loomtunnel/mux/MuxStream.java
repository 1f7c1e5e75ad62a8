package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.Flags;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameReader;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.internal.wire.Wire;
import io.loomtunnel.mux.StreamState.Event;
import io.loomtunnel.mux.StreamState.Sent;
import io.loomtunnel.mux.StreamState.Transition;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream of a session: a reliable, ordered, flow-controlled byte stream in each direction,
 * used through blocking {@link #input()} and {@link #output()} like a socket's.
 *
 * <p>Closing follows TCP: {@link #shutdownOutput()} half-closes (FIN); {@link #close()} sends FIN,
 * or RST(CANCEL) when unread data would be lost or a writer is blocked; {@link #reset} aborts
 * both directions. Any of them wakes every thread blocked on the stream.
 *
 * <p>States: the stream is in one {@link StreamState} at a time and moves only as that enum's
 * table says (the same table as docs/protocol/SESSION.md 3.2), by compare-and-set, so the
 * session reader never waits on an application thread to change it.
 *
 * <p>Threads: one thread may write while another reads. Writes are serialized by
 * {@code writeLock}, which is held while waiting for window credit and while writing a frame.
 *
 * <p>Locking: {@code writeLock} guards the send direction (a write's chunks, FIN, the close
 * decision). Lock order: {@code writeLock}, then the {@link SendWindow}'s lock (released while
 * waiting for credit), then the session's {@link io.loomtunnel.internal.wire.FrameWriter} lock
 * (held during the socket write); {@link #close} takes the {@link InboundBuffer}'s lock under
 * {@code writeLock}. Reads take only the InboundBuffer's lock, then (after releasing it) the
 * FrameWriter's for a WINDOW_UPDATE. {@code this} guards only the lazy {@code input} and
 * {@code output} and is never held with another lock. The timeouts are volatile: set by any
 * thread, read by the next wait.
 */
public final class MuxStream implements Closeable {
    /** DATA chunk: a whole frame, header included, fills exactly four 16 KiB TLS records. */
    static final int MAX_CHUNK = Wire.BULK_DATA_PAYLOAD;

    private static final byte[] NOTHING = new byte[0];
    private static final VarHandle STATE;
    private static final VarHandle HOLDS_GATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(MuxStream.class, "state", StreamState.class);
            HOLDS_GATE = lookup.findVarHandle(MuxStream.class, "holdsGate", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int id;
    private final MuxSession session;
    private final InboundBuffer inbound;
    private final SendWindow sendWindow = new SendWindow();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Changed only by {@link #move}. A field with a VarHandle, not an atomic object: streams are many. */
    private volatile StreamState state;
    /**
     * Whether this stream, opened here, still counts against the session's OpenGate: until the
     * peer's ACK, or until the stream is gone, whichever comes first. Not a state of its own: a
     * stream can half-close before its ACK comes.
     */
    private volatile boolean holdsGate;
    private volatile long readTimeoutNanos;
    private volatile long writeTimeoutNanos;
    private InputStream input;
    private OutputStream output;

    MuxStream(int id, MuxSession session, boolean openedHere) {
        this.id = id;
        this.session = session;
        this.inbound = new InboundBuffer(session.newReceiveWindow(), FrameReader.BULK_PAYLOADS);
        this.state = openedHere ? StreamState.SYN_SENT : StreamState.SYN_RECEIVED;
        this.holdsGate = openedHere;
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
     * Whether both directions are still open: neither side has sent FIN or RST and the session is
     * up. A stream kept idle for another use is checked with it first: the peer may have ended it meanwhile.
     *
     * @return true while the stream is opening or established
     */
    public boolean isOpen() {
        StreamState s = state;
        return s == StreamState.SYN_SENT || s == StreamState.SYN_RECEIVED || s == StreamState.ESTABLISHED;
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
        Transition t;
        writeLock.lock();
        try {
            t = move(Event.SHUTDOWN_OUTPUT);
            if (t.sent() != Sent.FIN) {
                return;
            }
            sendFin();
        } finally {
            writeLock.unlock();
        }
        removeIfGone(t);
    }

    /**
     * Aborts both directions with RST and the code; buffered and in-flight data is dropped.
     *
     * @param code the code the peer sees, e.g. {@link ErrorCode#CANCEL}
     * @throws IOException the session closed
     */
    public void reset(ErrorCode code) throws IOException {
        if (abort(Event.RESET, code)) {
            session.writer().write(Frame.reset(id, code));
        }
    }

    /**
     * Ends a read waiting on this stream now, and every later one, with {@code cause}, without
     * telling the peer: for a watchdog whose deadline passed, which must not block on the session's
     * writer. The owner then closes or resets the stream as usual. Never blocks for long (the
     * stream's buffer lock only).
     *
     * @param cause what the reads throw
     */
    public void failReads(IOException cause) {
        inbound.fail(cause, true);
    }

    /**
     * Closes the stream as TCP closes a socket: FIN if everything was read, RST(CANCEL) if unread
     * data is buffered or another thread is blocked writing. Never throws for a session that is gone.
     */
    @Override
    public void close() throws IOException {
        if (state.isGone()) {
            return;
        }
        if (inbound.buffered() > 0 || !writeLock.tryLock()) {
            reset(ErrorCode.CANCEL);
            return;
        }
        Transition t;
        try {
            inbound.fail(new IOException("stream " + id + " is closed"), true);
            t = move(Event.CLOSE);
            if (t.sent() == Sent.FIN) {
                sendFin();
            }
        } catch (IOException e) {
            if (!session.isClosed()) {
                throw e;
            }
            return; // nothing left to tell the peer
        } finally {
            writeLock.unlock();
        }
        removeIfGone(t);
    }

    // ---- the application side, used by StreamInput and StreamOutput ----

    int read(byte[] b, int off, int len) throws IOException {
        int[] credit = {0};
        int n = inbound.read(b, off, len, readTimeoutNanos, session.pings().smoothedNanos(), credit);
        grant(credit[0]);
        return n;
    }

    /**
     * Writes the next received bytes, as many as arrived in one DATA frame, to {@code out} in one
     * {@code write} straight from where they lie (no copy into a buffer of the caller's), waiting
     * like a read of {@link #input()}: for data, the end of the stream, a failure or the read
     * timeout. As {@link OutputStream#write(byte[], int, int)} says, {@code out} must not keep the
     * array: it is reused for later data once the write returns. Use this or the input stream, not
     * both at once.
     *
     * @param out where the bytes go, in one {@code write(byte[], int, int)}
     * @return the number of bytes written, or -1 at the end of the stream
     * @throws IOException as a read of {@link #input()} would (a reset, a timeout, a lost session),
     *     or as {@code out} threw
     */
    public int receive(OutputStream out) throws IOException {
        int[] credit = {0};
        InboundBuffer.Chunk chunk = inbound.take(readTimeoutNanos, session.pings().smoothedNanos(), credit);
        grant(credit[0]);
        if (chunk == null) {
            return -1;
        }
        try {
            out.write(chunk.array(), chunk.offset(), chunk.length());
        } finally {
            inbound.giveBack(chunk.array());
        }
        return chunk.length();
    }

    /** Sends the peer the window credit a read freed, unless it may not send any more. */
    private void grant(int credit) throws IOException {
        if (credit > 0 && state.peerMaySend()) {
            session.writer().write(Frame.windowUpdate(id, Flags.NONE, credit));
        }
    }

    long available() {
        return inbound.buffered();
    }

    void write(byte[] b, int off, int len) throws IOException {
        writeLock.lock();
        try {
            if (state.finSent()) {
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
        if (state.on(Event.DATA_RECEIVED).sent() != Sent.RST_STREAM_CLOSED) {
            inbound.deliver(id, payload); // a reset or finished buffer drops it after counting the window
            return;
        }
        // The peer sent data after its FIN, or the application closed the stream: tell the
        // peer, so its writer does not wait for credit for ever (docs/protocol/SESSION.md 3.1).
        if (abort(Event.DATA_RECEIVED, ErrorCode.STREAM_CLOSED)) {
            session.owe(id, ErrorCode.STREAM_CLOSED);
        }
    }

    void onFin() {
        Transition t = move(Event.FIN_RECEIVED);
        inbound.finish();
        removeIfGone(t);
    }

    void onReset(ErrorCode code) {
        Transition t = move(Event.RST_RECEIVED);
        if (t.changes()) {
            StreamResetException e = new StreamResetException(id, code, true);
            sendWindow.fail(e);
            inbound.fail(e, true);
            removeIfGone(t);
        }
    }

    void onCredit(int increment) throws ProtocolException {
        sendWindow.grant(id, increment);
    }

    void onAck() {
        move(Event.ACK_RECEIVED);
        releaseGate();
    }

    /** The application took the stream from the accept backlog: acknowledge it to the peer. */
    void accepted() throws IOException {
        if (move(Event.ACCEPT).sent() == Sent.ACK) {
            session.writer().write(Frame.windowUpdate(id, Flags.ACK, 0));
        }
    }

    void sessionClosed(IOException cause) {
        Transition t = move(Event.SESSION_END);
        sendWindow.fail(cause);
        inbound.fail(cause, false);
        removeIfGone(t);
    }

    /**
     * Resets the stream from this side with {@code code} (an application reset, or DATA the
     * stream cannot take); true if the transition calls for a RST, which the caller sends.
     */
    private boolean abort(Event event, ErrorCode code) {
        Transition t = move(event);
        if (!t.changes()) {
            return false; // reset already, or (for DATA) another thread moved the stream meanwhile
        }
        StreamResetException e = new StreamResetException(id, code, false);
        sendWindow.fail(e);
        inbound.fail(e, true);
        removeIfGone(t);
        return true;
    }

    /** Writes FIN; the caller holds {@code writeLock} and has moved the stream to a state with FIN sent. */
    private void sendFin() throws IOException {
        sendWindow.fail(new IOException("stream " + id + " output is shut down"));
        session.writer().writeData(id, Flags.FIN, NOTHING, 0, 0);
    }

    /**
     * Takes the transition {@code event} calls for in the current state, retrying if another
     * thread changed the state meanwhile. Returns it; {@link Transition#changes()} is false when
     * the state stays.
     */
    private Transition move(Event event) {
        while (true) {
            StreamState from = state;
            Transition t = from.on(event);
            if (!t.changes() || STATE.compareAndSet(this, from, t.to())) {
                return t;
            }
        }
    }

    /** Leaves the session once the transition took the stream out of it (only one transition can). */
    private void removeIfGone(Transition t) {
        if (!t.from().isGone() && t.to().isGone()) {
            releaseGate();
            inbound.release();
            session.removed(this);
        }
    }

    private void releaseGate() {
        if (HOLDS_GATE.compareAndSet(this, true, false)) {
            session.openGate().leave();
        }
    }

    StreamState state() {
        return state;
    }

    @Override
    public String toString() {
        return "stream " + id + " (" + state + ") of " + session;
    }
}
