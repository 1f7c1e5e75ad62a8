package io.loomtunnel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.Closer;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle connections on one tunnel against the rest of the client (issue 11, finding 4), over real
 * sockets: a tunnel cannot take the client's whole stream budget, one source address cannot take
 * a tunnel's, and a connection that moves nothing is closed after the idle timeout. Attackers
 * come from 127.0.0.2, legitimate users from 127.0.0.3 (all of 127/8 is loopback on Linux).
 */
@Timeout(120)
class StreamShareTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "stream-share-token";

    @TempDir
    Path dir;
    @AutoClose
    final Closer closer = new Closer();

    private <T extends AutoCloseable> T closing(T c) {
        return closer.add(c);
    }

    private ServerSettings.Builder server() {
        return ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0)).keyFile(dir.resolve("server.key")).token(TOKEN);
    }

    private ClientSettings.Builder client(TunnelServer s) {
        return ClientSettings.builder(s.controlAddress(), s.id()).token(TOKEN).backoff(Duration.ofMillis(50), Duration.ofMillis(300));
    }

    private int echoPort() throws IOException {
        int[] port = new int[1];
        closing(EchoServers.tcp(port));
        return port[0];
    }

    private int webApp() throws IOException {
        int[] port = new int[1];
        closing(EchoServers.web("hello", port));
        return port[0];
    }

    @Test
    void idleConnectionsOnOneTunnelLeaveTheClientsOtherTunnelsTheirShare() throws Exception {
        int limit = 50;
        TunnelServer s = closing(TunnelServer.start(server().maxStreamsPerClient(limit)
                .http(new InetSocketAddress(LOOPBACK, 0), "localhost").build(), ServerEvents.NONE));
        TunnelClient c = closing(TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("db", 0, "127.0.0.1", echoPort()))
                .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", webApp())).build(), ClientEvents.NONE));
        int db = Probes.port(c.awaitReady(WAIT).stream().filter(t -> t.spec().name().equals("db")).findFirst().orElseThrow().address());

        List<Socket> idle = openIdle(from(2), db, limit);
        Probes.eventually(WAIT, () -> "every idle connection relayed or refused: " + streams(s, "db") + " relayed, "
                + refused(s) + " refused", () -> streams(s, "db") + refused(s) == limit);
        String page = Probes.httpGet(s.httpPort(), "web.localhost", "/");
        assertTrue(page.startsWith("HTTP/1.1 200") && page.endsWith("hello"), "the web tunnel still serves: " + page);
        assertTrue(streams(s, "db") < limit, "the db tunnel did not take the client's whole budget: " + streams(s, "db"));
        assertTrue(stillOpen(idle.getFirst()), "the db tunnel's first connections go on");
    }

    @Test
    void oneSourceCannotTakeATunnelsWholeShare() throws Exception {
        int limit = 200;
        TunnelServer s = closing(TunnelServer.start(server().maxStreamsPerClient(limit).build(), ServerEvents.NONE));
        TunnelClient c = closing(TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("db", 0, "127.0.0.1", echoPort())).build(),
                ClientEvents.NONE));
        int db = Probes.port(c.awaitReady(WAIT).get(0).address());

        openIdle(from(2), db, limit);
        Probes.eventually(WAIT, () -> "every idle connection relayed or refused: " + streams(s, "db") + " relayed, "
                + refused(s) + " refused", () -> streams(s, "db") + refused(s) == limit);

        try (Socket user = connect(from(3), db)) {
            user.getOutputStream().write("select 1".getBytes(StandardCharsets.UTF_8));
            assertEquals("select 1", new String(user.getInputStream().readNBytes(8), StandardCharsets.UTF_8),
                    "another source is served while the first holds its connections");
        }
    }

    @Test
    void aConnectionThatMovesNothingIsClosedAfterTheIdleTimeoutAndABusyOneIsNot() throws Exception {
        TunnelServer s = closing(TunnelServer.start(server().tcpIdleTimeout(Duration.ofSeconds(1)).build(), ServerEvents.NONE));
        TunnelClient c = closing(TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("db", 0, "127.0.0.1", echoPort())).build(),
                ClientEvents.NONE));
        int db = Probes.port(c.awaitReady(WAIT).get(0).address());
        Socket idle = closing(connect(from(2), db));
        Socket busy = closing(connect(from(3), db));
        assertTrue(stillOpen(idle) && stillOpen(busy), "both are relayed");
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) { // 4 s, several idle timeouts, with a byte each way every 200 ms
            Thread.sleep(200);
            assertTrue(stillOpen(busy), "a connection that moves bytes stays open");
        }
        assertTrue(System.nanoTime() - start > Duration.ofSeconds(3).toNanos());
        assertTrue(closedByServer(idle), "the idle connection was closed");
        Probes.eventually(WAIT, () -> "the idle connection's stream is gone: " + streams(s, "db"), () -> streams(s, "db") == 1);
    }

    /** Whether the server has closed (or reset) the connection: its next read ends. */
    private static boolean closedByServer(Socket socket) {
        try {
            socket.getOutputStream().write(1);
            return socket.getInputStream().read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    /** 127.0.0.N, a loopback source address of its own. */
    private static InetAddress from(int n) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
    }

    private List<Socket> openIdle(InetAddress source, int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(closing(connect(source, port)));
        }
        return sockets;
    }

    private static Socket connect(InetAddress source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(LOOPBACK, port), 10_000);
        socket.setSoTimeout(15_000);
        return socket;
    }

    /** Whether the connection still echoes. */
    private static boolean stillOpen(Socket socket) throws IOException {
        socket.getOutputStream().write(9);
        return socket.getInputStream().read() == 9;
    }

    /** Streams open now through the client's tunnel {@code name}. */
    private static long streams(TunnelServer s, String name) {
        return s.status().sessions().stream().flatMap(x -> x.tunnels().stream()).filter(t -> t.name().equals(name))
                .mapToLong(Status.Tunnel::streams).sum();
    }

    /** Connections the server refused for a limit so far. */
    static long refused(TunnelServer s) {
        return s.metrics().scrape().lines().filter(l -> l.startsWith("loomtunnel_streams_refused_total{")
                        && l.contains("reason=\"limit\"")).mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
