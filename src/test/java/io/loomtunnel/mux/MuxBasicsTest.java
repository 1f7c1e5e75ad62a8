package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stream life cycle over a plain loopback connection: open, accept, echo, FIN, RST, timeouts, limits. */
@Timeout(30)
class MuxBasicsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void echoAndHalfClose() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(WAIT);
            assertEquals(c.id(), s.id());
            assertEquals(1, c.id() % 2, "dialer uses odd ids");
            byte[] data = new byte[3_000_000];
            new Random(1).nextBytes(data);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.output().write(data);
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] got = s.input().readAllBytes();
            writer.join();
            assertArrayEquals(data, got);
            s.output().write("done".getBytes(StandardCharsets.UTF_8));
            s.close();
            assertEquals("done", new String(c.input().readAllBytes(), StandardCharsets.UTF_8));
            c.close();
            Probes.eventually(WAIT, "both tables empty after FIN both ways",
                    () -> p.dialer().streamCount() == 0 && p.acceptor().streamCount() == 0);
        }
    }

    @Test
    void acceptorOpensEvenIds() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream s = p.acceptor().open();
            MuxStream c = p.dialer().accept(WAIT);
            assertEquals(0, s.id() % 2);
            s.output().write(7);
            assertEquals(7, c.input().read());
        }
    }

    @Test
    void resetWakesBlockedReaderOnBothSides() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(WAIT);
            var readerFailure = new CompletableFuture<Throwable>();
            Thread.ofVirtual().start(() -> {
                try {
                    s.input().read();
                    readerFailure.complete(null);
                } catch (Throwable t) {
                    readerFailure.complete(t);
                }
            });
            c.reset(ErrorCode.CANCEL);
            Throwable t = readerFailure.get(10, TimeUnit.SECONDS);
            StreamResetException reset = assertInstanceOf(StreamResetException.class, t);
            assertEquals(ErrorCode.CANCEL, reset.code());
            assertTrue(reset.byPeer());
            assertThrows(StreamResetException.class, () -> c.output().write(1));
        }
    }

    @Test
    void readTimeoutThenStillUsable() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(WAIT);
            s.setReadTimeout(Duration.ofMillis(100));
            assertThrows(SocketTimeoutException.class, () -> s.input().read());
            c.output().write(42);
            assertEquals(42, s.input().read());
        }
    }

    @Test
    void excessStreamsAreRefusedWithCode() throws Exception {
        MuxConfig cfg = MuxConfig.defaults().withMaxStreams(2);
        try (PlainPair p = PlainPair.open(cfg)) {
            MuxStream a = p.dialer().open();
            MuxStream b = p.dialer().open();
            MuxStream c = p.dialer().open();
            p.acceptor().accept(WAIT);
            p.acceptor().accept(WAIT);
            StreamResetException e = assertThrows(StreamResetException.class, () -> c.input().read());
            assertEquals(ErrorCode.REFUSED_STREAM, e.code());
            a.output().write(1); // the first two still work
            b.output().write(1);
        }
    }

    @Test
    void datagramsControlAndPing() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            p.dialer().sendDatagram(9, new byte[] {1, 2, 3}, 0, 3);
            Datagram d = p.acceptor().receiveDatagram(WAIT);
            assertEquals(9, d.flowId());
            assertArrayEquals(new byte[] {1, 2, 3}, d.payload());
            p.acceptor().sendControl("{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            assertEquals("{\"type\":\"x\"}", new String(p.dialer().receiveControl(WAIT), StandardCharsets.UTF_8));
            Duration rtt = p.dialer().ping(WAIT);
            assertTrue(rtt.toNanos() > 0);
            assertNotNull(p.dialer().rtt());
        }
    }

    @Test
    void closingSessionWakesEverything() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            p.acceptor().accept(WAIT);
            var failure = new CompletableFuture<Throwable>();
            Thread.ofVirtual().start(() -> {
                try {
                    c.input().read();
                } catch (Throwable t) {
                    failure.complete(t);
                }
            });
            var acceptFailure = new CompletableFuture<Throwable>();
            Thread.ofVirtual().start(() -> {
                try {
                    p.dialer().accept();
                } catch (Throwable t) {
                    acceptFailure.complete(t);
                }
            });
            p.acceptor().close();
            assertInstanceOf(SessionClosedException.class, failure.get(10, TimeUnit.SECONDS));
            assertInstanceOf(SessionClosedException.class, acceptFailure.get(10, TimeUnit.SECONDS));
            assertTrue(p.dialer().awaitClosed(WAIT));
        }
    }

    @Test
    void gracefulShutdownDrainsOpenStreams() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(WAIT);
            Thread shutdown = Thread.ofVirtual().start(() -> {
                try {
                    p.acceptor().shutdown(WAIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Probes.eventually(WAIT, "no new streams after GO_AWAY", () -> {
                try {
                    // reset, not close: a FIN'd probe the acceptor never accepts would hold up the drain
                    p.dialer().open(Duration.ofMillis(10)).reset(ErrorCode.CANCEL);
                    return false;
                } catch (IOException e) {
                    return e instanceof SessionClosedException;
                }
            });
            c.output().write("last words".getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            assertEquals("last words", new String(s.input().readAllBytes(), StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertEquals(-1, c.input().read());
            shutdown.join(WAIT);
            assertTrue(p.acceptor().awaitClosed(WAIT));
            assertEquals(ErrorCode.NO_ERROR, p.acceptor().closeCause().code());
        }
    }

    /**
     * A peer that hangs up at once can end the session while {@code start} is still starting its
     * threads; {@code start} must still return the (closed) session rather than throw. Bounded
     * race: 300 connections whose far end is already closed.
     */
    @Test
    void aPeerThatHangsUpAtOnceEndsTheSessionWithoutFailingStart() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 300; i++) {
                try (Socket dialed = new Socket(server.getInetAddress(), server.getLocalPort())) {
                    server.accept().close();
                    MuxSession s = MuxSession.start(dialed.getInputStream(), dialed.getOutputStream(), dialed,
                            MuxSession.Role.DIALER, MuxConfig.defaults(), "hang-up " + i);
                    assertTrue(s.awaitClosed(WAIT), "the session ends when its peer has hung up");
                }
            }
        }
    }

    /**
     * A refusal right after set-up: our first write (the housekeeper's PING) fails on the peer's
     * closed socket before the reader has read the peer's GO_AWAY. The session ends with the peer's
     * code and reason, not with our broken pipe (ServerPolicyTest saw "connection lost: Broken pipe"
     * instead of SESSION_REFUSED once the reader no longer shared a carrier with the housekeeper).
     */
    @Test
    void thePeersGoAwayReasonWinsOverAWriteThatFailedJustBefore() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket ours = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            CountDownLatch writeFailed = new CountDownLatch(1);
            OutputStream broken = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writeFailed.countDown();
                    throw new IOException("Broken pipe");
                }
            };
            MuxSession session = MuxSession.start(ours.getInputStream(), broken, ours, MuxSession.Role.DIALER,
                    MuxConfig.defaults(), "refused");
            assertTrue(writeFailed.await(10, TimeUnit.SECONDS), "the first PING was written");
            new FrameWriter(peer.getOutputStream())
                    .write(Frame.goAway(ErrorCode.SESSION_REFUSED, "the server is full"));
            assertTrue(session.awaitClosed(WAIT));
            assertEquals(ErrorCode.SESSION_REFUSED, session.closeCause().code(), session.closeCause().getMessage());
            assertTrue(session.closeCause().getMessage().contains("the server is full"), session.closeCause().getMessage());
        }
    }
}
