package io.loomtunnel.internal.h2.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.FrameReader;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackDecoder;
import io.loomtunnel.internal.h2.HpackEncoder;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.tunnel.SpliceTap;
import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.mux.MuxStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request the h2c service refused before processing it (RFC 9113 8.7) is sent again on a new
 * stream: a tunnel stream of a real mux session pair on loopback carries an HTTP/1.1 request
 * through {@link H2cBridge} to a scripted h2c service on a loopback socket, which refuses the
 * first stream (GOAWAY, or RST_STREAM REFUSED_STREAM) and answers the second; the second must
 * carry the same head and body. A second refusal, or a body longer than what is kept, is not
 * retried: the tunnel stream is reset, as before.
 */
@Timeout(60)
class H2cRetryTest {
    private static final byte[] BODY = "hello, service".getBytes(StandardCharsets.UTF_8);

    /** What one connection of the service does, given its frames. */
    @FunctionalInterface
    private interface Script {
        void run(Peer peer) throws IOException;
    }

    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    /** Each stream's request as the service read it: its header fields, then its body. */
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** What went wrong on the service's side (a script's failed assertion, a connection no script was for). */
    private final List<Throwable> serviceFailures = new CopyOnWriteArrayList<>();
    private ServerSocket service;
    private Thread serviceThread;
    private Socket dialerSocket;
    private Socket acceptorSocket;
    private MuxSession dialer;
    private MuxSession acceptor;
    private H2cPool pool;
    private Thread bridge;

    private record Request(int stream, List<HeaderField> fields, byte[] body) {}

    @BeforeEach
    void start() throws Exception {
        service = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        serviceThread = Thread.ofVirtual().name("scripted h2c service").start(this::serve);
        try (ServerSocket mux = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dialerSocket = new Socket(InetAddress.getLoopbackAddress(), mux.getLocalPort());
            acceptorSocket = mux.accept();
        }
        dialer = MuxSession.start(new BufferedInputStream(dialerSocket.getInputStream()), dialerSocket.getOutputStream(),
                dialerSocket, MuxSession.Role.DIALER, MuxConfig.defaults(), "server side");
        acceptor = MuxSession.start(new BufferedInputStream(acceptorSocket.getInputStream()), acceptorSocket.getOutputStream(),
                acceptorSocket, MuxSession.Role.ACCEPTOR, MuxConfig.defaults(), "client side");
        pool = new H2cPool(new InetSocketAddress(InetAddress.getLoopbackAddress(), service.getLocalPort()), H2cConnection.Limits.defaults());
        bridge = Thread.ofVirtual().name("h2c bridge").start(() -> {
            try {
                H2cBridge.serve(acceptor.accept(), pool, new TunnelCounters(), e -> { }, SpliceTap.NONE);
            } catch (IOException ignored) {
                // the session closed
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        dialer.close();
        acceptor.close();
        bridge.join();
        pool.close();
        service.close();
        serviceThread.interrupt(); // it may be waiting for a script
        assertTrue(serviceThread.join(Duration.ofSeconds(10)), "the service's thread ended");
        assertEquals(List.of(), serviceFailures, "the service saw what the test scripted");
    }

    @Test
    void aRequestAGoAwayRefusedIsAnsweredOnANewConnection() throws Exception {
        scripts.add(peer -> {
            peer.readRequest();
            peer.send(Frames.goAway(0, H2Error.NO_ERROR)); // stream 1 was not processed
            peer.drain();
        });
        scripts.add(peer -> answer(peer, peer.readRequest().stream()));
        assertEquals("ok", exchange(BODY));
        assertRetriedWhole(2);
    }

    @Test
    void aStreamResetAsRefusedIsSentAgainOnTheSameConnection() throws Exception {
        scripts.add(peer -> {
            int first = peer.readRequest().stream();
            peer.send(Frames.rstStream(first, H2Error.REFUSED_STREAM));
            answer(peer, peer.readRequest().stream());
            peer.drain();
        });
        assertEquals("ok", exchange(BODY));
        assertRetriedWhole(2);
        assertEquals(List.of(1, 3), requests.stream().map(Request::stream).toList(), "the same connection's next stream");
    }

    @Test
    void aRequestRefusedTwiceIsNotSentAThirdTime() throws Exception {
        scripts.add(peer -> {
            for (int i = 0; i < 2; i++) {
                peer.send(Frames.rstStream(peer.readRequest().stream(), H2Error.REFUSED_STREAM));
            }
            peer.drain();
        });
        assertThrows(IOException.class, () -> exchange(BODY), "the tunnel stream is reset");
        assertEquals(2, requests.size());
    }

    @Test
    void aBodyLongerThanWhatIsKeptIsNotRetried() throws Exception {
        byte[] big = new byte[H2cExchange.REPLAY_LIMIT + 1]; // within the default window: sent whole before the refusal
        scripts.add(peer -> {
            peer.readRequest();
            peer.send(Frames.goAway(0, H2Error.NO_ERROR));
            peer.drain();
        });
        assertThrows(IOException.class, () -> exchange(big), "the tunnel stream is reset");
        assertEquals(1, requests.size());
        assertEquals(big.length, requests.getFirst().body().length);
    }

    private void assertRetriedWhole(int count) {
        assertEquals(count, requests.size());
        for (Request r : requests) {
            assertEquals(requests.getFirst().fields(), r.fields(), "the same head");
            assertArrayEquals(BODY, r.body(), "the same body");
        }
        assertTrue(requests.getFirst().fields().contains(new HeaderField(":method", "POST")), requests.getFirst().fields()::toString);
    }

    /** A POST with {@code body} through the tunnel stream: the answer's body (chunked, read to its last chunk). */
    private String exchange(byte[] body) throws IOException {
        MuxStream s = dialer.open();
        OutputStream out = s.output();
        out.write(("POST /things HTTP/1.1\r\nHost: svc\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        String response = new String(readUntil(s.input(), "\r\n0\r\n\r\n"), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        String chunks = response.substring(response.indexOf("\r\n\r\n") + 4);
        return chunks.substring(chunks.indexOf("\r\n") + 2, chunks.indexOf("\r\n0\r\n\r\n"));
    }

    private static byte[] readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the tunnel stream ended: " + got.toString(StandardCharsets.ISO_8859_1));
            }
            got.write(b);
        }
        return got.toByteArray();
    }

    private static void answer(Peer peer, int stream) throws IOException {
        peer.send(Frames.headers(stream, HpackEncoder.encode(List.of(new HeaderField(":status", "200"))), false, 16_384)[0]);
        peer.send(Frames.frame(Frame.DATA, Frame.END_STREAM, stream, "ok".getBytes(StandardCharsets.ISO_8859_1)));
    }

    private void serve() {
        while (!service.isClosed()) {
            try {
                Socket s = service.accept();
                Script script = scripts.poll(10, TimeUnit.SECONDS);
                if (script == null) {
                    serviceFailures.add(new AssertionError("a connection no script was for"));
                    s.close();
                    continue;
                }
                Thread.ofVirtual().name("scripted h2c connection").start(() -> {
                    try (s) {
                        script.run(new Peer(s));
                    } catch (IOException ignored) {
                        // the test sees what the bridge did
                    } catch (AssertionError e) {
                        serviceFailures.add(e);
                    }
                });
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    /** One connection of the service: its handshake done, frames read and written by the script. */
    private final class Peer {
        private final FrameReader in;
        private final OutputStream out;
        private final HpackDecoder hpack = new HpackDecoder(4096);

        Peer(Socket s) throws IOException {
            s.setSoTimeout(20_000);
            InputStream raw = s.getInputStream();
            assertArrayEquals(FrameReader.PREFACE, raw.readNBytes(FrameReader.PREFACE.length));
            in = new FrameReader(raw, 1 << 20);
            out = s.getOutputStream();
            send(Frames.settings());
        }

        void send(byte[] frame) throws IOException {
            out.write(frame);
            out.flush();
        }

        /** The next request: its HEADERS, then DATA to END_STREAM; settings, window updates and acks are skipped. */
        Request readRequest() throws IOException {
            Frame headers = next();
            assertEquals(Frame.HEADERS, headers.type(), "HEADERS, not " + headers);
            List<HeaderField> fields = new ArrayList<>(hpack.decode(headers.payload(), 1 << 16).fields());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (boolean end = headers.has(Frame.END_STREAM); !end; ) {
                Frame data = next();
                assertEquals(Frame.DATA, data.type(), "DATA, not " + data);
                body.writeBytes(data.payload());
                end = data.has(Frame.END_STREAM);
            }
            Request r = new Request(headers.stream(), fields, body.toByteArray());
            requests.add(r);
            return r;
        }

        /** Reads until the bridge closes the connection. */
        void drain() throws IOException {
            while (true) {
                next();
            }
        }

        private Frame next() throws IOException {
            while (true) {
                Frame f = in.read();
                if (f == null) {
                    throw new IOException("closed");
                }
                if (f.type() == Frame.SETTINGS && !f.has(Frame.ACK)) {
                    send(Frames.frame(Frame.SETTINGS, Frame.ACK, 0, new byte[0]));
                } else if (f.type() != Frame.SETTINGS && f.type() != Frame.WINDOW_UPDATE) {
                    return f;
                }
            }
        }
    }
}
