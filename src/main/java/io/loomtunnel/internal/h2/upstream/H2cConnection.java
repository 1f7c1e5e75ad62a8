package io.loomtunnel.internal.h2.upstream;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.FrameOutput;
import io.loomtunnel.internal.h2.FrameReader;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.H2Exception;
import io.loomtunnel.internal.h2.HeaderBlocks;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackDecoder;
import io.loomtunnel.internal.h2.HpackEncoder;
import io.loomtunnel.internal.h2.ReceiveWindow;
import io.loomtunnel.internal.h2.SendWindows;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.tunnel.LocalService;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client's HTTP/2 connection with prior knowledge (h2c, RFC 9113 3.3) to the local service of
 * an h2c tunnel, shared by that tunnel's requests: each request is one {@link H2cStream}. We send
 * SETTINGS_ENABLE_PUSH 0 and SETTINGS_MAX_HEADER_LIST_SIZE, give each stream a 65,535-byte receive
 * window (given back as its response is relayed) and the connection 1 MiB (given back as DATA
 * arrive: the streams' windows bound what is held), open at most 100 streams at once (fewer if the
 * service says so), answer PING and SETTINGS, and honour WINDOW_UPDATE, RST_STREAM and GOAWAY.
 * A connection error (a frame the rules forbid) ends it with GOAWAY and resets its streams; so
 * does an idle timeout with no stream open.
 *
 * <p>Threads: one reader of its own {@link OwnedThreads}, which reads every frame and never waits
 * on a stream's consumer (see {@link H2cStream}); it writes only control frames. Any thread opens
 * streams. {@link #close} joins the reader. Locking: {@code slots} guards the count of open
 * streams and the GOAWAY decision; {@link FrameOutput}'s lock guards stream ids (taken while
 * writing the HEADERS that open them), and {@link SendWindows}' the windows; none is held while
 * another is taken, except FrameOutput's around the id and {@link SendWindows#open}.
 */
public final class H2cConnection implements Closeable {
    private static final System.Logger LOG = System.getLogger(H2cConnection.class.getName());
    static final int DEFAULT_WINDOW = SendWindows.DEFAULT;
    /** The receive window of each stream (the default, so no setting says it). */
    static final int STREAM_WINDOW = DEFAULT_WINDOW;
    static final int CONNECTION_WINDOW = 1 << 20;
    static final int MAX_FRAME = 16_384;
    static final int MAX_STREAMS = 100;
    static final int HEADER_TABLE = 4_096;
    private static final int SETTINGS_ENABLE_PUSH = 0x2;
    private static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    private static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    private static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    /**
     * The connection's bounds.
     *
     * @param maxHeadBytes the largest header list (and compressed header block) taken from the service
     * @param idleTimeout  how long a connection without open streams stays
     * @param sendTimeout  how long a request body waits for the service's window before its stream is cancelled
     * @param slotTimeout  how long a request waits for a stream when all are in use
     */
    public record Limits(int maxHeadBytes, Duration idleTimeout, Duration sendTimeout, Duration slotTimeout) {
        public static Limits defaults() {
            return new Limits(32 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(10));
        }
    }

    private final InputStream in;
    private final Closeable socket;
    private final Limits limits;
    private final FrameOutput output;
    private final SendWindows windows;
    private final OwnedThreads threads;
    private final HpackDecoder decoder = new HpackDecoder(HEADER_TABLE);
    private final Map<Integer, H2cStream> streams = new ConcurrentHashMap<>();
    private final ReentrantLock slots = new ReentrantLock();
    private final Condition slotFreed = slots.newCondition();
    private final AtomicBoolean shut = new AtomicBoolean();
    private int open; // under slots
    private long maxStreams = MAX_STREAMS; // under slots
    private volatile boolean goingAway; // written under slots
    /** The lowest last stream of the service's GOAWAYs: streams above it were not processed. Written by the reader only. */
    private volatile int goAwayLastStream = Integer.MAX_VALUE;
    private int nextId = 1; // under the output's lock
    private volatile int highestOpened;
    // the reader's alone
    /** The connection's window: the streams' windows bound what is held, so it is given back as DATA arrive. */
    private final ReceiveWindow receiveWindow = new ReceiveWindow(CONNECTION_WINDOW);

    private H2cConnection(InputStream in, OutputStream out, Closeable socket, Limits limits, String owner) {
        this.in = in;
        this.socket = socket;
        this.limits = limits;
        this.output = new FrameOutput(new BufferedOutputStream(out, 16 * 1024));
        this.windows = new SendWindows(limits.sendTimeout(), MAX_FRAME);
        this.threads = new OwnedThreads(owner);
    }

    /** Connects {@code service} (resolved now when unresolved), says the preface and starts the reader. */
    static H2cConnection connect(InetSocketAddress service, Limits limits) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(HostPort.resolved(service), (int) LocalService.CONNECT_TIMEOUT.toMillis());
            s.setSoTimeout((int) limits.idleTimeout().toMillis()); // a read timeout is the reader's cue to check for idleness
            return start(s.getInputStream(), s.getOutputStream(), s, limits, "h2c to " + HostPort.text(service));
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /** Over a connection's two streams ({@code socket} closes both): the preface, our SETTINGS and connection window, then the reader. */
    static H2cConnection start(InputStream in, OutputStream out, Closeable socket, Limits limits, String owner) throws IOException {
        H2cConnection c = new H2cConnection(in, out, socket, limits, owner);
        try {
            c.output.write(FrameReader.PREFACE, Frames.settings(SETTINGS_ENABLE_PUSH, 0, SETTINGS_MAX_HEADER_LIST_SIZE,
                    limits.maxHeadBytes()), Frames.windowUpdate(0, CONNECTION_WINDOW - DEFAULT_WINDOW));
            c.threads.start("reader", c::read);
        } catch (IOException | RuntimeException e) {
            c.threads.close();
            throw e;
        }
        return c;
    }

    /**
     * Opens a stream with a HEADERS block of {@code fields}, waiting up to the slot timeout for one
     * of the open streams to end when all are in use; null if this connection takes no new streams
     * (it is going away or closed: nothing was sent).
     */
    H2cStream open(List<HeaderField> fields, boolean endStream) throws IOException {
        if (!takeSlot()) {
            return null;
        }
        byte[] encoded = HpackEncoder.encode(fields);
        H2cStream[] made = new H2cStream[1];
        try {
            output.writeMade(() -> {
                if (shut.get() || goingAway || nextId <= 0) { // ids run out at 2^31-1
                    return null;
                }
                H2cStream s = new H2cStream(nextId, this, windows.open(), endStream);
                nextId += 2;
                streams.put(s.id, s);
                highestOpened = s.id;
                made[0] = s;
                return Frames.headers(s.id, encoded, endStream, MAX_FRAME);
            });
        } catch (IOException e) {
            if (made[0] == null) {
                releaseSlot();
            }
            broken(e);
            throw e;
        }
        if (made[0] == null) {
            releaseSlot();
            markGoingAway();
        } else if (made[0].id > goAwayLastStream) {
            // a GOAWAY read while this stream was being opened: its scan of the streams may have
            // missed this one, so it is refused here (once; resetBy is idempotent), and may be retried
            made[0].resetBy(H2Error.REFUSED_STREAM);
        }
        return made[0];
    }

    /** Whether a new request may go on this connection. */
    boolean acceptsStreams() {
        return !shut.get() && !goingAway;
    }

    boolean isShut() {
        return shut.get();
    }

    FrameOutput output() {
        return output;
    }

    SendWindows sendWindows() {
        return windows;
    }

    /** A write failed: the connection is gone, its streams reset. */
    void broken(IOException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "h2c connection broken: " + e);
        shutdown(H2Error.INTERNAL_ERROR);
    }

    /** A stream ended both ways or was reset: it leaves, and frees its slot. */
    void ended(H2cStream s) {
        streams.remove(s.id);
        windows.close(s.window);
        boolean last = releaseSlot() == 0 && goingAway;
        if (last) {
            shutdown(H2Error.NO_ERROR); // drained after a GOAWAY
        }
    }

    /** GOAWAY (when it can still be said), then the socket closed, every stream reset and the reader joined. */
    @Override
    public void close() {
        shutdown(H2Error.NO_ERROR);
        threads.close();
    }

    // ---- slots

    private boolean takeSlot() throws IOException {
        long left = limits.slotTimeout().toNanos();
        slots.lock();
        try {
            while (open >= maxStreams) {
                if (shut.get() || goingAway) {
                    return false;
                }
                if (left <= 0) {
                    throw new IOException("the h2c service's " + maxStreams + " concurrent streams stayed in use for "
                            + limits.slotTimeout().toSeconds() + " s");
                }
                left = slotFreed.awaitNanos(left);
            }
            if (shut.get() || goingAway) {
                return false;
            }
            open++;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an h2c stream");
        } finally {
            slots.unlock();
        }
    }

    /** The count of open streams after freeing one. */
    private int releaseSlot() {
        slots.lock();
        try {
            open--;
            slotFreed.signalAll();
            return open;
        } finally {
            slots.unlock();
        }
    }

    private void markGoingAway() {
        slots.lock();
        try {
            goingAway = true;
            slotFreed.signalAll();
        } finally {
            slots.unlock();
        }
    }

    /** For the idle timeout: true (and no new stream from now on) if no stream is open. */
    private boolean idle() {
        slots.lock();
        try {
            if (open > 0) {
                return false;
            }
            goingAway = true;
            return true;
        } finally {
            slots.unlock();
        }
    }

    // ---- the reader

    private void read() {
        int code = H2Error.NO_ERROR;
        try {
            FrameReader frames = new FrameReader(new BufferedInputStream(in, 16 * 1024), MAX_FRAME);
            while (!shut.get()) {
                Frame f;
                try {
                    f = frames.read();
                } catch (SocketTimeoutException e) {
                    if (idle()) {
                        return;
                    }
                    continue;
                }
                if (f == null || !handle(f, frames)) {
                    return;
                }
            }
        } catch (H2Exception e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "h2c service broke the protocol: " + e.getMessage());
            code = e.code();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "h2c connection ended: " + e);
            code = H2Error.INTERNAL_ERROR;
        } finally {
            shutdown(code);
        }
    }

    /** One frame (a HEADERS frame with its CONTINUATIONs); false when the connection should end (a GOAWAY with nothing left open). */
    private boolean handle(Frame f, FrameReader frames) throws IOException {
        switch (f.type()) {
            case Frame.DATA -> data(f);
            case Frame.HEADERS -> headers(f, frames);
            case Frame.CONTINUATION -> throw new H2Exception(H2Error.PROTOCOL_ERROR, "a CONTINUATION out of place");
            case Frame.RST_STREAM -> {
                checkLength(f, 4);
                H2cStream s = knownStream(f);
                if (s != null) {
                    s.resetBy((int) f.int31At(0));
                }
            }
            case Frame.SETTINGS -> settings(f);
            case Frame.PING -> {
                checkLength(f, 8);
                onConnection(f);
                if (!f.has(Frame.ACK)) {
                    output.write(Frames.frame(Frame.PING, Frame.ACK, 0, f.payload()));
                }
            }
            case Frame.GOAWAY -> {
                onConnection(f);
                if (f.payload().length < 8) {
                    throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "a short GOAWAY");
                }
                return goAway((int) f.int31At(0));
            }
            case Frame.WINDOW_UPDATE -> windowUpdate(f);
            case Frame.PUSH_PROMISE -> throw new H2Exception(H2Error.PROTOCOL_ERROR, "PUSH_PROMISE with push disabled");
            default -> { } // PRIORITY and unknown types are ignored (RFC 9113 5.5)
        }
        return true;
    }

    private void data(Frame f) throws IOException {
        int length = f.payload().length;
        if (!receiveWindow.take(length)) {
            throw new H2Exception(H2Error.FLOW_CONTROL_ERROR, "DATA beyond the connection's window");
        }
        int increment = receiveWindow.consumed(length);
        if (increment > 0) {
            output.write(Frames.windowUpdate(0, increment));
        }
        H2cStream s = knownStream(f);
        if (s != null && !s.received(length, f.unpadded(), f.has(Frame.END_STREAM))) {
            throw new H2Exception(H2Error.FLOW_CONTROL_ERROR, "DATA beyond a stream's window");
        }
    }

    private void headers(Frame f, FrameReader frames) throws IOException {
        knownStream(f);
        byte[] block = HeaderBlocks.gather(f, frames, limits.maxHeadBytes());
        HpackDecoder.Decoded decoded = decoder.decode(block, limits.maxHeadBytes()); // decoded even for a gone stream: the table follows every block
        H2cStream s = streams.get(f.stream());
        if (s != null) {
            s.receivedHeaders(decoded.fields(), decoded.tooLarge(), f.has(Frame.END_STREAM));
        }
    }

    private void settings(Frame f) throws IOException {
        onConnection(f);
        byte[] p = f.payload();
        if (f.has(Frame.ACK)) {
            checkLength(f, 0);
            return;
        }
        if (p.length % 6 != 0) {
            throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "a SETTINGS frame of " + p.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(p);
        while (b.hasRemaining()) {
            int id = b.getShort() & 0xffff;
            long value = b.getInt() & 0xffffffffL;
            switch (id) {
                case SETTINGS_ENABLE_PUSH -> {
                    if (value != 0) {
                        throw new H2Exception(H2Error.PROTOCOL_ERROR, "a server's SETTINGS_ENABLE_PUSH other than 0");
                    }
                }
                case SETTINGS_MAX_CONCURRENT_STREAMS -> {
                    slots.lock();
                    try {
                        maxStreams = Math.min(value, MAX_STREAMS);
                        slotFreed.signalAll();
                    } finally {
                        slots.unlock();
                    }
                }
                case SETTINGS_INITIAL_WINDOW_SIZE -> {
                    if (value > Integer.MAX_VALUE) {
                        throw new H2Exception(H2Error.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE over 2^31-1");
                    }
                    windows.initialChanged(value);
                }
                case SETTINGS_MAX_FRAME_SIZE -> {
                    if (value < MAX_FRAME || value > 0xffffff) {
                        throw new H2Exception(H2Error.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE out of range");
                    }
                }
                default -> { } // the rest do not change what we send: our encoder keeps no table
            }
        }
        output.write(Frames.frame(Frame.SETTINGS, Frame.ACK, 0, new byte[0]));
    }

    private void windowUpdate(Frame f) throws IOException {
        checkLength(f, 4);
        long increment = f.int31At(0);
        if (f.stream() == 0) {
            if (increment == 0 || !windows.credit(null, increment)) {
                throw new H2Exception(increment == 0 ? H2Error.PROTOCOL_ERROR : H2Error.FLOW_CONTROL_ERROR,
                        "a bad WINDOW_UPDATE for the connection");
            }
            return;
        }
        H2cStream s = knownStream(f);
        if (s != null && (increment == 0 || !windows.credit(s.window, increment))) {
            s.cancel(increment == 0 ? H2Error.PROTOCOL_ERROR : H2Error.FLOW_CONTROL_ERROR);
        }
    }

    /** The service's GOAWAY: no new stream; streams it will not process are reset; false if none is left. */
    private boolean goAway(int lastStream) {
        goAwayLastStream = Math.min(goAwayLastStream, lastStream); // before the scan: open() checks it after adding its stream
        markGoingAway();
        for (H2cStream s : streams.values()) {
            if (s.id > lastStream) {
                s.resetBy(H2Error.REFUSED_STREAM);
            }
        }
        return !streams.isEmpty();
    }

    /** The stream a frame names, or null for one already gone; a stream we never opened is a PROTOCOL_ERROR. */
    private H2cStream knownStream(Frame f) throws H2Exception {
        int id = f.stream();
        if (id == 0 || id % 2 == 0 || id > highestOpened) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "a frame of type " + f.type() + " on stream " + id + ", not one we opened");
        }
        return streams.get(id);
    }

    private static void onConnection(Frame f) throws H2Exception {
        if (f.stream() != 0) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "a connection frame on a stream");
        }
    }

    private static void checkLength(Frame f, int length) throws H2Exception {
        if (f.payload().length != length) {
            throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "a frame of type " + f.type() + " with " + f.payload().length + " bytes");
        }
    }

    /** Ends the connection once: GOAWAY with {@code code} if the socket still takes it, the socket closed, every stream reset. */
    private void shutdown(int code) {
        if (!shut.compareAndSet(false, true)) {
            return;
        }
        markGoingAway();
        try {
            output.write(Frames.goAway(0, code)); // we accept no stream of the service's
        } catch (IOException ignored) {
            // the service is gone already
        }
        closeQuietly(socket);
        windows.end();
        for (H2cStream s : streams.values()) {
            s.resetBy(code == H2Error.NO_ERROR ? H2Error.CANCEL : code);
        }
    }
}
