package io.loomtunnel.mux;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.Flags;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameReader;
import io.loomtunnel.internal.wire.FrameWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One multiplexed session over a connection (docs/protocol/SESSION.md sections 3 and 4): opens and
 * accepts streams, carries datagrams and control messages, measures RTT, and closes cleanly.
 *
 * <p>Threads: a reader ({@link SessionReader}, on a platform thread) and a {@link Housekeeper}
 * (virtual), the session's own ({@code "loomtunnel session NAME: reader"} and {@code "...:
 * housekeeper"}), which closing ends and joins (except when the closing thread is one of them: it
 * does not wait for itself); closing closes the transport first, which is what wakes the reader.
 * Application threads open, accept, read and write; frames from all of them are serialized and
 * coalesced by one {@link FrameWriter}.
 *
 * <p>Locking: {@code openLock} makes id allocation and the SYN write one step, so SYNs leave in
 * id order. Closing is a single compare-and-set on {@code closeCause}; everything else is owned
 * by the small classes named above, each of which states its own rules.
 *
 * <p>Why this class stays whole (about 540 lines, a third of them javadoc): it is the session's
 * public face, and its methods with their contracts are most of its lines; and it is the one place
 * that knows the order in which a session ends ({@link #terminate}: refuse opens, fail every
 * waiter, stop the housekeeper, fail the streams, tell the peer, close the connection). Every job
 * with state of its own already has its own class: reading ({@link SessionReader}), keepalive and
 * owed frames ({@link Housekeeper}), stream ids ({@link StreamTable}), the open backlog ({@link
 * OpenGate}), the inboxes ({@link Inbox}), RTT ({@link PingTracker}), flow control ({@link
 * ReceiveWindow}, {@link SendWindow}, {@link WindowBudget}) and stream states ({@link
 * StreamState}). Splitting further would spread the ending order over several files or add classes
 * that only forward.
 */
public final class MuxSession implements Closeable {
    private static final System.Logger LOG = System.getLogger(MuxSession.class.getName());
    private static final byte[] NOTHING = new byte[0];
    private static final Duration GO_AWAY_WRITE_LIMIT = Duration.ofSeconds(1);
    /** After a failed write, how long the reader may take to end the session with the peer's own reason. */
    private static final Duration READER_GRACE = Duration.ofSeconds(1);

    /** Which side opened the connection: it decides stream id parity. */
    public enum Role {
        /** Opened the connection: its streams have odd ids. */
        DIALER,
        /** Accepted the connection: its streams have even ids. */
        ACCEPTOR
    }

    private final String name;
    private final MuxConfig config;
    private final Closeable transport;
    private final FrameWriter writer;
    private final StreamTable table;
    private final OpenGate openGate;
    private final ReentrantLock openLock = new ReentrantLock();
    private final Inbox<MuxStream> accepted;
    private final Inbox<Datagram> datagrams;
    private final Inbox<byte[]> controls;
    private final WindowBudget windowBudget;
    /** Time for RTTs and window growth: System.nanoTime, or a clock a test drives. */
    private final LongSupplier nanoClock;
    private final PingTracker pings;
    private final Housekeeper housekeeper;
    private final OwnedThreads threads;
    private final AtomicLong droppedDatagrams = new AtomicLong();
    private final AtomicReference<SessionClosedException> closeCause = new AtomicReference<>();
    private final AtomicReference<SessionClosedException> goingAway = new AtomicReference<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long lastReceivedNanos = System.nanoTime();

    private MuxSession(OutputStream out, Closeable transport, Role role, MuxConfig config, String name,
                       LongSupplier nanoClock) {
        this.name = name;
        this.config = config;
        this.nanoClock = nanoClock;
        this.pings = new PingTracker(nanoClock);
        this.transport = transport;
        this.writer = new FrameWriter(out);
        this.table = new StreamTable(role == Role.DIALER);
        this.openGate = new OpenGate(config.acceptBacklog());
        this.accepted = new Inbox<>(config.acceptBacklog(), "incoming stream");
        this.datagrams = new Inbox<>(config.datagramQueue(), "datagram");
        this.controls = new Inbox<>(config.controlQueue(), "control message");
        this.windowBudget = new WindowBudget(config.growthBudget());
        this.housekeeper = new Housekeeper(this, config.keepaliveInterval(), config.keepaliveTimeout());
        this.threads = new OwnedThreads("session " + name);
    }

    /**
     * Starts a session on a connection whose preambles (and hello) have been exchanged.
     *
     * @param in the connection's input, ideally buffered
     * @param out the connection's output; frames are coalesced before they reach it
     * @param transport closed when the session ends; closing it must wake blocked reads and writes
     * @param name names the session's threads and messages (e.g. the peer's address)
     * @param role which side this is
     * @param config windows, limits, keepalive
     * @return the session; its reader thread has started (it may already have ended, if the peer hung up)
     */
    public static MuxSession start(InputStream in, OutputStream out, Closeable transport, Role role,
                                   MuxConfig config, String name) {
        return start(in, out, transport, role, config, name, System::nanoTime);
    }

    /** As above, with a clock for RTTs and window growth: tests drive it to make growth deterministic. */
    static MuxSession start(InputStream in, OutputStream out, Closeable transport, Role role,
                            MuxConfig config, String name, LongSupplier nanoClock) {
        MuxSession s = new MuxSession(out, transport, role, config, name, nanoClock);
        // A platform thread: a session read wakes straight from the kernel, not through the JDK's
        // poller and then a carrier (docs/BENCHMARKS.md "Fewer hand-offs"); sessions are few.
        s.threads.startPlatform("reader", new SessionReader(s, new FrameReader(in), s.table));
        // A peer that hangs up at once lets the reader close the session, and with it its threads,
        // before this line: the housekeeper then has nothing to keep, and start still returns.
        s.threads.startIfOpen("housekeeper", s.housekeeper);
        return s;
    }

    // ---- streams ----

    /**
     * Opens a stream, waiting (for ever) while the peer has not accepted a backlog's worth of earlier ones.
     *
     * @return the new stream
     * @throws IOException the session closed
     */
    public MuxStream open() throws IOException {
        return open(Duration.ZERO);
    }

    /**
     * Opens a stream, waiting up to {@code timeout} (zero = for ever) for room in the peer's backlog.
     *
     * @param timeout how long to wait for room
     * @return the new stream
     * @throws IOException the session closed, or the timeout passed
     */
    public MuxStream open(Duration timeout) throws IOException {
        checkUsable();
        openGate.enter(timeout.toNanos());
        MuxStream stream;
        openLock.lock();
        try {
            checkUsable();
            int id = table.allocateLocalId();
            if (id < 0) {
                throw new SessionClosedException(ErrorCode.NO_ERROR, "stream ids of session " + name + " are used up; start a new session");
            }
            stream = new MuxStream(id, this, true);
            table.put(stream);
            writer.writeData(id, Flags.SYN, NOTHING, 0, 0);
        } catch (IOException | RuntimeException e) {
            openGate.leave();
            throw e;
        } finally {
            openLock.unlock();
        }
        return stream;
    }

    /**
     * Waits for the peer to open a stream (for ever) and acknowledges it.
     *
     * @return the peer's stream
     * @throws IOException the session closed
     */
    public MuxStream accept() throws IOException {
        return accept(Duration.ZERO);
    }

    /**
     * Waits up to {@code timeout} (zero = for ever) for the peer to open a stream, and acknowledges it.
     *
     * @throws java.net.SocketTimeoutException when none came in time
     * @throws SessionClosedException when the session has closed
     * @param timeout how long to wait (zero = for ever)
     * @return the peer's stream
     */
    public MuxStream accept(Duration timeout) throws IOException {
        MuxStream stream = accepted.take(timeout.toNanos());
        stream.accepted();
        return stream;
    }

    // ---- datagrams and control messages ----

    /**
     * Sends an unreliable datagram (at most 65,536 bytes) tagged with a flow id.
     *
     * @param flowId a tag the receiver sees
     * @param bytes the buffer
     * @param offset where the datagram starts
     * @param length its length
     * @throws IOException the session closed, or the datagram is too long
     */
    public void sendDatagram(int flowId, byte[] bytes, int offset, int length) throws IOException {
        checkNotClosed();
        writer.write(Frame.datagram(flowId, Arrays.copyOfRange(bytes, offset, offset + length)));
    }

    /**
     * Waits up to {@code timeout} (zero = for ever) for a datagram.
     *
     * @param timeout how long to wait
     * @return the datagram
     * @throws IOException the session closed, or none came in time ({@link java.net.SocketTimeoutException})
     */
    public Datagram receiveDatagram(Duration timeout) throws IOException {
        return datagrams.take(timeout.toNanos());
    }

    /**
     * Datagrams dropped because the application did not take them fast enough.
     *
     * @return the count since start
     */
    public long droppedDatagrams() {
        return droppedDatagrams.get();
    }

    /**
     * Sends one control message: a UTF-8 JSON object.
     *
     * @param json the message
     * @throws IOException the session closed
     */
    public void sendControl(byte[] json) throws IOException {
        checkNotClosed();
        writer.write(Frame.control(json));
    }

    /**
     * Waits up to {@code timeout} (zero = for ever) for a control message.
     *
     * @param timeout how long to wait
     * @return the message
     * @throws IOException the session closed, or none came in time ({@link java.net.SocketTimeoutException})
     */
    public byte[] receiveControl(Duration timeout) throws IOException {
        return controls.take(timeout.toNanos());
    }

    // ---- health ----

    /**
     * Sends a PING and waits up to {@code timeout} for its ACK; returns the round-trip time.
     *
     * @param timeout how long to wait for the ACK
     * @return the round-trip time
     * @throws IOException the session closed, or no ACK came in time
     */
    public Duration ping(Duration timeout) throws IOException {
        checkNotClosed();
        CompletableFuture<Duration> rtt = new CompletableFuture<>();
        long value = pings.start(rtt);
        try {
            writer.write(Frame.ping(false, value));
            return rtt.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new java.net.SocketTimeoutException("no PING ACK within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted during ping");
        } finally {
            pings.abandon(value);
        }
    }

    /**
     * Smoothed round-trip time from PINGs, or null before the first one came back.
     *
     * @return the smoothed RTT, or null
     */
    public Duration rtt() {
        long n = pings.smoothedNanos();
        return n < 0 ? null : Duration.ofNanos(n);
    }

    /**
     * Hands each RTT measured from now on (nanoseconds) to {@code listener}, e.g. a metrics timer.
     * It runs on the session's reader thread: it must be quick and must not block.
     *
     * @param listener takes each RTT in nanoseconds
     */
    public void onRtt(java.util.function.LongConsumer listener) {
        pings.listener(listener);
    }

    /**
     * Open streams, both directions.
     *
     * @return how many
     */
    public int streamCount() {
        return table.size();
    }

    /**
     * Whether the session has closed.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closeCause.get() != null;
    }

    /**
     * Why the session closed, or null while it is open.
     *
     * @return the cause, with its error code, or null
     */
    public SessionClosedException closeCause() {
        return closeCause.get();
    }

    /**
     * Waits up to {@code timeout} for the session to close; true if it has.
     *
     * @param timeout how long to wait
     * @return true if it closed
     * @throws InterruptedException interrupted while waiting
     */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ---- ending ----

    /**
     * Graceful end: sends GO_AWAY(NO_ERROR), refuses new streams, lets open streams finish for
     * up to {@code drain}, then closes.
     *
     * @param drain how long open streams may go on
     * @throws InterruptedException interrupted while draining; the session is closed all the same
     */
    public void shutdown(Duration drain) throws InterruptedException {
        if (goingAway.compareAndSet(null, new SessionClosedException(ErrorCode.NO_ERROR, "session " + name + " is shutting down"))) {
            openGate.fail(goingAway.get());
            try {
                writer.write(Frame.goAway(ErrorCode.NO_ERROR, "shutting down"));
            } catch (IOException e) {
                writeFailed(e);
            }
        }
        closeIfDrained();
        if (!awaitClosed(drain)) {
            terminate(ErrorCode.NO_ERROR, "drain time of " + drain.toMillis() + " ms is over", true);
        }
    }

    /** Closes at once: GO_AWAY(NO_ERROR) to the peer, every stream fails, the connection closes. */
    @Override
    public void close() {
        terminate(ErrorCode.NO_ERROR, "closed by this side", true);
    }

    /**
     * Closes at once, telling the peer why with GO_AWAY(code, reason).
     *
     * @param code the error code the peer sees
     * @param reason a few words for the peer's log
     */
    public void close(ErrorCode code, String reason) {
        terminate(code, reason, true);
    }

    /**
     * Ends the session exactly once: fails every stream and waiter with the cause, tells the peer
     * (best effort, bounded in time) and closes the connection.
     */
    void terminate(ErrorCode code, String reason, boolean tellPeer) {
        SessionClosedException cause = new SessionClosedException(code, "session " + name + " closed: " + reason);
        if (!closeCause.compareAndSet(null, cause)) {
            return;
        }
        if (code != ErrorCode.NO_ERROR) {
            LOG.log(Level.DEBUG, "session {0} closing: {1} {2}", name, code, reason);
        }
        openGate.fail(cause);
        accepted.fail(cause);
        datagrams.fail(cause);
        controls.fail(cause);
        pings.failAll(cause);
        housekeeper.stop();
        for (MuxStream s : List.copyOf(table.all())) {
            s.sessionClosed(cause);
        }
        if (tellPeer) {
            // The socket may be stuck behind a peer that reads nothing: never wait more than a moment.
            try {
                threads.start("go away", () -> {
                    try {
                        writer.write(Frame.goAway(code, reason));
                    } catch (IOException ignored) {
                        // the peer is gone; closing below is all that is left
                    }
                }).get(GO_AWAY_WRITE_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RejectedExecutionException stuckOrClosed) {
                // closing below wakes a write stuck behind a peer that reads nothing
            }
        }
        try {
            transport.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing transport of {0}: {1}", name, e);
        }
        closed.countDown();
        threads.close(); // the transport is closed: the reader wakes; the housekeeper was stopped
    }

    // ---- called by the reader, housekeeper and streams ----

    FrameWriter writer() {
        return writer;
    }

    PingTracker pings() {
        return pings;
    }

    Housekeeper housekeeper() {
        return housekeeper;
    }

    OpenGate openGate() {
        return openGate;
    }

    ReceiveWindow newReceiveWindow() {
        return new ReceiveWindow(windowBudget, config.maxWindow(), nanoClock);
    }

    void markReceived() {
        lastReceivedNanos = System.nanoTime();
    }

    long lastReceivedNanos() {
        return lastReceivedNanos;
    }

    /** The reader owes the peer a RST; an overflowing queue means the peer floods us. */
    void owe(int streamId, ErrorCode code) {
        if (!housekeeper.reset(streamId, code)) {
            terminate(ErrorCode.PROTOCOL_ERROR, "peer caused more refused or closed streams than can be answered", true);
        }
    }

    /** A SYN arrived with a valid new id: returns the new stream, or null if it was refused. */
    MuxStream onPeerOpened(int id) {
        if (goingAway.get() != null || table.peerStreamCount() >= config.maxStreams()) {
            owe(id, ErrorCode.REFUSED_STREAM);
            return null;
        }
        MuxStream stream = new MuxStream(id, this, false);
        table.put(stream);
        if (!accepted.offer(stream)) {
            table.remove(stream);
            owe(id, ErrorCode.REFUSED_STREAM);
            return null;
        }
        return stream;
    }

    void onDatagram(Datagram d) {
        if (!datagrams.offer(d)) {
            droppedDatagrams.incrementAndGet();
        }
    }

    void onControl(byte[] json) {
        if (!controls.offer(json)) {
            terminate(ErrorCode.CONTROL_OVERFLOW, "peer sent more than " + config.controlQueue() + " control messages not yet taken", true);
        }
    }

    void onGoAway(ErrorCode code, String reason) {
        SessionClosedException e = new SessionClosedException(code, "peer of session " + name + " is going away: " + code
                + (reason.isEmpty() ? "" : " (" + reason + ")"));
        goingAway.compareAndSet(null, e);
        openGate.fail(e);
        if (code != ErrorCode.NO_ERROR) {
            terminate(code, "peer sent GO_AWAY " + code + (reason.isEmpty() ? "" : ": " + reason), false);
        } else {
            closeIfDrained();
        }
    }

    void removed(MuxStream stream) {
        table.remove(stream);
        closeIfDrained();
    }

    void peerClosed() {
        terminate(ErrorCode.NO_ERROR, "peer closed the connection", false);
    }

    void connectionLost(IOException e) {
        terminate(ErrorCode.INTERNAL_ERROR, "connection lost: " + e.getMessage(), false);
    }

    /**
     * A write failed: the connection is broken. The peer may have ended the session a moment before
     * with a GO_AWAY that the reader has not read yet (a server refusing a client right after set-up:
     * our PING ACK meets its closed socket), so the reader gets {@link #READER_GRACE} to end the
     * session with the peer's reason; only if it does not is the failed write the reason. Never
     * called on the reader's own thread (it does not write).
     */
    void writeFailed(IOException e) {
        try {
            if (awaitClosed(READER_GRACE)) {
                return;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        connectionLost(e);
    }

    private void closeIfDrained() {
        if (goingAway.get() != null && table.size() == 0) {
            terminate(ErrorCode.NO_ERROR, "all streams finished after GO_AWAY", false);
        }
    }

    private void checkUsable() throws SessionClosedException {
        checkNotClosed();
        SessionClosedException away = goingAway.get();
        if (away != null) {
            throw away;
        }
    }

    private void checkNotClosed() throws SessionClosedException {
        SessionClosedException cause = closeCause.get();
        if (cause != null) {
            throw cause;
        }
    }

    @Override
    public String toString() {
        return "session " + name;
    }
}
