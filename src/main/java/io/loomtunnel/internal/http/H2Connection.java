package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.FrameReader;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.H2Exception;
import io.loomtunnel.internal.h2.HeaderBlocks;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackDecoder;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A visitor's HTTP/2 connection (h2c with prior knowledge, or h2 negotiated by ALPN): reads frames,
 * and runs each request stream as one HTTP/1.1 exchange through an {@link HttpConnectionHandler} on
 * an {@link H2StreamSocket}, so that parsing, routing, policies, upstreams and error pages are the
 * HTTP/1.1 ingress's; the response written there is sent back as HEADERS and DATA. Limits and
 * defences: docs/HTTP.md, "HTTP/2 and gRPC". Each stream is an {@link H2Stream}.
 *
 * <p>Threads: {@link #serve} runs on the visitor connection's thread and is the only reader (it
 * never blocks on a stream: a stream's request buffer holds its whole receive window). Each stream
 * has two threads of this connection's {@link OwnedThreads}: its handler, and the relay that turns
 * the handler's response into frames; they end (and are joined) when {@code serve} returns. A
 * stream's buffers come from the connection's {@link H2StreamBuffers.Pool} and go back to it once
 * both threads have ended; the ingress's watchdog calls {@link #trimIdleBuffers}.
 *
 * <p>Locking: none of its own; what it sends goes through its {@link H2Sender} (whose locks are leaves).
 * {@code streams} and {@code busy} are concurrent: the streams' threads leave them as they end.
 */
final class H2Connection {
    private static final System.Logger LOG = System.getLogger(H2Connection.class.getName());
    /** The head an HTTP/1.1 reader sees first in the client preface (RFC 9113 3.4). */
    static final byte[] PREFACE_HEAD = "PRI * HTTP/2.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    static final int MAX_FRAME = 16_384;
    static final int MAX_STREAMS = 100;
    static final int STREAM_WINDOW = 65_535;
    static final int CONNECTION_WINDOW = 1 << 20;
    static final int HEADER_TABLE = 4096;
    private static final long FLOOD_PERIOD = 10_000_000_000L;
    /** Streams a visitor may reset, and frames that carry no request, per {@link #FLOOD_PERIOD}. */
    private static final int MAX_RESETS = 200;
    private static final int MAX_IDLE_FRAMES = 1000;
    /** Buffer sets kept between streams (about 160 KB each): as many as a browser or h2load -m 8 keeps busy. */
    static final int IDLE_STREAM_BUFFERS = 8;
    /** How long after its last stream ended a connection keeps more than one idle buffer set (a page's next burst of requests). */
    static final long SPARE_BUFFERS_NANOS = 2_000_000_000L;

    private static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    private static final int SETTINGS_ENABLE_PUSH = 0x2;
    private static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    private static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    private static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    private final Socket socket;
    private final BufferedInput clientIn;
    private final VisitorOutput out;
    private final HttpRouter router;
    private final HttpIngressConfig config;
    private final IngressLog log;
    private final String clientIp;
    private final OwnedThreads threads;
    private final Map<Integer, H2Stream> streams = new ConcurrentHashMap<>();
    /**
     * Streams that count against MAX_STREAMS: from HEADERS until the response's END_STREAM is about
     * to go (the visitor's own count ends there), or, for a stream reset before, until its threads end.
     */
    private final AtomicInteger busy = new AtomicInteger();
    private final HpackDecoder decoder = new HpackDecoder(HEADER_TABLE);
    private final H2Sender sender;
    private final H2Stream.Owner owner = new StreamOwner();
    private final H2StreamBuffers.Pool buffers;
    /** System.nanoTime when the last stream ended. */
    private volatile long lastStreamEnded = System.nanoTime();
    private volatile boolean ending;

    // the reader thread's own
    private long receiveWindow = CONNECTION_WINDOW;
    private long receiveCredit;
    private int lastStream;
    private boolean goingAway;
    private long floodPeriodStart = System.nanoTime();
    private int resets;
    private int idleFrames;

    H2Connection(Socket socket, BufferedInput clientIn, VisitorOutput out, HttpRouter router, HttpIngressConfig config,
            IngressLog log, String clientIp) {
        this(socket, clientIn, out, router, config, log, clientIp, new H2StreamBuffers.Pool(config.maxHeadBytes(), IDLE_STREAM_BUFFERS));
    }

    /** With {@code buffers}, the pool its streams borrow their buffers from (a test watches it). */
    H2Connection(Socket socket, BufferedInput clientIn, VisitorOutput out, HttpRouter router, HttpIngressConfig config,
            IngressLog log, String clientIp, H2StreamBuffers.Pool buffers) {
        this.socket = socket;
        this.buffers = buffers;
        this.clientIn = clientIn;
        this.out = out;
        this.router = router;
        this.config = config;
        this.log = log;
        this.clientIp = clientIp;
        this.sender = new H2Sender(out, config.sendTimeout());
        this.threads = new OwnedThreads("http2 from " + socket.getRemoteSocketAddress());
    }

    /**
     * Serves the connection until the visitor ends it or breaks a rule (GOAWAY with its code);
     * {@code prefaceHeadRead}: whether {@link #PREFACE_HEAD} was already read (h2c), else the whole
     * preface must come (ALPN).
     */
    void serve(boolean prefaceHeadRead) throws IOException {
        int code = H2Error.NO_ERROR;
        try {
            clientIn.setTimeout(config.headerTimeout());
            byte[] expected = prefaceHeadRead
                    ? Arrays.copyOfRange(FrameReader.PREFACE, PREFACE_HEAD.length, FrameReader.PREFACE.length)
                    : FrameReader.PREFACE;
            byte[] got = new byte[expected.length];
            readFully(got);
            if (!Arrays.equals(got, expected)) {
                throw new H2Exception(H2Error.PROTOCOL_ERROR, "not the HTTP/2 connection preface");
            }
            sender.write(Frames.settings(SETTINGS_MAX_CONCURRENT_STREAMS, MAX_STREAMS, SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW,
                    SETTINGS_MAX_FRAME_SIZE, MAX_FRAME, SETTINGS_MAX_HEADER_LIST_SIZE, config.maxHeadBytes(),
                    SETTINGS_HEADER_TABLE_SIZE, HEADER_TABLE, SETTINGS_ENABLE_PUSH, 0),
                    Frames.windowUpdate(0, CONNECTION_WINDOW - STREAM_WINDOW));
            readFrames(new FrameReader(new SourceInput(clientIn::read), MAX_FRAME));
        } catch (H2Exception e) {
            code = e.code();
            LOG.log(System.Logger.Level.DEBUG, () -> "http2 connection from " + clientIp + " ended: " + e.getMessage());
        } finally {
            end(code);
        }
    }

    private void readFrames(FrameReader reader) throws IOException {
        Frame first = reader.read();
        if (first == null) {
            return;
        }
        if (first.type() != Frame.SETTINGS || first.has(Frame.ACK)) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "the preface's frame is not SETTINGS");
        }
        onSettings(first);
        while (true) {
            clientIn.setTimeout(config.idleTimeout());
            Frame f;
            try {
                f = reader.read();
            } catch (SocketTimeoutException e) {
                if (streams.isEmpty()) {
                    return; // idle: GOAWAY NO_ERROR
                }
                continue;
            }
            if (f == null) {
                return;
            }
            countFlood();
            switch (f.type()) {
                case Frame.HEADERS -> onHeaders(f, reader);
                case Frame.DATA -> onData(f);
                case Frame.RST_STREAM -> onReset(f);
                case Frame.SETTINGS -> onSettings(f);
                case Frame.PING -> onPing(f);
                case Frame.WINDOW_UPDATE -> onWindowUpdate(f);
                case Frame.GOAWAY -> goingAway = true;
                case Frame.PRIORITY -> {
                    if (f.payload().length != 5) {
                        throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "PRIORITY of the wrong length");
                    }
                    idleFrame();
                }
                case Frame.PUSH_PROMISE, Frame.CONTINUATION -> throw new H2Exception(H2Error.PROTOCOL_ERROR,
                        "unexpected frame type " + f.type());
                default -> idleFrame(); // unknown types are ignored (RFC 9113 5.5)
            }
        }
    }

    /** HEADERS and its CONTINUATIONs: a new request, or the trailers of one. */
    private void onHeaders(Frame f, FrameReader reader) throws IOException {
        int id = f.stream();
        if (id == 0 || id % 2 == 0) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "HEADERS on stream " + id);
        }
        boolean endStream = f.has(Frame.END_STREAM);
        byte[] block = headerBlock(f, reader);
        HpackDecoder.Decoded decoded = decoder.decode(block, config.maxHeadBytes());
        H2Stream open = streams.get(id);
        if (id <= lastStream) {
            if (open == null || open.requestEnded()) {
                throw new H2Exception(H2Error.STREAM_CLOSED, "HEADERS on closed stream " + id);
            }
            if (!endStream) {
                open.abort();
                reset(id, H2Error.PROTOCOL_ERROR);
                return;
            }
            endRequest(open); // trailers: dropped, as the HTTP/1.1 ingress drops request trailers
            return;
        }
        lastStream = id;
        if (goingAway || ending) {
            reset(id, H2Error.REFUSED_STREAM);
            return;
        }
        if (busy.get() >= MAX_STREAMS) { // a reset stream counts until its handler ends (rapid reset)
            reset(id, H2Error.REFUSED_STREAM);
            return;
        }
        if (decoded.tooLarge()) {
            log.refused(clientIp, Refusal.headTooLarge());
            sender.writeHeaders(id, List.of(new HeaderField(":status", "431"), new HeaderField("content-length", "0")), true);
            return;
        }
        H2Request request;
        try {
            request = H2Request.of(decoded.fields(), endStream);
        } catch (MalformedHttpException e) {
            log.refused(clientIp, Refusal.malformed(e));
            reset(id, H2Error.PROTOCOL_ERROR);
            return;
        }
        H2Stream s = new H2Stream(id, request, endStream, owner, socket.getRemoteSocketAddress(), clientIp, router, config, log,
                buffers.take());
        busy.incrementAndGet();
        streams.put(id, s);
        if (!threads.startIfOpen("stream " + id, s::handle) || !threads.startIfOpen("stream " + id + " response", s::relay)) {
            s.abort();
            s.release();
            streams.remove(id);
        }
    }

    /** The whole header block of {@code f}: its CONTINUATIONs must follow at once, on its stream, within the limits. */
    private byte[] headerBlock(Frame f, FrameReader reader) throws IOException {
        if (!f.has(Frame.END_HEADERS)) {
            clientIn.setTimeout(config.headerTimeout());
        }
        return HeaderBlocks.gather(f, reader, config.maxHeadBytes());
    }

    private void onData(Frame f) throws IOException {
        int id = f.stream();
        if (id == 0 || id > lastStream) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "DATA on " + (id == 0 ? "stream 0" : "idle stream " + id));
        }
        int length = f.payload().length;
        receiveWindow -= length;
        if (receiveWindow < 0) {
            throw new H2Exception(H2Error.FLOW_CONTROL_ERROR, "DATA beyond the connection's window");
        }
        giveConnectionCredit(length); // stream buffers bound what is held: the connection's window can open again at once
        byte[] data = f.unpadded();
        if (data.length == 0 && !f.has(Frame.END_STREAM)) {
            idleFrame();
        }
        H2Stream s = streams.get(id);
        if (s == null || s.requestEnded()) {
            reset(id, H2Error.STREAM_CLOSED);
            return;
        }
        if (!s.received(length, data)) {
            s.abort();
            reset(id, H2Error.FLOW_CONTROL_ERROR);
            return;
        }
        if (s.overLength()) {
            s.abort();
            log.refused(clientIp, Refusal.malformed(new MalformedHttpException("DATA beyond content-length")));
            reset(id, H2Error.PROTOCOL_ERROR);
            return;
        }
        if (f.has(Frame.END_STREAM)) {
            endRequest(s);
        }
    }

    /** The request's END_STREAM: its body is complete, if it is as long as it said. */
    private void endRequest(H2Stream s) throws IOException {
        if (!s.endRequest()) {
            s.abort();
            log.refused(clientIp, Refusal.malformed(new MalformedHttpException("DATA shorter than content-length")));
            reset(s.id, H2Error.PROTOCOL_ERROR);
            return;
        }
    }

    private void onReset(Frame f) throws IOException {
        if (f.payload().length != 4) {
            throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "RST_STREAM of the wrong length");
        }
        if (f.stream() == 0 || f.stream() > lastStream) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "RST_STREAM on an idle stream");
        }
        if (++resets > MAX_RESETS) {
            throw new H2Exception(H2Error.ENHANCE_YOUR_CALM, "too many streams reset");
        }
        H2Stream s = streams.get(f.stream());
        if (s != null) {
            s.abort();
        }
    }

    private void onSettings(Frame f) throws IOException {
        byte[] p = f.payload();
        if (f.stream() != 0) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "SETTINGS on a stream");
        }
        if (f.has(Frame.ACK)) {
            if (p.length != 0) {
                throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "SETTINGS ACK with a payload");
            }
            return;
        }
        if (p.length % 6 != 0) {
            throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "SETTINGS of the wrong length");
        }
        idleFrame();
        for (int i = 0; i < p.length; i += 6) {
            int id = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
            long value = ((p[i + 2] & 0xffL) << 24) | ((p[i + 3] & 0xffL) << 16) | ((p[i + 4] & 0xffL) << 8) | (p[i + 5] & 0xffL);
            switch (id) {
                case SETTINGS_ENABLE_PUSH -> {
                    if (value > 1) {
                        throw new H2Exception(H2Error.PROTOCOL_ERROR, "ENABLE_PUSH neither 0 nor 1");
                    }
                }
                case SETTINGS_INITIAL_WINDOW_SIZE -> {
                    if (value > Integer.MAX_VALUE) {
                        throw new H2Exception(H2Error.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE over 2^31-1");
                    }
                    sender.windows().initialChanged(value);
                }
                case SETTINGS_MAX_FRAME_SIZE -> {
                    if (value < MAX_FRAME || value > 0xffffff) {
                        throw new H2Exception(H2Error.PROTOCOL_ERROR, "MAX_FRAME_SIZE out of range");
                    }
                }
                default -> { } // the others bind us to nothing: our encoder keeps no table, we send at most 16 KiB frames
            }
        }
        sender.write(Frames.frame(Frame.SETTINGS, Frame.ACK, 0, new byte[0]));
    }

    private void onPing(Frame f) throws IOException {
        if (f.payload().length != 8) {
            throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "PING of the wrong length");
        }
        if (f.stream() != 0) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "PING on a stream");
        }
        if (!f.has(Frame.ACK)) {
            idleFrame();
            sender.write(Frames.frame(Frame.PING, Frame.ACK, 0, f.payload()));
        }
    }

    private void onWindowUpdate(Frame f) throws IOException {
        if (f.payload().length != 4) {
            throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "WINDOW_UPDATE of the wrong length");
        }
        long increment = f.int31At(0);
        int id = f.stream();
        if (increment == 0) {
            if (id == 0) {
                throw new H2Exception(H2Error.PROTOCOL_ERROR, "WINDOW_UPDATE of zero");
            }
            H2Stream s = streams.get(id);
            if (s != null) {
                s.abort();
            }
            reset(id, H2Error.PROTOCOL_ERROR);
            return;
        }
        if (id == 0) {
            if (!sender.windows().credit(null, increment)) {
                throw new H2Exception(H2Error.FLOW_CONTROL_ERROR, "the connection's send window over 2^31-1");
            }
            return;
        }
        H2Stream s = streams.get(id);
        if (s != null && !sender.windows().credit(s.window(), increment)) {
            s.abort();
            reset(id, H2Error.FLOW_CONTROL_ERROR);
        }
    }


    private void giveConnectionCredit(int bytes) throws IOException {
        receiveCredit += bytes;
        if (receiveCredit >= CONNECTION_WINDOW / 4) {
            sender.write(Frames.windowUpdate(0, (int) receiveCredit));
            receiveWindow += receiveCredit;
            receiveCredit = 0;
        }
    }

    /** Counts frames that carry no request; a flood of them ends the connection (ENHANCE_YOUR_CALM). */
    private void idleFrame() throws H2Exception {
        if (++idleFrames > MAX_IDLE_FRAMES) {
            throw new H2Exception(H2Error.ENHANCE_YOUR_CALM, "a flood of frames that carry no request");
        }
    }

    private void countFlood() {
        long now = System.nanoTime();
        if (now - floodPeriodStart > FLOOD_PERIOD) {
            floodPeriodStart = now;
            resets = 0;
            idleFrames = 0;
        }
    }

    /** Says GOAWAY, ends every stream and joins their threads. */
    private void end(int code) {
        ending = true;
        sender.windows().end();
        try {
            sender.write(Frames.goAway(lastStream, code));
        } catch (IOException e) {
            // the visitor is gone: nothing to tell it
        }
        streams.values().forEach(H2Stream::abort);
        threads.close();
    }

    private void reset(int id, int code) throws IOException {
        sender.reset(id, code);
    }




    private void readFully(byte[] b) throws IOException {
        for (int off = 0; off < b.length; ) {
            int n = clientIn.read(b, off, b.length - off);
            if (n < 0) {
                throw new H2Exception(H2Error.PROTOCOL_ERROR, "the connection ended inside the preface");
            }
            off += n;
        }
    }

    /**
     * From the ingress's watchdog, a few times a second: once no stream has ended for
     * {@link #SPARE_BUFFERS_NANOS}, keeps one idle buffer set for the next request and drops the
     * rest (streams still open hold their own sets: one long stream cannot keep spares parked).
     */
    void trimIdleBuffers(long nowNanos) {
        if (nowNanos - lastStreamEnded > SPARE_BUFFERS_NANOS) {
            buffers.trim(1);
        }
    }

    /** What the streams see of the connection. */
    private final class StreamOwner implements H2Stream.Owner {
        @Override
        public H2Sender sender() {
            return sender;
        }

        @Override
        public void released(H2Stream stream) {
            busy.decrementAndGet();
        }

        @Override
        public void ended(H2Stream stream) {
            streams.remove(stream.id);
            buffers.give(stream.buffers);
            lastStreamEnded = System.nanoTime();
        }

        @Override
        public void broken() {
            closeQuietly(socket); // the reader then ends the connection
        }
    }
}
