package io.loomtunnel.internal.h2.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.FrameReader;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.HeaderBlocks;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackDecoder;
import io.loomtunnel.internal.h2.HpackEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client side of an h2c connection against a scripted peer on a real loopback socket (as
 * OkHttp's MockHttp2Peer): each test reads the exact frames the connection writes and answers
 * with hand-made ones.
 */
@Timeout(30)
class H2cConnectionTest {
    private static final List<HeaderField> GET = List.of(new HeaderField(":method", "GET"), new HeaderField(":scheme", "http"),
            new HeaderField(":authority", "svc"), new HeaderField(":path", "/x"));
    private static final H2cConnection.Limits LIMITS = new H2cConnection.Limits(32 * 1024, Duration.ofSeconds(20),
            Duration.ofSeconds(5), Duration.ofSeconds(5));

    private ServerSocket listener;
    private H2cConnection connection;
    private Socket peer;
    private FrameReader in;
    private OutputStream out;

    @BeforeEach
    void connect() throws Exception {
        connect(LIMITS);
    }

    private void connect(H2cConnection.Limits limits) throws Exception {
        close();
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        connection = H2cConnection.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), limits);
        peer = accepted.get(10, TimeUnit.SECONDS);
        peer.setSoTimeout(10_000);
        InputStream raw = peer.getInputStream();
        assertArrayEquals(FrameReader.PREFACE, raw.readNBytes(FrameReader.PREFACE.length), "the preface first");
        in = new FrameReader(raw, 1 << 20);
        out = peer.getOutputStream();
        Frame settings = in.read();
        assertEquals(Frame.SETTINGS, settings.type());
        assertArrayEquals(new byte[] {0, 2, 0, 0, 0, 0, 0, 6, 0, 0, (byte) 0x80, 0}, settings.payload(),
                "ENABLE_PUSH 0, MAX_HEADER_LIST_SIZE 32768");
        Frame window = in.read();
        assertEquals(Frame.WINDOW_UPDATE, window.type());
        assertEquals(0, window.stream());
        assertEquals((1 << 20) - 65_535, window.int31At(0));
        send(Frames.settings());
        Frame ack = in.read();
        assertEquals(Frame.SETTINGS, ack.type());
        assertTrue(ack.has(Frame.ACK));
    }

    @AfterEach
    void close() throws IOException {
        if (connection != null) {
            connection.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void aRequestAndAResponseWithTrailers() throws Exception {
        H2cStream s = connection.open(GET, true);
        Frame headers = in.read();
        assertEquals(Frame.HEADERS, headers.type());
        assertEquals(1, headers.stream());
        assertEquals(Frame.END_STREAM | Frame.END_HEADERS, headers.flags());
        assertEquals(GET, new HpackDecoder(4096).decode(headers.payload(), 1 << 16).fields());
        send(headersFrame(1, false, new HeaderField(":status", "200"), new HeaderField("content-type", "application/grpc")));
        send(Frames.frame(Frame.DATA, 0, 1, bytes("hello")));
        send(headersFrame(1, true, new HeaderField("grpc-status", "0")));
        H2cStream.Headers head = assertInstanceOf(H2cStream.Headers.class, s.next());
        assertEquals("200", head.fields().getFirst().value());
        assertFalse(head.endStream());
        assertArrayEquals(bytes("hello"), assertInstanceOf(H2cStream.Data.class, s.next()).bytes());
        H2cStream.Headers trailers = assertInstanceOf(H2cStream.Headers.class, s.next());
        assertEquals(List.of(new HeaderField("grpc-status", "0")), trailers.fields());
        assertTrue(trailers.endStream());
        H2cStream next = connection.open(GET, true);
        assertEquals(3, in.read().stream(), "stream ids go up by two");
        next.cancel(H2Error.CANCEL);
        assertRst(3, H2Error.CANCEL);
    }

    @Test
    void pingIsAnsweredWithItsPayload() throws Exception {
        byte[] payload = bytes("12345678");
        send(Frames.frame(Frame.PING, 0, 0, payload));
        Frame ack = in.read();
        assertEquals(Frame.PING, ack.type());
        assertEquals(Frame.ACK, ack.flags());
        assertArrayEquals(payload, ack.payload());
    }

    @Test
    void theBodyWaitsForTheServicesWindow() throws Exception {
        send(Frames.settings(0x4, 10)); // INITIAL_WINDOW_SIZE 10
        assertTrue(in.read().has(Frame.ACK));
        H2cStream s = connection.open(List.of(new HeaderField(":method", "POST"), new HeaderField(":path", "/")), false);
        in.read();
        CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(() -> {
            try {
                return s.send(new byte[25], 0, 25) && s.end();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertData(1, 10, 0);
        assertFalse(sent.isDone(), "the rest waits for a WINDOW_UPDATE");
        send(Frames.windowUpdate(1, 100));
        assertData(1, 15, 0);
        assertData(1, 0, Frame.END_STREAM);
        assertTrue(sent.get(10, TimeUnit.SECONDS));
    }

    @Test
    void creditGoesBackAsTheResponseIsTaken() throws Exception {
        H2cStream s = connection.open(GET, true);
        in.read();
        send(headersFrame(1, false, new HeaderField(":status", "200")));
        send(Frames.frame(Frame.DATA, 0, 1, new byte[16_384]));
        send(Frames.frame(Frame.DATA, 0, 1, new byte[16_384]));
        s.next();
        s.next();
        s.next();
        Frame update = in.read();
        assertEquals(Frame.WINDOW_UPDATE, update.type());
        assertEquals(1, update.stream());
        assertEquals(32_768, update.int31At(0));
    }

    @Test
    void dataBeyondTheStreamsWindowEndsTheConnection() throws Exception {
        H2cStream s = connection.open(GET, true);
        in.read();
        send(headersFrame(1, false, new HeaderField(":status", "200")));
        for (int i = 0; i < 4; i++) {
            send(Frames.frame(Frame.DATA, 0, 1, new byte[i < 3 ? 16_384 : 16_383])); // the whole window: 65,535
        }
        send(Frames.frame(Frame.DATA, 0, 1, new byte[100]));
        assertGoAway(H2Error.FLOW_CONTROL_ERROR);
        assertInstanceOf(H2cStream.Headers.class, s.next());
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(H2cStream.Data.class, s.next());
        }
        assertInstanceOf(H2cStream.Reset.class, s.next());
        assertNull(connection.open(GET, true), "a connection that ended takes no stream");
    }

    @Test
    void resetByTheServiceReachesTheStream() throws Exception {
        H2cStream s = connection.open(GET, true);
        in.read();
        send(Frames.rstStream(1, H2Error.INTERNAL_ERROR));
        assertEquals(H2Error.INTERNAL_ERROR, assertInstanceOf(H2cStream.Reset.class, s.next()).code());
        connection.open(GET, true);
        assertEquals(3, in.read().stream(), "the connection goes on");
    }

    @Test
    void goAwayRefusesStreamsItDoesNotCover() throws Exception {
        H2cStream first = connection.open(GET, true);
        in.read();
        H2cStream second = connection.open(GET, true);
        in.read();
        byte[] goAway = Frames.goAway(1, H2Error.NO_ERROR);
        send(goAway);
        assertEquals(H2Error.REFUSED_STREAM, assertInstanceOf(H2cStream.Reset.class, second.next()).code());
        assertFalse(connection.acceptsStreams());
        send(headersFrame(1, true, new HeaderField(":status", "204")));
        assertTrue(assertInstanceOf(H2cStream.Headers.class, first.next()).endStream());
        assertGoAway(H2Error.NO_ERROR); // drained: the connection ends
    }

    @Test
    void framesTheRulesForbidEndTheConnection() throws Exception {
        H2cStream s = connection.open(GET, true);
        in.read();
        send(headersFrame(2, true, new HeaderField(":status", "200"))); // a stream the service may not open
        assertGoAway(H2Error.PROTOCOL_ERROR);
        assertInstanceOf(H2cStream.Reset.class, s.next());
        connect();
        send(Frames.frame(Frame.PUSH_PROMISE, Frame.END_HEADERS, 1, new byte[4]));
        assertGoAway(H2Error.PROTOCOL_ERROR);
        connect();
        connection.open(GET, true);
        in.read();
        send(Frames.frame(Frame.HEADERS, 0, 1, HpackEncoder.encode(List.of(new HeaderField(":status", "200")))));
        for (int i = 0; i < HeaderBlocks.MAX_FRAMES; i++) { // with the HEADERS, one frame more than a block may have
            send(Frames.frame(Frame.CONTINUATION, 0, 1, new byte[] {0}));
        }
        assertGoAway(H2Error.ENHANCE_YOUR_CALM); // a CONTINUATION flood
        connect();
        send(Frames.settings(0x2, 1)); // a server that enables push
        assertGoAway(H2Error.PROTOCOL_ERROR);
    }

    @Test
    void theServicesStreamLimitHoldsBackANewStream() throws Exception {
        connect(new H2cConnection.Limits(32 * 1024, Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMillis(300)));
        send(Frames.settings(0x3, 1)); // MAX_CONCURRENT_STREAMS 1
        assertTrue(in.read().has(Frame.ACK));
        H2cStream first = connection.open(GET, true);
        in.read();
        assertThrows(IOException.class, () -> connection.open(GET, true), "no slot within the slot timeout");
        CompletableFuture<H2cStream> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return connection.open(GET, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        send(headersFrame(1, true, new HeaderField(":status", "200")));
        first.next();
        Frame headers = in.read();
        assertEquals(3, headers.stream(), "opened once the first stream ended");
        assertEquals(3, waiting.get(10, TimeUnit.SECONDS).id);
    }

    @Test
    void anIdleConnectionSaysGoAwayAndCloses() throws Exception {
        connect(new H2cConnection.Limits(32 * 1024, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertGoAway(H2Error.NO_ERROR);
        assertEquals(-1, peer.getInputStream().read(), "then the socket closes");
        assertFalse(connection.acceptsStreams());
    }

    @Test
    void closeJoinsTheReader() throws Exception {
        connection.close();
        assertGoAway(H2Error.NO_ERROR);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("h2c to 127.0.0.1:" + listener.getLocalPort())),
                "no thread of the connection is left");
    }

    private void send(byte[] frame) throws IOException {
        out.write(frame);
        out.flush();
    }

    private static byte[] headersFrame(int stream, boolean endStream, HeaderField... fields) {
        return Frames.headers(stream, HpackEncoder.encode(List.of(fields)), endStream, 16_384)[0];
    }

    private void assertData(int stream, int length, int flags) throws IOException {
        Frame f = in.read();
        assertEquals(Frame.DATA, f.type());
        assertEquals(stream, f.stream());
        assertEquals(length, f.payload().length);
        assertEquals(flags, f.flags());
    }

    private void assertRst(int stream, int code) throws IOException {
        Frame f = in.read();
        assertEquals(Frame.RST_STREAM, f.type());
        assertEquals(stream, f.stream());
        assertEquals(code, f.int31At(0));
    }

    /** Skips WINDOW_UPDATEs, then expects a GOAWAY with {@code code}. */
    private void assertGoAway(int code) throws IOException {
        Frame f = in.read();
        while (f.type() == Frame.WINDOW_UPDATE) {
            f = in.read();
        }
        assertEquals(Frame.GOAWAY, f.type(), "a GOAWAY, not " + f);
        assertEquals(code, ByteBuffer.wrap(f.payload()).getInt(4));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
