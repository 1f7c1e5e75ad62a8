package io.loomtunnel.client;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a tunnel with remote port 0 got a new public port at every reconnect. Over real
 * sockets: after a connection lost without the server noticing (its keepalive still far off) the
 * client's newer session replaces the stale one and gets the same TCP and UDP ports; after a
 * server restart, the same ports again, except one taken meanwhile, which moves and says so.
 */
@Timeout(90)
class ReconnectKeepsPortsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "t0ken-for-tests";

    /** The server notices a dead client only after minutes: a lost connection stays a stale session for the whole test. */
    private static ServerSettings.Builder server(Path dir, InetSocketAddress bind) {
        return ServerSettings.builder().bind(bind).keyFile(dir.resolve("server.key")).token(TOKEN)
                .allowPorts(PortRanges.parse("1024-65535"))
                .session(SessionOptions.defaults().withMux(MuxConfig.defaults().withKeepalive(Duration.ofMinutes(5), Duration.ofMinutes(10))));
    }

    @Test
    void portZeroTunnelsGetTheirPortsBackAndATakenOneMoves(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        int[] udpEcho = new int[1];
        BlockingQueue<PublicTunnel> opened = new LinkedBlockingQueue<>();
        List<String> moved = new CopyOnWriteArrayList<>();
        ClientEvents events = new ClientEvents() {
            @Override
            public void tunnelOpened(PublicTunnel tunnel) {
                opened.add(tunnel);
            }

            @Override
            public void tunnelMoved(PublicTunnel tunnel, String previous) {
                moved.add(tunnel.spec().name() + " from " + previous + " to " + tunnel.address());
            }
        };
        TunnelServer first = TunnelServer.start(server(dir, new InetSocketAddress(LOOPBACK, 0)).build(), ServerEvents.NONE);
        InetSocketAddress control = first.controlAddress();
        try (Closeable e = EchoServers.tcp(echo); Closeable u = EchoServers.udp(udpEcho);
             Freezer path = new Freezer(control);
             TunnelClient c = TunnelClient.start(ClientSettings.builder(path.address(), first.id()).token(TOKEN)
                     .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                     .session(SessionOptions.defaults().withMux(MuxConfig.defaults()
                             .withKeepalive(Duration.ofMillis(200), Duration.ofSeconds(1))))
                     .tunnel(TunnelSpec.tcp("ssh", 0, "127.0.0.1", echo[0]))
                     .tunnel(TunnelSpec.udp("dns", 0, "127.0.0.1", udpEcho[0])).build(), events)) {
            assertEquals(2, c.awaitReady(WAIT).size());
            Map<String, String> before = registration(opened);

            path.freeze(); // the path dies silently: the client notices by its keepalive, the server not for minutes
            assertEquals(before, registration(opened), "the newer session replaced the stale one and got the same ports");
            assertEquals(List.of(), moved);
            int ssh = Probes.port(before.get("ssh"));
            assertArrayEquals("after".getBytes(), Probes.roundTrip(ssh, "after".getBytes()));
            assertUdpEchoes(Probes.port(before.get("dns")));
            assertEquals(1.0, first.metrics().scrape().lines()
                    .filter(l -> l.startsWith("loomtunnel_sessions_closed_total{") && l.contains("reason=\"replaced\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum(), "one session replaced");

            first.close();
            try (ServerSocket taken = new ServerSocket(ssh, 1, LOOPBACK);
                 TunnelServer second = TunnelServer.start(server(dir, control).build(), ServerEvents.NONE)) {
                Map<String, String> after = registration(opened);
                assertEquals(before.get("dns"), after.get("dns"), "the UDP tunnel's port is free after the restart: the same");
                assertNotEquals(before.get("ssh"), after.get("ssh"), "the TCP tunnel's port is taken meanwhile");
                assertEquals(List.of("ssh from " + before.get("ssh") + " to " + after.get("ssh")), moved);
                assertEquals(after.get("ssh"), c.status().sessions().get(0).tunnels().stream()
                        .filter(t -> t.name().equals("ssh")).findFirst().orElseThrow().address(), "the status shows the new address");
                assertArrayEquals("moved".getBytes(), Probes.roundTrip(Probes.port(after.get("ssh")), "moved".getBytes()));
            }
        } finally {
            first.close();
        }
    }

    /** The next registration's two tunnels: name to address. */
    private static Map<String, String> registration(BlockingQueue<PublicTunnel> opened) throws InterruptedException {
        Map<String, String> byName = new TreeMap<>();
        for (int i = 0; i < 2; i++) {
            PublicTunnel t = opened.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(t, "a registration of both tunnels: " + byName);
            byName.put(t.spec().name(), t.address());
        }
        return byName;
    }

    private static void assertUdpEchoes(int port) throws IOException, InterruptedException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(1_000);
            Probes.eventually(WAIT, "the UDP tunnel answers", () -> {
                Probes.send(s, port, "ping");
                return Probes.receive(s).equals("echo:ping");
            });
        }
    }

    /**
     * A TCP path to {@code target} that can die silently: {@link #freeze} stops the bytes of every
     * connection it carries so far, both ways, and closes nothing, as a network path that is gone.
     * Connections made after go through.
     */
    private static final class Freezer implements Closeable {
        private final ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
        private final InetSocketAddress target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<AtomicBoolean> frozen = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();

        Freezer(InetSocketAddress target) throws IOException {
            this.target = target;
            threads.add(Thread.ofVirtual().start(this::accept));
        }

        InetSocketAddress address() {
            return new InetSocketAddress(LOOPBACK, listener.getLocalPort());
        }

        void freeze() {
            frozen.forEach(f -> f.set(true));
        }

        private void accept() {
            while (true) {
                Socket in;
                try {
                    in = listener.accept();
                } catch (IOException closed) {
                    return;
                }
                try {
                    Socket out = new Socket(target.getAddress(), target.getPort());
                    sockets.add(in);
                    sockets.add(out);
                    AtomicBoolean ice = new AtomicBoolean();
                    frozen.add(ice);
                    threads.add(Thread.ofVirtual().start(() -> pipe(in, out, ice)));
                    threads.add(Thread.ofVirtual().start(() -> pipe(out, in, ice)));
                } catch (IOException targetDown) {
                    closeQuietly(in); // the server is down: the client sees a refusal, as without the path
                }
            }
        }

        /** Copies until the end or the freeze; after the freeze it swallows what comes and passes on no end either. */
        private static void pipe(Socket from, Socket to, AtomicBoolean ice) {
            byte[] buffer = new byte[16_384];
            try {
                for (int n; (n = from.getInputStream().read(buffer)) >= 0; ) {
                    if (!ice.get()) {
                        to.getOutputStream().write(buffer, 0, n);
                    }
                }
                if (!ice.get()) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                if (!ice.get()) {
                    closeQuietly(to);
                }
            }
        }

        @Override
        public void close() {
            closeQuietly(listener);
            sockets.forEach(s -> closeQuietly(s));
            for (Thread t : threads) {
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
