package io.loomtunnel.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tls.TlsConfig;
import io.loomtunnel.tls.TlsBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listener's limits before authentication, over real sockets from several loopback sources
 * (127.0.0.2 and up are separate sources on Linux): the first-byte deadline, the per-source share,
 * eviction of the oldest silent set-up, and penalties, each while a legitimate peer from
 * 127.0.0.1 still gets its session.
 */
@Timeout(90)
class SessionListenerLimitsTest {
    private static final Identity SERVER = Identity.generate();
    private static final Identity CLIENT = Identity.generate();
    /** Long enough that only the limits under test can close a connection in these tests. */
    private static final SessionOptions SLOW_HANDSHAKE = SessionOptions.defaults()
            .withTls(new TlsConfig(TlsBackend.DEFAULT, Duration.ofSeconds(60)));

    private final List<IOException> failures = new CopyOnWriteArrayList<>();
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final List<String> principals = new CopyOnWriteArrayList<>();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private SessionListener listener;

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sessions.forEach(Session::close);
        if (listener != null) {
            listener.close();
        }
    }

    private void listen(SetupLimits.Builder limits) throws IOException {
        SessionAcceptor acceptor = new SessionAcceptor(SERVER, PeerVerifier.anyPeer(), TokenCheck.of(Set.of("right")), SLOW_HANDSHAKE);
        listener = SessionListener.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), acceptor,
                limits.build(), s -> {
                    sessions.add(s); // kept open: closing at once would race the dialer's own start
                    principals.add(s.principal());
                }, failures::add, reports::add);
    }

    /** A connection from {@code source} that sends {@code bytes} (maybe none) and then nothing. */
    private Socket quiet(String source, byte... bytes) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(listener.address(), 10_000);
        if (bytes.length > 0) {
            s.getOutputStream().write(bytes);
        }
        return s;
    }

    /** Sets up a session from {@code source} with {@code token}. */
    private Session dial(String source, String token) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(listener.address(), 10_000);
        return new SessionDialer(CLIENT, PeerVerifier.pinned(SERVER.id()), token, SessionOptions.defaults()).over(s);
    }

    /** A legitimate peer from 127.0.0.1 gets its session, and the server hands it on. */
    private void legitimatePeerGetsIn() throws Exception {
        int before = principals.size();
        try (Session ignored = dial("127.0.0.1", "right")) {
            Probes.eventually(Duration.ofSeconds(20), () -> "the server has the session; failures: " + failures,
                    () -> principals.size() > before);
        }
        assertEquals("token 1", principals.get(before));
    }

    /** Whether a new connection from {@code source} is closed (or reset) by the server, even while it connects. */
    private boolean closedAtOnce(String source) throws IOException {
        Socket s;
        try {
            s = quiet(source);
        } catch (IOException reset) {
            return true;
        }
        return closedByServer(s, Duration.ofSeconds(30));
    }

    /** Whether the server closed {@code s}: reads until the end (an alert may come first) or a reset, at most {@code wait}. */
    private static boolean closedByServer(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        try {
            s.getInputStream().readAllBytes();
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private void eventuallyFailed(String reason) throws InterruptedException {
        Probes.eventually(Duration.ofSeconds(20), () -> "a failure with reason " + reason + ": " + failures,
                () -> failures.stream().anyMatch(f -> f instanceof SetupRefusedException r && r.reason().equals(reason)));
    }

    @Test
    void aSilentConnectionIsClosedAtItsFirstByteDeadline() throws Exception {
        listen(SetupLimits.builder().firstByteTimeout(Duration.ofMillis(300)));
        Socket silent = quiet("127.0.0.2");
        silent.setSoTimeout(30_000); // the handshake timeout is 60 s: only the first-byte deadline ends this read
        assertEquals("15030300020250", HexFormat.of().formatHex(silent.getInputStream().readAllBytes()),
                "a fatal internal_error alert, then the close");
        Probes.eventually(Duration.ofSeconds(10), () -> "the failure says why: " + failures,
                () -> failures.stream().anyMatch(f -> f.getMessage().contains("sent nothing within 300ms")));
        legitimatePeerGetsIn();
    }

    @Test
    void aSourceBeyondItsShareOfBusySlotsIsClosedAtOnceAndOthersGetIn() throws Exception {
        listen(SetupLimits.builder().maxSetups(6).maxSetupsPerSource(3).firstByteTimeout(Duration.ofSeconds(60)));
        for (int i = 0; i < 3; i++) {
            quiet("127.0.0.2");
        }
        assertTrue(closedAtOnce("127.0.0.2"), "the fourth from 127.0.0.2 is closed");
        eventuallyFailed(SetupRefusedException.SOURCE_LIMIT);
        legitimatePeerGetsIn();
        for (int i = 0; i < 3; i++) {
            assertTrue(!closedByServer(sockets.get(i), Duration.ofMillis(200)), "the first three are still in set-up");
        }
    }

    @Test
    void whenTheSlotsRunOutTheOldestSilentSetUpGoesNotTheNewcomer() throws Exception {
        listen(SetupLimits.builder().maxSetups(4).firstByteTimeout(Duration.ofSeconds(60)));
        Socket talking = quiet("127.0.0.2", (byte) 0x16); // the first byte of a TLS record, then nothing
        Socket oldestSilent = quiet("127.0.0.3");
        quiet("127.0.0.4");
        quiet("127.0.0.5");
        legitimatePeerGetsIn();
        assertTrue(closedByServer(oldestSilent, Duration.ofSeconds(30)), "the oldest silent one made room");
        eventuallyFailed(SetupRefusedException.EVICTED);
        assertTrue(!closedByServer(talking, Duration.ofMillis(200)), "the one that had spoken stays");
    }

    @Test
    void aSourceThatKeepsFailingIsPenalizedAndTheRightTokenFromElsewhereGetsIn() throws Exception {
        listen(SetupLimits.builder().failuresBeforePenalty(3).penalty(Duration.ofSeconds(60)));
        for (int i = 0; i < 3; i++) {
            assertThrows(AuthenticationException.class, () -> dial("127.0.0.2", "wrong").close());
        }
        // The peer hears "no" before the listener has counted the failure: wait for the count.
        Probes.eventually(Duration.ofSeconds(20), "three failures counted", () -> failures.size() >= 3);
        IOException closed = assertThrows(IOException.class, () -> dial("127.0.0.2", "right").close());
        assertTrue(!(closed instanceof AuthenticationException), "closed before the token check: " + closed);
        eventuallyFailed(SetupRefusedException.PENALIZED);
        legitimatePeerGetsIn();
        assertInstanceOf(AuthenticationException.class, failures.get(0));
        assertTrue(reports.size() <= failures.size(), "reports " + reports);
    }
}
