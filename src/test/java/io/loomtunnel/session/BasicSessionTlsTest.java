package io.loomtunnel.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.internal.wire.Flags;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.internal.wire.Wire;
import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.mux.SessionClosedException;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Session set-up, authentication and protocol abuse over real loopback TLS 1.3. */
@Timeout(60)
class BasicSessionTlsTest {

    @Test
    void sessionCarriesIdsSuiteAndData() throws Exception {
        try (TlsPair pair = new TlsPair(); Session client = pair.dial()) {
            Session server = pair.nextAccepted();
            assertEquals(pair.serverKey.id(), client.peer());
            assertEquals(pair.clientKey.id(), server.peer());
            assertTrue(client.cipherSuite().startsWith("TLS_"), client.cipherSuite());
            assertTrue(server.peerSoftware().startsWith("loomtunnel/"), server.peerSoftware());
            MuxStream c = client.mux().open();
            MuxStream s = server.mux().accept(TlsPair.wait10());
            c.output().write("ping".getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            assertEquals("ping", new String(s.input().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void wrongPinnedServerIdFailsAndLeavesNothingOpen() throws Exception {
        try (TlsPair pair = new TlsPair()) {
            Identity stranger = Identity.generate();
            SessionDialer dialer = new SessionDialer(pair.clientKey, PeerVerifier.pinned(stranger.id()), TlsPair.TOKEN,
                    pair.options);
            IOException e = assertThrows(IOException.class, () -> dialer.dial(pair.address()));
            assertTrue(e.getMessage().contains("mismatch") || e.getMessage().contains(stranger.id().abbreviated()),
                    e.getMessage());
            assertNotNull(pair.nextFailure(), "the server saw the aborted handshake too");
        }
    }

    @Test
    void clientKeyNotAuthorizedIsRefused() throws Exception {
        Identity server = Identity.generate();
        Identity allowed = Identity.generate();
        Identity intruder = Identity.generate();
        SessionOptions o = SessionOptions.defaults();
        var failures = new java.util.concurrent.LinkedBlockingQueue<IOException>();
        try (SessionListener l = SessionListener.start(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
                new SessionAcceptor(server, PeerVerifier.allowed(List.of(allowed.id())), Authenticator.anyone(), o), s -> { }, failures::add)) {
            var dialer = new SessionDialer(intruder, PeerVerifier.pinned(server.id()), null, o);
            assertThrows(IOException.class, () -> dialer.dial(l.address()));
            IOException seen = failures.poll(10, TimeUnit.SECONDS);
            assertNotNull(seen);
            assertTrue(seen.getMessage().contains(intruder.id().abbreviated()) || seen.getMessage().contains("not allowed"),
                    seen.getMessage());
        }
    }

    @Test
    void wrongTokenIsAuthFailedOnBothSides() throws Exception {
        try (TlsPair pair = new TlsPair()) {
            SessionDialer dialer = new SessionDialer(pair.clientKey, PeerVerifier.pinned(pair.serverKey.id()), "wrong",
                    pair.options);
            AuthenticationException e = assertThrows(AuthenticationException.class, () -> dialer.dial(pair.address()));
            assertTrue(e.getMessage().contains("invalid token"), e.getMessage());
            IOException serverSide = pair.nextFailure();
            assertInstanceOf(AuthenticationException.class, serverSide);
            assertTrue(serverSide.getMessage().contains("invalid token"), serverSide.getMessage());
        }
    }

    @Test
    void wrongMagicIsRefusedSilently() throws Exception {
        try (TlsPair pair = new TlsPair(); RawPeer raw = RawPeer.tlsOnly(pair.address(), pair.clientKey, pair.serverKey)) {
            raw.tls.output().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.tls.output().flush();
            IOException e = pair.nextFailure();
            assertTrue(e.getMessage().contains("not a loomtunnel endpoint"), e.getMessage());
            byte[] rest = raw.tls.input().readNBytes(64);
            assertEquals(8, rest.length, "only the server's own preamble, then close: " + new String(rest, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void oversizedFrameEndsSessionWithFrameSizeError() throws Exception {
        try (TlsPair pair = new TlsPair();
             RawPeer raw = RawPeer.established(pair.address(), pair.clientKey, pair.serverKey, TlsPair.TOKEN)) {
            Session server = pair.nextAccepted();
            int length = Wire.MAX_PAYLOAD + 1;
            byte[] header = {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 0, Flags.SYN, 0, 0, 0, 1};
            raw.tls.output().write(header);
            raw.tls.output().flush();
            Frame goAway = raw.readUntilGoAway();
            assertNotNull(goAway, "a GO_AWAY before the close");
            assertEquals(ErrorCode.FRAME_SIZE_ERROR, goAway.errorCode());
            assertTrue(server.mux().awaitClosed(TlsPair.wait10()));
            assertEquals(ErrorCode.FRAME_SIZE_ERROR, server.mux().closeCause().code());
        }
    }

    @Test
    void windowOverrunEndsSessionWithFlowControlError() throws Exception {
        try (TlsPair pair = new TlsPair();
             RawPeer raw = RawPeer.established(pair.address(), pair.clientKey, pair.serverKey, TlsPair.TOKEN)) {
            Session server = pair.nextAccepted();
            byte[] chunk = new byte[Wire.MAX_PAYLOAD];
            raw.writer.writeData(1, Flags.SYN, chunk, 0, chunk.length);
            for (int sent = chunk.length; sent <= Wire.INITIAL_WINDOW; sent += chunk.length) {
                raw.writer.writeData(1, Flags.NONE, chunk, 0, chunk.length);
            }
            Frame goAway = raw.readUntilGoAway();
            assertNotNull(goAway);
            assertEquals(ErrorCode.FLOW_CONTROL_ERROR, goAway.errorCode());
            assertTrue(server.mux().awaitClosed(TlsPair.wait10()));
        }
    }

    @Test
    void frameForUnopenedStreamIsProtocolError() throws Exception {
        try (TlsPair pair = new TlsPair();
             RawPeer raw = RawPeer.established(pair.address(), pair.clientKey, pair.serverKey, TlsPair.TOKEN)) {
            Session server = pair.nextAccepted();
            raw.writer.write(Frame.windowUpdate(41, Flags.NONE, 5));
            Frame goAway = raw.readUntilGoAway();
            assertNotNull(goAway);
            assertEquals(ErrorCode.PROTOCOL_ERROR, goAway.errorCode());
            assertTrue(goAway.reason().contains("never opened"), goAway.reason());
            assertTrue(server.mux().awaitClosed(TlsPair.wait10()));
        }
    }

    @Test
    void stalledReaderBlocksOnlyItsOwnStream() throws Exception {
        try (TlsPair pair = new TlsPair(); Session client = pair.dial()) {
            Session server = pair.nextAccepted();
            MuxStream stalled = client.mux().open();
            MuxStream stalledServer = server.mux().accept(TlsPair.wait10());
            // Fill the stalled stream's window: the writer must block and time out, having written
            // at least the initial window.
            stalled.setWriteTimeout(Duration.ofMillis(500));
            byte[] block = new byte[16 * 1024];
            new Random(7).nextBytes(block);
            MessageDigest stalledSent = MessageDigest.getInstance("SHA-256");
            long written = 0;
            try {
                while (true) {
                    stalled.output().write(block);
                    stalledSent.update(block);
                    written += block.length;
                }
            } catch (SocketTimeoutException expected) {
                // the window is full and nobody reads
            }
            assertTrue(written >= Wire.INITIAL_WINDOW - block.length, "wrote " + written + " before blocking");

            // Meanwhile 100 other streams each move 1 MiB and finish.
            int others = 100;
            byte[] payload = new byte[1 << 20];
            new Random(9).nextBytes(payload);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(payload);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<byte[]>> received = new ArrayList<>();
                for (int i = 0; i < others; i++) {
                    received.add(pool.submit((Callable<byte[]>) () -> {
                        MuxStream s = server.mux().accept(TlsPair.wait10());
                        byte[] got = MessageDigest.getInstance("SHA-256").digest(s.input().readAllBytes());
                        s.close();
                        return got;
                    }));
                    pool.submit((Callable<Void>) () -> {
                        MuxStream s = client.mux().open();
                        s.output().write(payload);
                        s.shutdownOutput();
                        return null;
                    });
                }
                for (Future<byte[]> f : received) {
                    assertArrayEquals(expected, f.get(60, TimeUnit.SECONDS));
                }
            }
            // The stalled stream lost nothing: its reader now gets every byte written before the block.
            stalled.shutdownOutput();
            byte[] all = stalledServer.input().readAllBytes();
            assertEquals(written, all.length);
            assertArrayEquals(stalledSent.digest(), MessageDigest.getInstance("SHA-256").digest(all));
        }
    }

    /**
     * Each side reads its connection on one platform thread of its own, named after the session
     * (woken by the kernel, not through the JDK's poller), and closing the session joins it.
     */
    @Test
    void eachSideReadsOnAPlatformThreadThatClosingJoins() throws Exception {
        try (TlsPair pair = new TlsPair()) {
            Session client = pair.dial();
            Session server = pair.nextAccepted();
            // Thread.getAllStackTraces lists platform threads only: a virtual reader would not be found.
            Thread clientReader = readerOf("loomtunnel session " + pair.serverKey.id().abbreviated() + "@");
            Thread serverReader = readerOf("loomtunnel session " + pair.clientKey.id().abbreviated() + "@");
            MuxStream c = client.mux().open();
            c.output().write("ping".getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            assertEquals("ping", new String(server.mux().accept(TlsPair.wait10()).input().readAllBytes(), StandardCharsets.UTF_8));
            client.close();
            assertTrue(server.mux().awaitClosed(TlsPair.wait10()), "the peer saw the session end");
            clientReader.join(TlsPair.wait10());
            serverReader.join(TlsPair.wait10());
            assertFalse(clientReader.isAlive(), "the client's reader ended with its session");
            assertFalse(serverReader.isAlive(), "the server's reader ended with its session");
        }
    }

    private static Thread readerOf(String sessionPrefix) throws InterruptedException {
        // A pooled thread takes its task's name when the task starts running, a moment after the session is up.
        Probes.eventually(Duration.ofSeconds(10), "a reader thread named after " + sessionPrefix, () -> !readers(sessionPrefix).isEmpty());
        List<Thread> readers = readers(sessionPrefix);
        assertEquals(1, readers.size(), "platform reader threads of " + sessionPrefix + ": " + readers);
        assertTrue(readers.get(0).isDaemon());
        return readers.get(0);
    }

    private static List<Thread> readers(String sessionPrefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(sessionPrefix) && t.getName().endsWith(": reader")).toList();
    }

    @Test
    void keepaliveDeclaresSilentPeerDead() throws Exception {
        SessionOptions quick = SessionOptions.defaults()
                .withMux(MuxConfig.defaults().withKeepalive(Duration.ofMillis(100), Duration.ofMillis(400)));
        try (TlsPair pair = new TlsPair(quick);
             RawPeer raw = RawPeer.established(pair.address(), pair.clientKey, pair.serverKey, TlsPair.TOKEN)) {
            Session server = pair.nextAccepted();
            // The raw peer never answers PINGs.
            assertTrue(server.mux().awaitClosed(TlsPair.wait10()));
            SessionClosedException cause = server.mux().closeCause();
            assertEquals(ErrorCode.KEEPALIVE_TIMEOUT, cause.code());
            Frame goAway = raw.readUntilGoAway();
            assertNotNull(goAway);
            assertEquals(ErrorCode.KEEPALIVE_TIMEOUT, goAway.errorCode());
        }
    }

    @Test
    void unsupportedVersionGetsGoAway() throws Exception {
        try (TlsPair pair = new TlsPair(); RawPeer raw = RawPeer.tlsOnly(pair.address(), pair.clientKey, pair.serverKey)) {
            raw.tls.output().write(new byte[] {'L', 'O', 'O', 'M', 'T', 'U', 'N', 2});
            raw.tls.output().flush();
            IOException e = pair.nextFailure();
            assertInstanceOf(ProtocolException.class, e);
            assertEquals(ErrorCode.UNSUPPORTED_VERSION, ((ProtocolException) e).code());
            assertEquals(8, raw.tls.input().readNBytes(8).length, "the server's preamble");
            Frame goAway = raw.readUntilGoAway();
            assertNotNull(goAway);
            assertEquals(ErrorCode.UNSUPPORTED_VERSION, goAway.errorCode());
        }
    }
}
