package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.tunnel.LocalService;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.Flags;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameType;
import io.loomtunnel.internal.wire.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frames a real session writes, pinned one by one against a {@link ScriptedPeer}
 * (docs/protocol/SESSION.md sections 3 and 4): SYN, ACK, DATA, WINDOW_UPDATE at half the window,
 * FIN, RST (on reset, on close with unread data, on refusal, on data after FIN), PING ACK, GO_AWAY.
 */
@Timeout(30)
class MuxFramesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** One keepalive PING at start, the next an hour later: the frames of a test are only its own. */
    private static final MuxConfig CONFIG = MuxConfig.defaults().withKeepalive(Duration.ofHours(1), Duration.ofHours(2));
    private static final byte[] NOTHING = new byte[0];

    @Test
    void openWritesSynThenDataThenFin() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.acceptFrame(); // SYN
        peer.acceptFrame(); // DATA
        peer.acceptFrame(); // FIN
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.DIALER, CONFIG)) {
            MuxStream stream = session.open();
            assertEquals(StreamState.SYN_SENT, stream.state());
            stream.output().write(bytes("hello"));
            stream.shutdownOutput();
            assertEquals(StreamState.LOCAL_CLOSE, stream.state());

            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.SYN, 1, 0);
            Frame data = peer.takeFrame();
            assertFrame(data, FrameType.DATA, Flags.NONE, 1, 5);
            assertArrayEquals(bytes("hello"), data.payload());
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.FIN, 1, 0);
        }
    }

    @Test
    void thePeersAckEstablishesTheStreamAndLetsTheNextOpenThroughTheBacklog() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.acceptFrame(); // SYN 1
        peer.acceptFrame(); // CONTROL: the test has seen the second open wait
        peer.sendFrame(Frame.windowUpdate(1, Flags.ACK, 0));
        peer.acceptFrame(); // SYN 3
        MuxConfig backlogOfOne = CONFIG.withAcceptBacklog(1);
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.DIALER, backlogOfOne)) {
            MuxStream first = session.open();
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.SYN, 1, 0);
            assertThrows(SocketTimeoutException.class, () -> session.open(Duration.ofMillis(100)),
                    "the peer's backlog of one is taken until it acknowledges stream 1");
            session.sendControl(bytes("{}"));
            assertFrame(peer.takeFrame(), FrameType.CONTROL, Flags.NONE, 0, 2);

            assertEquals(3, session.open(WAIT).id(), "the ACK freed the backlog; the timed-out open used no id");
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.SYN, 3, 0);
            assertEquals(StreamState.ESTABLISHED, first.state());
        }
    }

    @Test
    void acceptWritesAckAndReadingWritesWindowUpdateOnceHalfTheWindowIsConsumed() throws Exception {
        int half = Wire.INITIAL_WINDOW / 2;
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.sendFrame(Frame.data(1, Flags.SYN, new byte[Wire.MAX_PAYLOAD]));
        peer.sendFrame(Frame.data(1, Flags.NONE, new byte[half - Wire.MAX_PAYLOAD - 1]));
        peer.sendFrame(Frame.data(1, Flags.NONE, new byte[1]));
        peer.acceptFrame(); // ACK
        peer.acceptFrame(); // WINDOW_UPDATE
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG)) {
            MuxStream stream = session.accept(WAIT);
            assertEquals(1, stream.id());
            assertEquals(StreamState.ESTABLISHED, stream.state());
            Frame ack = peer.takeFrame();
            assertFrame(ack, FrameType.WINDOW_UPDATE, Flags.ACK, 1, 4);
            assertEquals(0, ack.increment());

            // One byte short of half the window: no credit yet. Were one sent, it would be the
            // next frame the peer takes, and its increment would not be the whole half.
            assertEquals(half - 1, stream.input().readNBytes(half - 1).length);
            assertEquals(0, stream.input().read());
            Frame update = peer.takeFrame();
            assertFrame(update, FrameType.WINDOW_UPDATE, Flags.NONE, 1, 4);
            assertEquals(half, update.increment(), "the consumed half, no growth: the peer never answered a PING, so there is no RTT");
        }
    }

    @Test
    void aGrantWithinTwoRttsOfTheLastDoublesTheWindowAndOneLaterDoesNot() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        long rtt = TimeUnit.MILLISECONDS.toNanos(10);
        int half = Wire.INITIAL_WINDOW / 2;
        ScriptedPeer peer = new ScriptedPeer();
        peer.acceptFrame(); // keepalive PING, sent at the clock's start
        peer.acceptFrame(); // CONTROL, sent once the test moved the clock on by one RTT
        peer.sendFrame(Frame.ping(true, clock.get()));
        peer.sendFrame(Frame.data(1, Flags.SYN, new byte[Wire.MAX_PAYLOAD]));
        peer.sendFrame(Frame.data(1, Flags.NONE, new byte[half - Wire.MAX_PAYLOAD]));
        peer.acceptFrame(); // ACK
        peer.acceptFrame(); // WINDOW_UPDATE with growth
        for (int i = 0; i < 4; i++) {
            peer.sendFrame(Frame.data(1, Flags.NONE, new byte[Wire.MAX_PAYLOAD])); // half the doubled window
        }
        peer.acceptFrame(); // WINDOW_UPDATE without growth
        try (peer; MuxSession session = peer.play(MuxSession.Role.ACCEPTOR, CONFIG, clock::get)) {
            Frame ping = peer.takeFrame();
            assertKeepalivePing(ping);
            assertEquals(clock.get(), ping.pingValue(), "a PING carries its send time");
            clock.addAndGet(rtt);
            session.sendControl(bytes("{}"));
            assertFrame(peer.takeFrame(), FrameType.CONTROL, Flags.NONE, 0, 2);

            MuxStream stream = session.accept(WAIT); // the PING ACK came first: the RTT is known
            assertEquals(Duration.ofNanos(rtt), session.rtt());
            assertFrame(peer.takeFrame(), FrameType.WINDOW_UPDATE, Flags.ACK, 1, 4);

            stream.input().readNBytes(half); // no time passed since the window was opened
            Frame grown = peer.takeFrame();
            assertFrame(grown, FrameType.WINDOW_UPDATE, Flags.NONE, 1, 4);
            assertEquals(half + Wire.INITIAL_WINDOW, grown.increment(), "the consumed half plus the growth: 256 KiB to 512 KiB");

            clock.addAndGet(3 * rtt);
            stream.input().readNBytes(Wire.INITIAL_WINDOW); // half of 512 KiB, three RTTs later
            Frame plain = peer.takeFrame();
            assertFrame(plain, FrameType.WINDOW_UPDATE, Flags.NONE, 1, 4);
            assertEquals(Wire.INITIAL_WINDOW, plain.increment(), "the consumed half alone: the network is the limit now");
        }
    }

    @Test
    void writerSendsWholeChunksUpToTheWindowAndTheRestOnlyAfterCredit() throws Exception {
        int chunk = MuxStream.MAX_CHUNK;
        int fullChunks = Wire.INITIAL_WINDOW / chunk;
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.acceptFrame(); // SYN
        for (int i = 0; i <= fullChunks; i++) {
            peer.acceptFrame(); // the window's worth of DATA
        }
        peer.sendFrame(Frame.windowUpdate(1, Flags.NONE, 1));
        peer.acceptFrame(); // the last byte
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.DIALER, CONFIG)) {
            MuxStream stream = session.open();
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    stream.output().write(new byte[Wire.INITIAL_WINDOW + 1]);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.SYN, 1, 0);
            for (int i = 0; i < fullChunks; i++) {
                assertFrame(peer.takeFrame(), FrameType.DATA, Flags.NONE, 1, chunk);
            }
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.NONE, 1, Wire.INITIAL_WINDOW - fullChunks * chunk);
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.NONE, 1, 1);
            written.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void closeAfterReadingToTheEndWritesFin() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.sendFrame(Frame.data(1, Flags.SYN | Flags.FIN, bytes("hi")));
        peer.acceptFrame(); // ACK
        peer.acceptFrame(); // FIN
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG)) {
            MuxStream stream = session.accept(WAIT);
            assertFrame(peer.takeFrame(), FrameType.WINDOW_UPDATE, Flags.ACK, 1, 4);
            assertArrayEquals(bytes("hi"), stream.input().readAllBytes());
            assertEquals(StreamState.REMOTE_CLOSE, stream.state());
            stream.close();
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.FIN, 1, 0);
            assertEquals(StreamState.CLOSED, stream.state());
            assertEquals(0, session.streamCount(), "FIN both ways: the stream is gone");
        }
    }

    @Test
    void closeWithUnreadDataWritesRstCancel() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.sendFrame(Frame.data(1, Flags.SYN, bytes("never read")));
        peer.acceptFrame(); // ACK
        peer.acceptFrame(); // RST
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG)) {
            MuxStream stream = session.accept(WAIT);
            assertFrame(peer.takeFrame(), FrameType.WINDOW_UPDATE, Flags.ACK, 1, 4);
            waitUntilBuffered(stream);
            stream.close();
            assertEquals(StreamState.RESET, stream.state());
            assertReset(peer.takeFrame(), 1, ErrorCode.CANCEL);
        }
    }

    @Test
    void resetWritesRstWithItsCode() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.acceptFrame(); // SYN
        peer.acceptFrame(); // RST
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG)) {
            MuxStream stream = session.open();
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.SYN, 2, 0);
            stream.reset(ErrorCode.INTERNAL_ERROR);
            assertReset(peer.takeFrame(), 2, ErrorCode.INTERNAL_ERROR);
            assertEquals(0, session.streamCount());
        }
    }

    /**
     * Issue 12: a tunnel's client that cannot reach its local service resets the stream with a
     * code naming the failure (docs/protocol/TUNNEL.md 8.2), not CANCEL, so the server can say why.
     */
    @Test
    void aLocalServiceThatRefusesResetsTheStreamWithServiceRefused() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.sendFrame(Frame.data(1, Flags.SYN, NOTHING));
        peer.acceptFrame(); // ACK
        peer.acceptFrame(); // RST
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG)) {
            MuxStream stream = session.accept(WAIT);
            assertFrame(peer.takeFrame(), FrameType.WINDOW_UPDATE, Flags.ACK, 1, 4);
            java.util.List<IOException> told = new java.util.ArrayList<>();
            LocalService.splice(stream, new java.net.InetSocketAddress("127.0.0.1", closedPort), new TunnelCounters(), told::add);
            Frame reset = peer.takeFrame();
            assertReset(reset, 1, ErrorCode.SERVICE_REFUSED);
            assertArrayEquals(new byte[] {0, 0, 0, 13}, reset.payload(), "code 13 on the wire");
            assertEquals(1, told.size(), "the client's own log is told the address and the reason");
            assertEquals(java.net.ConnectException.class, told.get(0).getClass());
        }
    }

    @Test
    void aSynOverTheStreamLimitIsRefused() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.sendFrame(Frame.data(1, Flags.SYN, NOTHING));
        peer.sendFrame(Frame.data(3, Flags.SYN, NOTHING));
        peer.acceptFrame(); // RST for 3
        peer.acceptFrame(); // ACK for 1
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG.withMaxStreams(1))) {
            assertReset(peer.takeFrame(), 3, ErrorCode.REFUSED_STREAM);
            assertEquals(1, session.accept(WAIT).id(), "the stream within the limit waits to be accepted");
            assertFrame(peer.takeFrame(), FrameType.WINDOW_UPDATE, Flags.ACK, 1, 4);
            assertThrows(SocketTimeoutException.class, () -> session.accept(Duration.ofMillis(100)), "3 was refused");
        }
    }

    @Test
    void dataAfterTheFinIsAnsweredWithRstStreamClosed() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.sendFrame(Frame.data(1, Flags.SYN | Flags.FIN, NOTHING));
        peer.sendFrame(Frame.data(1, Flags.NONE, bytes("too late")));
        peer.acceptFrame(); // RST
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG)) {
            assertReset(peer.takeFrame(), 1, ErrorCode.STREAM_CLOSED);
        }
    }

    @Test
    void pingIsAnsweredWithTheSameValue() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.sendFrame(Frame.ping(false, 0x0102030405060708L));
        peer.acceptFrame(); // PING ACK
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.DIALER, CONFIG)) {
            Frame ack = peer.takeFrame();
            assertFrame(ack, FrameType.PING, Flags.ACK, 0, 8);
            assertEquals(0x0102030405060708L, ack.pingValue());
        }
    }

    @Test
    void shutdownWritesGoAwayNoErrorAndClosesOnceDrained() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.acceptFrame(); // GO_AWAY
        peer.acceptFrame(); // end of the connection
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.DIALER, CONFIG)) {
            session.shutdown(WAIT);
            assertGoAway(peer.takeFrame(), ErrorCode.NO_ERROR, "shutting down");
            peer.takeEnd();
        }
    }

    @Test
    void closeWithACodeWritesGoAwayWithThatCodeAndReasonAndNothingForItsStreams() throws Exception {
        ScriptedPeer peer = scriptStartingWithTheKeepalive();
        peer.acceptFrame(); // SYN
        peer.acceptFrame(); // GO_AWAY
        peer.acceptFrame(); // end of the connection
        try (peer; MuxSession session = playPastTheKeepalive(peer, MuxSession.Role.ACCEPTOR, CONFIG)) {
            MuxStream stream = session.open();
            assertFrame(peer.takeFrame(), FrameType.DATA, Flags.SYN, 2, 0);
            session.close(ErrorCode.SESSION_REFUSED, "full");
            assertGoAway(peer.takeFrame(), ErrorCode.SESSION_REFUSED, "full");
            peer.takeEnd();
            assertEquals(StreamState.SESSION_CLOSED, stream.state());
            stream.close(); // nothing to tell the peer, and no exception
            assertThrows(SessionClosedException.class, () -> stream.output().write(1));
        }
    }

    // ---- helpers ----

    /** A script whose first step reads the keepalive PING every session sends as it starts. */
    private static ScriptedPeer scriptStartingWithTheKeepalive() {
        ScriptedPeer peer = new ScriptedPeer();
        peer.acceptFrame();
        return peer;
    }

    /** Plays the script and takes the keepalive PING, so that the frames taken next are the test's own. */
    private static MuxSession playPastTheKeepalive(ScriptedPeer peer, MuxSession.Role role, MuxConfig config) throws Exception {
        MuxSession session = peer.play(role, config);
        try {
            assertKeepalivePing(peer.takeFrame());
        } catch (AssertionError | InterruptedException e) {
            session.close();
            throw e;
        }
        return session;
    }

    /** What a frame's 9-byte header says, compared at once so a failure shows all of it. */
    private record Header(FrameType type, String flags, int streamId, int length) {}

    private static void assertFrame(Frame f, FrameType type, int flags, int streamId, int length) {
        assertEquals(new Header(type, Flags.describe(flags), streamId, length),
                new Header(f.type(), Flags.describe(f.flags()), f.streamId(), f.payload().length));
    }

    private static void assertKeepalivePing(Frame f) {
        assertFrame(f, FrameType.PING, Flags.NONE, 0, 8);
    }

    private static void assertReset(Frame f, int streamId, ErrorCode code) {
        assertFrame(f, FrameType.DATA, Flags.RST, streamId, 4);
        assertEquals(code, f.errorCode());
    }

    private static void assertGoAway(Frame f, ErrorCode code, String reason) {
        assertFrame(f, FrameType.GO_AWAY, Flags.NONE, 0, 4 + reason.length());
        assertEquals(code, f.errorCode());
        assertEquals(reason, f.reason());
    }

    /** The reader thread delivers DATA on its own time; close() must find it buffered. */
    private static void waitUntilBuffered(MuxStream stream) throws Exception {
        Probes.eventually(WAIT, "the peer's data is buffered", () -> stream.available() > 0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
