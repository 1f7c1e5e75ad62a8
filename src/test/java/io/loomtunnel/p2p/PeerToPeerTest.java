package io.loomtunnel.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.signal.Answer;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.Blocks;
import io.loomtunnel.internal.signal.ConnectSignaling;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.internal.signal.SignedBlocks;
import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tls.Identity;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SharePeer and ConnectPeer in one JVM on 127.0.0.1, offers and answers handed over in memory. */
@Timeout(60)
class PeerToPeerTest {
    static final PathSettings LOOPBACK = new PathSettings(new InetSocketAddress("127.0.0.1", 0), List.of(), Duration.ofSeconds(10));
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Identity shareKey = Identity.generate();
    private final Identity connectKey = Identity.generate();
    private final int[] tcpPort = new int[1];
    private final int[] udpPort = new int[1];
    private Closeable tcpEcho;
    private Closeable udpEcho;
    private SharePeer share;

    @AfterEach
    void tearDown() throws Exception {
        if (share != null) {
            share.close();
        }
        if (tcpEcho != null) {
            tcpEcho.close();
            udpEcho.close();
        }
    }

    private SharePeer share(int maxSessions) throws Exception {
        tcpEcho = EchoServers.tcp(tcpPort);
        udpEcho = EchoServers.udp(udpPort);
        share = SharePeer.start(ShareSettings.builder(shareKey)
                .service(SharedService.tcp("echo", "127.0.0.1", tcpPort[0]))
                .service(SharedService.udp("dns", "127.0.0.1", udpPort[0]))
                .allow(AllowList.none().with(connectKey.id()))
                .maxSessions(maxSessions)
                .path(LOOPBACK)
                .build(), ShareEvents.NONE);
        return share;
    }

    private ConnectPeer connect(Identity key, String service) throws IOException {
        return ConnectPeer.create(ConnectSettings.builder(key, shareKey.id(), service, ANY_LOCAL).path(LOOPBACK).build(),
                ConnectEvents.NONE);
    }

    private ConnectSignaling direct() {
        return (offer, deadline) -> share.answer(offer);
    }

    @Test
    void tcpDataCrossesADirectSessionIntact() throws Exception {
        share(8);
        try (ConnectPeer connect = connect(connectKey, "echo")) {
            PeerSession session = connect.connect(direct());
            assertTrue(session.path().startsWith("direct 127.0.0.1:"), session.path());
            byte[] data = new byte[4 << 20];
            new Random(1).nextBytes(data);
            byte[] back = Probes.roundTrip(connect.localAddress().getPort(), data);
            assertArrayEquals(sha256(data), sha256(back));
            assertEquals(1, share.sessions().size());

            // Issue 12: status shows the session, its path and what went through it, metered or not.
            assertNull(share.metrics(), "nothing watches: no meters, no sampler");
            for (Status status : new Status[] {connect.status(), share.status()}) {
                Status.Session s = status.sessions().getFirst();
                assertEquals(session.id(), s.id());
                assertEquals("direct", s.path());
                assertTrue(s.address().startsWith("127.0.0.1:"), s.address());
                assertEquals("echo", s.tunnels().getFirst().name());
            }
            assertEquals("connect", connect.status().role());
            assertEquals(shareKey.id().abbreviated(), connect.status().sessions().getFirst().peer());
            assertEquals(connect.localAddress().getPort(), Probes.port(connect.status().sessions().getFirst().tunnels().getFirst().address()));
            assertEquals("127.0.0.1:" + tcpPort[0], share.status().sessions().getFirst().tunnels().getFirst().local());
            Probes.eventually(Duration.ofSeconds(10), "both sides counted the 4 MiB each way", () ->
                    connect.status().totals().bytesIn() == data.length && connect.status().totals().bytesOut() == data.length
                            && share.status().sessions().getFirst().tunnels().getFirst().bytesIn() == data.length
                            && share.status().sessions().getFirst().tunnels().getFirst().bytesOut() == data.length);
        }
    }

    @Test
    void udpDatagramsCrossBothWays() throws Exception {
        share(8);
        try (ConnectPeer connect = connect(connectKey, "dns"); DatagramSocket app = new DatagramSocket(ANY_LOCAL)) {
            connect.connect(direct());
            app.setSoTimeout(1000);
            int port = connect.localAddress().getPort();
            Probes.eventually(Duration.ofSeconds(10), "a datagram came back through the peer session", () -> {
                Probes.send(app, port, "ping");
                return Probes.receive(app).equals("echo:ping");
            });
        }
    }

    @Test
    void refusalsComeBackWithTheirReasons() throws Exception {
        share(1);
        PeerRefusedException notAllowed = assertThrows(PeerRefusedException.class,
                () -> connect(Identity.generate(), "echo").connect(direct()));
        assertEquals(RefusalCode.NOT_ALLOWED, notAllowed.code());
        PeerRefusedException noService = assertThrows(PeerRefusedException.class, () -> connect(connectKey, "web").connect(direct()));
        assertEquals(RefusalCode.SERVICE_NOT_OFFERED, noService.code());
        try (ConnectPeer first = connect(connectKey, "echo"); ConnectPeer second = connect(connectKey, "echo")) {
            first.connect(direct());
            PeerRefusedException busy = assertThrows(PeerRefusedException.class, () -> second.connect(direct()));
            assertEquals(RefusalCode.TOO_MANY_SESSIONS, busy.code());
            assertTrue(busy.getMessage().contains("--max-sessions 1"), busy.getMessage());
        }
    }

    @Test
    void offersThatCannotBeUsedGetNoAnswer() throws Exception {
        share(8);
        Instant now = Instant.now();
        SignedBlock fine = seal(connectKey, shareKey, now, 600);
        share.answer(fine);
        assertEquals(Problem.REPLAYED, assertThrows(SignalException.class, () -> share.answer(fine)).problem());
        assertEquals(Problem.EXPIRED, assertThrows(SignalException.class,
                () -> share.answer(seal(connectKey, shareKey, now.minusSeconds(120), 60))).problem());
        assertEquals(Problem.EXPIRED, assertThrows(SignalException.class,
                () -> share.answer(seal(connectKey, shareKey, now.plus(Duration.ofMinutes(30)), 60))).problem());
        Identity someoneElse = Identity.generate();
        assertEquals(Problem.MISADDRESSED, assertThrows(SignalException.class,
                () -> share.answer(seal(connectKey, someoneElse, now, 60))).problem());
        assertEquals(1, share.sessionCount(), "only the good offer is pending");
        // A stranger's offer is refused before the replay memory: the same offer again gets the same answer.
        SignedBlock stranger = seal(someoneElse, shareKey, now, 60);
        for (int i = 0; i < 2; i++) {
            Answer answer = SignedBlocks.open(share.answer(stranger), BlockKind.ANSWER, Answer.class);
            assertEquals(RefusalCode.NOT_ALLOWED.wireName(), answer.refusal());
            assertTrue(answer.candidates().isEmpty());
        }
    }

    @Test
    void eachSideJudgesTimesByItsOwnClock() throws Exception {
        share(8);
        ConnectPeer ahead = ConnectPeer.create(ConnectSettings.builder(connectKey, shareKey.id(), "echo", ANY_LOCAL).path(LOOPBACK)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(20))).build(), ConnectEvents.NONE);
        SignalException future = assertThrows(SignalException.class, () -> ahead.connect(direct()));
        assertEquals(Problem.EXPIRED, future.problem());
        assertTrue(future.getMessage().contains("in the future: the two clocks differ too much"), future.getMessage());

        SharePeer behind = SharePeer.start(ShareSettings.builder(shareKey).service(SharedService.tcp("echo", "127.0.0.1", tcpPort[0]))
                .allow(AllowList.none().with(connectKey.id())).path(LOOPBACK).answerLifetime(Duration.ofMinutes(1))
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2))).build(), ShareEvents.NONE);
        try (behind; ConnectPeer connect = connect(connectKey, "echo")) {
            SignalException stale = assertThrows(SignalException.class, () -> connect.connect((offer, deadline) -> behind.answer(offer)));
            assertEquals(Problem.EXPIRED, stale.problem());
            assertTrue(stale.getMessage().startsWith("the answer expired"), stale.getMessage());
        }
    }

    @Test
    void endingOneSessionLeavesTheOtherRunning() throws Exception {
        share(8);
        try (ConnectPeer first = connect(connectKey, "echo"); ConnectPeer second = connect(connectKey, "echo")) {
            PeerSession a = first.connect(direct());
            PeerSession b = second.connect(direct());
            Probes.eventually(Duration.ofSeconds(10), () -> "two sessions at the share: " + share.sessions(),
                    () -> share.sessions().size() == 2);
            a.close();
            Probes.eventually(Duration.ofSeconds(10), () -> "one session left at the share: " + share.sessions(),
                    () -> share.sessions().size() == 1);
            byte[] data = "still here".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertArrayEquals(data, Probes.roundTrip(second.localAddress().getPort(), data));
            assertEquals(b.id(), share.sessions().get(0).id());
            share.close();
            assertTrue(b.awaitEnd(Duration.ofSeconds(10)));
            assertTrue(b.endReason().contains("GO_AWAY"), b.endReason());
        }
    }

    private static SignedBlock seal(Identity from, Identity to, Instant created, long seconds) {
        return SignedBlocks.seal(from, Blocks.offer(from, to, SignedBody.newSessionId(), created, seconds));
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
