package io.loomtunnel.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.metrics.PrometheusText;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, peer-to-peer meters: a share and a connect on 127.0.0.1, each with an admin endpoint;
 * after a transfer and a ping, each one's /metrics has its sessions by path, the RTT by path, the
 * path-change counters (at zero) and the service's bytes, and /api/status the session's path, RTT
 * and bytes; the same for a session a server relays.
 */
@Timeout(60)
class PeerMetersTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetSocketAddress ADMIN = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsShowSessionsRttAndPathChangesByPathAndTheServicesBytes() throws Exception {
        Identity shareKey = Identity.generate();
        Identity connectKey = Identity.generate();
        int[] echoPort = new int[1];
        try (Closeable echo = EchoServers.tcp(echoPort)) {
            ShareSettings.Builder sb = ShareSettings.builder(shareKey).service(SharedService.tcp("echo", "127.0.0.1", echoPort[0]))
                    .allow(AllowList.none().with(connectKey.id())).path(PeerToPeerTest.LOOPBACK);
            sb.observe().adminBind(ADMIN);
            ConnectSettings.Builder cb = ConnectSettings.builder(connectKey, shareKey.id(), "echo", PeerToPeerTest.ANY_LOCAL)
                    .path(PeerToPeerTest.LOOPBACK);
            cb.observe().adminBind(ADMIN);
            try (SharePeer share = SharePeer.start(sb.build(), ShareEvents.NONE);
                 ConnectPeer connect = ConnectPeer.create(cb.build(), ConnectEvents.NONE)) {
                PeerSession session = connect.connect((offer, deadline) -> share.answer(offer));
                byte[] data = new byte[300_000];
                new Random(3).nextBytes(data);
                assertArrayEquals(data, Probes.roundTrip(connect.localAddress().getPort(), data));
                session.mux().ping(WAIT);

                Probes.eventually(WAIT, "the connect's meters: one direct session, its RTT, the bytes", () -> {
                    PrometheusText p = scrape(connect.adminAddress());
                    return oneSessionMeasuredOn(p, "direct", "relay")
                            && p.count("loomtunnel_tunnel_bytes_total", "role", "connect", "tunnel", "echo", "direction", "in") == data.length
                            && p.count("loomtunnel_tunnel_bytes_total", "role", "connect", "tunnel", "echo", "direction", "out") == data.length;
                });
                Probes.eventually(WAIT, "the share's meters: one direct session, the bytes", () -> {
                    PrometheusText p = scrape(share.adminAddress());
                    return p.count("loomtunnel_p2p_sessions_active", "role", "share", "path", "direct") == 1
                            && p.count("loomtunnel_p2p_sessions_active", "role", "share", "path", "relay") == 0
                            && p.count("loomtunnel_tunnel_bytes_total", "role", "share", "tunnel", "echo", "direction", "in") == data.length;
                });
                PrometheusText p = scrape(share.adminAddress());
                for (String[] change : new String[][] {{"direct", "relay"}, {"relay", "direct"}}) {
                    assertEquals(0.0, p.value("loomtunnel_p2p_path_changes_total", "role", "share", "from", change[0], "to", change[1]));
                }
                assertEquals("gauge", p.type("loomtunnel_p2p_sessions_active"));
                assertEquals("histogram", p.type("loomtunnel_p2p_rtt_seconds"));
                assertEquals("counter", p.type("loomtunnel_p2p_path_changes_total"));

                Status.Session s = connect.status().sessions().getFirst();
                assertEquals("direct", s.path());
                assertTrue(s.rttMillis() != null && s.rttMillis() >= 0, "RTT in the status: " + s);
                assertEquals(data.length, s.tunnels().getFirst().bytesIn());

                session.close();
                Probes.eventually(WAIT, "the share's session ended: none on either path", () -> {
                    PrometheusText after = scrape(share.adminAddress());
                    return after.count("loomtunnel_p2p_sessions_active", "role", "share", "path", "direct") == 0
                            && after.count("loomtunnel_p2p_sessions_active", "role", "share", "path", "relay") == 0;
                });
            }
        }
    }

    /** A session the server relays is counted, and its RTT recorded, on the relay path. */
    @Test
    void aRelayedSessionIsMeteredOnTheRelayPath(@TempDir Path dir) throws Exception {
        Identity shareKey = Identity.generate();
        Identity connectKey = Identity.generate();
        String token = "metered-token-0123456789";
        int[] echoPort = new int[1];
        CountDownLatch registered = new CountDownLatch(1);
        try (TunnelServer server = TunnelServer.start(ServerSettings.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                     .keyFile(dir.resolve("server.key")).token(token).build(), ServerEvents.NONE);
             Closeable echo = EchoServers.tcp(echoPort)) {
            Rendezvous rendezvous = new Rendezvous(server.controlAddress(), server.id(), token);
            ShareSettings.Builder sb = ShareSettings.builder(shareKey).service(SharedService.tcp("echo", "127.0.0.1", echoPort[0]))
                    .allow(AllowList.none().with(connectKey.id())).path(PeerToPeerTest.LOOPBACK);
            sb.observe().adminBind(ADMIN);
            ConnectSettings.Builder cb = ConnectSettings.builder(connectKey, shareKey.id(), "echo", PeerToPeerTest.ANY_LOCAL)
                    .path(PeerToPeerTest.LOOPBACK.withRelay(Duration.ZERO, true));
            cb.observe().adminBind(ADMIN);
            try (SharePeer share = SharePeer.start(sb.build(), new ShareEvents() {
                    @Override
                    public void registered(String via, InetSocketAddress observed) {
                        registered.countDown();
                    }
                });
                 ConnectPeer connect = ConnectPeer.create(cb.build(), ConnectEvents.NONE)) {
                Thread serving = Thread.ofVirtual().name("test-share-serve").start(() -> {
                    try {
                        share.serve(rendezvous);
                    } catch (IOException e) {
                        // ends when the share closes
                    }
                });
                assertTrue(registered.await(20, TimeUnit.SECONDS), "the share registered");
                PeerSession session = connect.connect(rendezvous);
                assertTrue(session.path().startsWith("relay via "), session.path());
                byte[] data = new byte[100_000];
                assertArrayEquals(data, Probes.roundTrip(connect.localAddress().getPort(), data));
                session.mux().ping(WAIT);
                Probes.eventually(WAIT, "the connect's meters: one relayed session and its RTT",
                        () -> oneSessionMeasuredOn(scrape(connect.adminAddress()), "relay", "direct"));
                Probes.eventually(WAIT, "the share's meters: one relayed session", () ->
                        scrape(share.adminAddress()).count("loomtunnel_p2p_sessions_active", "role", "share", "path", "relay") == 1);
                assertEquals("relay", share.status().sessions().getFirst().path());
                share.close();
                serving.join(WAIT);
            }
        }
    }

    /** A path change is counted once per move, tagged from and to; nothing else is a path. */
    @Test
    void pathChangesAreCountedByDirection() throws Exception {
        Identity key = Identity.generate();
        ConnectSettings.Builder cb = ConnectSettings.builder(key, Identity.generate().id(), "echo", PeerToPeerTest.ANY_LOCAL)
                .path(PeerToPeerTest.LOOPBACK);
        cb.observe().adminBind(ADMIN);
        try (PeerMetering meters = new PeerMetering("connect", key.id().abbreviated(), cb.build().observe())) {
            meters.pathChanged("relay", "direct");
            meters.pathChanged("relay", "direct");
            meters.pathChanged("direct", "relay");
            PrometheusText p = PrometheusText.parse(meters.view().scrape());
            assertEquals(2.0, p.value("loomtunnel_p2p_path_changes_total", "role", "connect", "from", "relay", "to", "direct"));
            assertEquals(1.0, p.value("loomtunnel_p2p_path_changes_total", "role", "connect", "from", "direct", "to", "relay"));
            for (String[] bad : new String[][] {{"direct", "direct"}, {"relay", "10.0.0.1:5"}}) {
                assertThrows(IllegalArgumentException.class, () -> meters.pathChanged(bad[0], bad[1]));
            }
        }
    }

    /** A connect's /metrics: its one session and its RTT on {@code path}, nothing on {@code other}. */
    private static boolean oneSessionMeasuredOn(PrometheusText p, String path, String other) {
        return p.count("loomtunnel_p2p_sessions_active", "role", "connect", "path", path) == 1
                && p.count("loomtunnel_p2p_sessions_active", "role", "connect", "path", other) == 0
                && p.count("loomtunnel_p2p_rtt_seconds_count", "role", "connect", "path", path) >= 1
                && p.count("loomtunnel_p2p_rtt_seconds_count", "role", "connect", "path", other) == 0;
    }

    private PrometheusText scrape(InetSocketAddress admin) throws Exception {
        URI metrics = URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics");
        return PrometheusText.parse(http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
