package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientExit;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server's policies over real sockets: credentials and their port allowlists, every limit, UDP expiry, no-reconnect. */
@Timeout(60)
class ServerPolicyTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static ServerSettings.Builder server(Path dir) {
        return ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0)).keyFile(dir.resolve("server.key"));
    }

    private static ClientSettings.Builder client(TunnelServer s) {
        return ClientSettings.builder(s.controlAddress(), s.id()).backoff(Duration.ofMillis(50), Duration.ofMillis(300));
    }

    @Test
    void authorizedKeyNeedsNoTokenAndEachCredentialHasItsOwnPorts(@TempDir Path dir) throws Exception {
        Identity laptop = Identity.generate();
        Path laptopKey = dir.resolve("laptop.key");
        laptop.save(laptopKey);
        try (TunnelServer s = TunnelServer.start(server(dir)
                .authorizedKey(laptop.id().toString(), PortRanges.parse("21000-21010"))
                .token("ci-token", PortRanges.parse("22000-22010")).build(), ServerEvents.NONE)) {
            try (TunnelClient byKey = TunnelClient.start(client(s).keyFile(laptopKey)
                    .tunnel(TunnelSpec.tcp("a", 0, "127.0.0.1", 9)).build(), ClientEvents.NONE)) {
                int p = Probes.port(byKey.awaitReady(WAIT).get(0).address());
                assertTrue(p >= 21000 && p <= 21010, "the key's ports: " + p);
            }
            TunnelClient keyOutside = TunnelClient.start(client(s).keyFile(laptopKey)
                    .tunnel(TunnelSpec.tcp("b", 22005, "127.0.0.1", 9)).build(), ClientEvents.NONE);
            ClientExit refused = keyOutside.awaitExit();
            assertEquals(ClientExit.TUNNEL_REFUSED, refused.code());
            assertTrue(refused.reason().contains("allowed: 21000-21010"), refused.reason());

            try (TunnelClient byToken = TunnelClient.start(client(s).token("ci-token")
                    .tunnel(TunnelSpec.tcp("c", 22005, "127.0.0.1", 9)).build(), ClientEvents.NONE)) {
                assertEquals(22005, Probes.port(byToken.awaitReady(WAIT).get(0).address()), "the token's ports");
            }
            ClientExit stranger = TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("d", 0, "127.0.0.1", 9)).build(),
                    ClientEvents.NONE).awaitExit();
            assertEquals(ClientExit.AUTH_REFUSED, stranger.code(), "an unknown key without a token");
        }
    }

    @Test
    void moreTunnelsThanTheControlQueueHoldsAllRegister(@TempDir Path dir) throws Exception {
        int tunnels = 600; // the server queues 256 control messages: requests must be paced
        try (TunnelServer s = TunnelServer.start(server(dir).token("t").maxTunnelsPerClient(tunnels)
                .allowPorts(PortRanges.parse("20000-60000")).build(), ServerEvents.NONE)) {
            ClientSettings.Builder b = client(s).token("t").reconnect(false);
            for (int i = 0; i < tunnels; i++) {
                b.tunnel(TunnelSpec.tcp("t" + i, 0, "127.0.0.1", 9));
            }
            try (TunnelClient c = TunnelClient.start(b.build(), ClientEvents.NONE)) {
                assertEquals(tunnels, c.awaitReady(WAIT).size());
            }
        }
    }

    @Test
    void fullServerTurnsClientsAwayUntilThereIsRoom(@TempDir Path dir) throws Exception {
        try (TunnelServer s = TunnelServer.start(server(dir).token("t").maxClients(1).build(), ServerEvents.NONE);
             TunnelClient first = TunnelClient.start(client(s).token("t").tunnel(TunnelSpec.tcp("a", 0, "127.0.0.1", 9)).build(),
                     ClientEvents.NONE)) {
            first.awaitReady(WAIT);
            CopyOnWriteArrayList<String> reasons = new CopyOnWriteArrayList<>();
            try (TunnelClient second = TunnelClient.start(client(s).token("t").tunnel(TunnelSpec.tcp("b", 0, "127.0.0.1", 9)).build(),
                    new ClientEvents() {
                        @Override
                        public void disconnected(String reason, Duration retryIn) {
                            reasons.add(reason);
                        }
                    })) {
                Probes.eventually(WAIT, "the second client was turned away", () -> !reasons.isEmpty());
                assertTrue(reasons.get(0).contains("SESSION_REFUSED") && reasons.get(0).contains("1 clients, its limit"),
                        reasons.get(0));
                first.close();
                second.awaitReady(WAIT); // it keeps retrying and gets in once there is room
                assertEquals(1, s.clientCount());
            }
        }
    }

    @Test
    void tunnelLimitRefusesTheExtraTunnel(@TempDir Path dir) throws Exception {
        try (TunnelServer s = TunnelServer.start(server(dir).token("t").maxTunnelsPerClient(1).build(), ServerEvents.NONE)) {
            ClientExit exit = TunnelClient.start(client(s).token("t").tunnel(TunnelSpec.tcp("a", 0, "127.0.0.1", 9))
                    .tunnel(TunnelSpec.tcp("b", 0, "127.0.0.1", 9)).build(), ClientEvents.NONE).awaitExit();
            assertEquals(ClientExit.TUNNEL_REFUSED, exit.code());
            assertTrue(exit.reason().contains("tunnel 'b'") && exit.reason().contains("the server's limit"), exit.reason());
        }
    }

    @Test
    void streamLimitClosesExtraConnectionsAndSparesTheOthers(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        try (Closeable e = EchoServers.tcp(echo);
             TunnelServer s = TunnelServer.start(server(dir).token("t").maxStreamsPerClient(2).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).token("t").tunnel(TunnelSpec.tcp("a", 0, "127.0.0.1", echo[0])).build(),
                     ClientEvents.NONE)) {
            int port = Probes.port(c.awaitReady(WAIT).get(0).address());
            try (Socket one = echoing(port); Socket two = echoing(port); Socket three = new Socket(LOOPBACK, port)) {
                three.setSoTimeout(10_000);
                three.getOutputStream().write(1);
                InputStream in = three.getInputStream();
                boolean closed;
                try {
                    closed = in.read() < 0;
                } catch (IOException reset) {
                    closed = true;
                }
                assertTrue(closed, "the third connection is over the limit and closed");
                for (Socket ok : new Socket[] {one, two}) {
                    ok.getOutputStream().write(7);
                    assertEquals(7, ok.getInputStream().read(), "connections within the limit keep working");
                }
            }
        }
    }

    @Test
    void noReconnectExitsWithConnectionLost(@TempDir Path dir) throws Exception {
        TunnelServer s = TunnelServer.start(server(dir).token("t").build(), ServerEvents.NONE);
        TunnelClient c = TunnelClient.start(client(s).token("t").reconnect(false)
                .tunnel(TunnelSpec.tcp("a", 0, "127.0.0.1", 9)).build(), ClientEvents.NONE);
        c.awaitReady(WAIT);
        s.close();
        ClientExit exit = c.awaitExit();
        assertEquals(ClientExit.CONNECTION_LOST, exit.code());
        assertTrue(exit.reason().startsWith("connection lost"), exit.reason());
    }

    @Test
    void idleUdpAssociationIsForgottenAndANewOneStarts(@TempDir Path dir) throws Exception {
        try (DatagramSocket app = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             TunnelServer s = TunnelServer.start(server(dir).token("t").udpIdleTimeout(Duration.ofMillis(300)).build(),
                     ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).token("t")
                     .tunnel(TunnelSpec.udp("u", 0, "127.0.0.1", app.getLocalPort())).build(), ClientEvents.NONE);
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = Probes.port(c.awaitReady(WAIT).get(0).address());
            app.setSoTimeout(5_000);
            Probes.send(sender, port, "one");
            Probes.send(sender, port, "two");
            int first = arrivalPort(app);
            assertEquals(first, arrivalPort(app), "one sender, one association: the same local flow socket");
            Thread.sleep(1_500); // well past the idle timeout
            Probes.send(sender, port, "three");
            DatagramPacket three = new DatagramPacket(new byte[256], 256);
            app.receive(three);
            assertNotEquals(first, three.getPort(), "after the idle timeout the sender is a new association");

            // A reply that comes after its association expired has nowhere to go: dropped, and counted.
            Thread.sleep(1_500);
            app.send(new DatagramPacket(new byte[] {1}, 1, three.getSocketAddress()));
            Probes.eventually(WAIT, () -> "one datagram dropped, not " + s.udpDatagramsDropped(), () -> s.udpDatagramsDropped() == 1);
        }
    }

    /** The source port a datagram reached the service from (the client's per-flow socket). */
    private static int arrivalPort(DatagramSocket app) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[256], 256);
        app.receive(p);
        return p.getPort();
    }

    private static Socket echoing(int port) throws IOException {
        Socket s = new Socket(LOOPBACK, port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), s.getInputStream().readNBytes(1), "echo works");
        return s;
    }
}
