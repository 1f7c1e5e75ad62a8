package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientExit;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
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
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Server and client in one process, real sockets on loopback: the reverse-tunnel library API. */
@Timeout(60)
class ReverseTunnelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String TOKEN = "t0ken-for-tests";

    private static ServerSettings.Builder server(Path dir) {
        return ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0)).keyFile(dir.resolve("server.key"))
                .token(TOKEN).allowPorts(PortRanges.parse("1024-65535"));
    }

    private static ClientSettings.Builder client(TunnelServer s) {
        return ClientSettings.builder(s.controlAddress(), s.id()).token(TOKEN)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    @Test
    void tcpTunnelCarriesBytesBothWays(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        try (Closeable e = EchoServers.tcp(echo);
             TunnelServer s = TunnelServer.start(server(dir).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", echo[0])).build(),
                     ClientEvents.NONE)) {
            PublicTunnel t = c.awaitReady(WAIT).get(0);
            assertTrue(t.address().startsWith("localhost:"), t.address());
            byte[] data = new byte[5 << 20];
            new Random(5).nextBytes(data);
            assertArrayEquals(Probes.sha256(data), Probes.sha256(Probes.roundTrip(Probes.port(t.address()), data)));
        }
    }

    @Test
    void udpTunnelAnswersEachSender(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        try (Closeable e = EchoServers.udp(echo);
             TunnelServer s = TunnelServer.start(server(dir).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).tunnel(TunnelSpec.udp("dns", 0, "127.0.0.1", echo[0])).build(),
                     ClientEvents.NONE);
             DatagramSocket a = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = Probes.port(c.awaitReady(WAIT).get(0).address());
            for (DatagramSocket sender : List.of(a, b)) {
                sender.setSoTimeout(5_000);
            }
            for (int round = 0; round < 3; round++) {
                Probes.send(a, port, "from-a-" + round);
                Probes.send(b, port, "from-b-" + round);
                assertEquals("echo:from-a-" + round, Probes.receive(a));
                assertEquals("echo:from-b-" + round, Probes.receive(b));
            }
        }
    }

    /** Issue 12: an empty datagram was counted as delivered but never sent (a connected socket sends nothing for it). */
    @Test
    void emptyDatagramsReachTheServiceAndComeBack(@TempDir Path dir) throws Exception {
        try (DatagramSocket service = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             TunnelServer s = TunnelServer.start(server(dir).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).tunnel(TunnelSpec.udp("dns", 0, "127.0.0.1", service.getLocalPort())).build(),
                     ClientEvents.NONE);
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = Probes.port(c.awaitReady(WAIT).get(0).address());
            service.setSoTimeout(5_000);
            sender.setSoTimeout(5_000);
            InetSocketAddress tunnel = new InetSocketAddress(LOOPBACK, port);
            for (int round = 0; round < 3; round++) {
                sender.send(new DatagramPacket(new byte[0], 0, tunnel));
                DatagramPacket atService = new DatagramPacket(new byte[100], 100);
                service.receive(atService);
                assertEquals(0, atService.getLength(), "round " + round + ": the service gets the empty datagram");
                service.send(new DatagramPacket(new byte[0], 0, atService.getSocketAddress()));
                DatagramPacket back = new DatagramPacket(new byte[100], 100);
                sender.receive(back);
                assertEquals(0, back.getLength(), "round " + round + ": the empty reply comes back");
            }
            Probes.send(sender, port, "not empty"); // and ordinary datagrams still pass both ways
            DatagramPacket atService = new DatagramPacket(new byte[100], 100);
            service.receive(atService);
            assertEquals("not empty", new String(atService.getData(), 0, atService.getLength(), StandardCharsets.UTF_8));
            byte[] reply = "reply".getBytes(StandardCharsets.UTF_8);
            service.send(new DatagramPacket(reply, reply.length, atService.getSocketAddress()));
            assertEquals("reply", Probes.receive(sender));
        }
    }

    @Test
    void portOutsideTheAllowlistIsRefusedAtStart(@TempDir Path dir) throws Exception {
        try (TunnelServer s = TunnelServer.start(server(dir).allowPorts(PortRanges.parse("20000-20010")).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("ssh", 2222, "127.0.0.1", 22)).build(),
                     ClientEvents.NONE)) {
            ClientExit exit = c.awaitExit();
            assertEquals(ClientExit.TUNNEL_REFUSED, exit.code());
            assertTrue(exit.reason().contains("port 2222 is not allowed (allowed: 20000-20010)"), exit.reason());
        }
    }

    @Test
    void portAlreadyTakenIsRefused(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK);
             TunnelServer s = TunnelServer.start(server(dir).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("x", taken.getLocalPort(), "127.0.0.1", 1)).build(),
                     ClientEvents.NONE)) {
            ClientExit exit = c.awaitExit();
            assertEquals(ClientExit.TUNNEL_REFUSED, exit.code());
            assertTrue(exit.reason().contains("already in use"), exit.reason());
        }
    }

    @Test
    void badTokenAndUnreachableServerHaveTheirExitCodes(@TempDir Path dir) throws Exception {
        try (TunnelServer s = TunnelServer.start(server(dir).build(), ServerEvents.NONE)) {
            TunnelClient bad = TunnelClient.start(client(s).token("wrong").build(), ClientEvents.NONE);
            ClientExit exit = bad.awaitExit();
            assertEquals(ClientExit.AUTH_REFUSED, exit.code());
            assertTrue(exit.reason().contains("invalid token"), exit.reason());
            assertThrows(IOException.class, () -> bad.awaitReady(WAIT));
        }
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = probe.getLocalPort();
        }
        ClientSettings nowhere = ClientSettings.builder(new InetSocketAddress(LOOPBACK, closedPort), Identity.generate().id())
                .token(TOKEN).reconnect(false).build();
        assertEquals(ClientExit.CONNECT_FAILED, TunnelClient.start(nowhere, ClientEvents.NONE).awaitExit().code());
    }

    /**
     * Issue 12: a client started before its server (at boot) used to exit 10 at its first failed
     * connect; with reconnect on it tries again, saying so each time, and registers once the server is up.
     */
    @Test
    void clientStartedBeforeItsServerRegistersOnceTheServerIsUp(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        int controlPort;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            controlPort = probe.getLocalPort();
        }
        Identity serverKey = Identity.loadOrCreate(dir.resolve("server.key")); // the server's id is known before it runs
        var failures = new CopyOnWriteArrayList<String>();
        ClientEvents events = new ClientEvents() {
            @Override
            public void disconnected(String reason, Duration retryIn) {
                failures.add(reason);
            }
        };
        try (Closeable e = EchoServers.tcp(echo);
             TunnelClient c = TunnelClient.start(ClientSettings.builder(new InetSocketAddress(LOOPBACK, controlPort), serverKey.id())
                     .token(TOKEN).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                     .tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", echo[0])).build(), events)) {
            Probes.eventually(WAIT, "two failed attempts reported", () -> failures.size() >= 2);
            assertTrue(failures.get(0).startsWith("could not connect to ") && failures.get(0).contains(":" + controlPort + ": "),
                    failures.get(0));
            try (TunnelServer s = TunnelServer.start(server(dir).bind(new InetSocketAddress(LOOPBACK, controlPort)).build(),
                    ServerEvents.NONE)) {
                PublicTunnel t = c.awaitReady(WAIT).get(0);
                assertArrayEquals("up".getBytes(), Probes.roundTrip(Probes.port(t.address()), "up".getBytes()));
            }
        }
    }

    @Test
    void clientComesBackAfterServerRestart(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        int tunnelPort;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            tunnelPort = probe.getLocalPort();
        }
        try (Closeable e = EchoServers.tcp(echo)) {
            TunnelServer first = TunnelServer.start(server(dir).build(), ServerEvents.NONE);
            InetSocketAddress control = first.controlAddress();
            var reconnected = new CountDownLatch(1);
            ClientEvents events = new ClientEvents() {
                @Override
                public void connected(io.loomtunnel.tls.PeerId server, String suite, boolean again) {
                    if (again) {
                        reconnected.countDown();
                    }
                }
            };
            try (TunnelClient c = TunnelClient.start(client(first)
                    .tunnel(TunnelSpec.tcp("echo", tunnelPort, "127.0.0.1", echo[0])).build(), events)) {
                c.awaitReady(WAIT);
                assertArrayEquals("one".getBytes(), Probes.roundTrip(tunnelPort, "one".getBytes()));
                first.close();
                try (TunnelServer second = TunnelServer.start(server(dir).bind(control).build(), ServerEvents.NONE)) {
                    assertTrue(reconnected.await(WAIT.toSeconds(), TimeUnit.SECONDS), "client reconnected");
                    Probes.eventually(WAIT, "the same port works again",
                            () -> new String(Probes.roundTrip(tunnelPort, "two".getBytes()), StandardCharsets.UTF_8).equals("two"));
                }
            }
        }
    }

    @Test
    void httpTunnelRoutesByHostAndSaysWhenTheClientIsOffline(@TempDir Path dir) throws Exception {
        com.sun.net.httpserver.HttpServer app = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = ("hello from " + exchange.getRequestURI() + " via "
                    + exchange.getRequestHeaders().getFirst("X-Forwarded-Host")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        try (TunnelServer s = TunnelServer.start(server(dir).http(new InetSocketAddress(LOOPBACK, 0), "localhost").build(),
                ServerEvents.NONE)) {
            TunnelClient c = TunnelClient.start(client(s)
                    .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", app.getAddress().getPort())).build(), ClientEvents.NONE);
            PublicTunnel t = c.awaitReady(WAIT).get(0);
            assertEquals("http://web.localhost:" + s.httpPort() + "/", t.address());
            String ok = Probes.httpGet(s.httpPort(), "web.localhost", "/page");
            assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
            assertTrue(ok.endsWith("hello from /page via web.localhost"), ok);
            assertTrue(Probes.httpGet(s.httpPort(), "other.localhost", "/").startsWith("HTTP/1.1 404"));
            c.close();
            Probes.eventually(WAIT, "a departed client's host answers 502",
                    () -> Probes.httpGet(s.httpPort(), "web.localhost", "/").startsWith("HTTP/1.1 502"));
        } finally {
            app.stop(0);
        }
    }

    /**
     * One connection whose service never reads stalls only itself: while its bytes pile up (service
     * socket, stream window), other connections of the same session still carry theirs in order; then
     * the service reads, and the stalled connection's bytes arrive whole and in order.
     */
    @Test
    void aServiceThatStopsReadingStallsOnlyItsOwnConnection(@TempDir Path dir) throws Exception {
        int stalledBytes = 128 << 20; // far more than the socket buffers and the stream's window together
        CountDownLatch stalledAccepted = new CountDownLatch(1);
        CountDownLatch startReading = new CountDownLatch(1);
        CompletableFuture<byte[]> stalledGot = new CompletableFuture<>();
        try (ServerSocket service = new ServerSocket(0, 64, LOOPBACK);
             TunnelServer s = TunnelServer.start(server(dir).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("svc", 0, "127.0.0.1", service.getLocalPort())).build(),
                     ClientEvents.NONE)) {
            Thread.ofVirtual().start(() -> {
                try {
                    Socket first = service.accept();
                    stalledAccepted.countDown();
                    Thread.ofVirtual().start(() -> { // reads nothing until told, then everything
                        try (first) {
                            startReading.await();
                            MessageDigest sha = MessageDigest.getInstance("SHA-256");
                            byte[] buf = new byte[64 * 1024];
                            for (int n; (n = first.getInputStream().read(buf)) >= 0; ) {
                                sha.update(buf, 0, n);
                            }
                            stalledGot.complete(sha.digest());
                        } catch (Exception e) {
                            stalledGot.completeExceptionally(e);
                        }
                    });
                    while (true) {
                        Socket next = service.accept();
                        Thread.ofVirtual().start(() -> EchoServers.echo(next));
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            int port = Probes.port(c.awaitReady(WAIT).get(0).address());
            try (Socket stalled = new Socket(LOOPBACK, port)) {
                AtomicLong written = new AtomicLong();
                CompletableFuture<byte[]> stalledSent = new CompletableFuture<>();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        MessageDigest sha = MessageDigest.getInstance("SHA-256");
                        Random random = new Random(11);
                        byte[] block = new byte[64 * 1024];
                        for (int left = stalledBytes; left > 0; left -= block.length) {
                            random.nextBytes(block);
                            stalled.getOutputStream().write(block);
                            sha.update(block);
                            written.addAndGet(block.length);
                        }
                        stalled.shutdownOutput();
                        stalledSent.complete(sha.digest());
                    } catch (Exception e) {
                        stalledSent.completeExceptionally(e);
                    }
                });
                assertTrue(stalledAccepted.await(15, TimeUnit.SECONDS), "the service got the first connection");
                // Wait until its writer stops moving: every buffer on the way is full (or all was written).
                // No event marks that moment, so stillness over half a second is the sign (bounded: 20 s).
                long last = -1;
                for (int i = 0; i < 40 && written.get() != last; i++) {
                    last = written.get();
                    Thread.sleep(500);
                }
                assertTrue(written.get() < stalledBytes, "the stalled connection is held back: " + written.get() + " bytes written");
                for (int i = 0; i < 8; i++) {
                    assertTrue(Probes.echoIntact(port, 256 * 1024, i), "connection " + i + " while one is stalled");
                }
                startReading.countDown();
                byte[] sent = stalledSent.get(60, TimeUnit.SECONDS);
                assertArrayEquals(sent, stalledGot.get(60, TimeUnit.SECONDS), "the stalled connection's bytes, whole and in order");
                writer.join();
            }
        }
    }

    /** The client owns its threads: while a connection runs they are there, named; after close, none is left. */
    @Test
    void closeEndsAndJoinsEveryThreadOfTheClient(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        int[] udpEcho = new int[1];
        try (Closeable e = EchoServers.tcp(echo);
             Closeable u = EchoServers.udp(udpEcho);
             TunnelServer s = TunnelServer.start(server(dir).build(), ServerEvents.NONE);
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            TunnelClient c = TunnelClient.start(client(s).tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", echo[0]))
                    .tunnel(TunnelSpec.udp("dns", 0, "127.0.0.1", udpEcho[0])).build(), ClientEvents.NONE);
            String prefix = "loomtunnel client " + s.controlAddress().getHostString() + ":" + s.controlAddress().getPort() + ": ";
            List<PublicTunnel> tunnels = c.awaitReady(WAIT);
            sender.setSoTimeout(5_000);
            Probes.send(sender, Probes.port(tunnels.get(1).address()), "ping");
            assertEquals("echo:ping", Probes.receive(sender), "a UDP flow is open");
            try (Socket held = new Socket(LOOPBACK, Probes.port(tunnels.get(0).address()))) {
                held.getOutputStream().write(7);
                assertEquals(7, held.getInputStream().read(), "the connection is spliced");
                List<String> running = threadsNamed(dir.resolve("before.json"), prefix);
                assertTrue(running.contains(prefix + "connect") && running.contains(prefix + "control")
                        && running.contains(prefix + "udp") && running.stream().anyMatch(n -> n.startsWith(prefix + "udp: flow "))
                        && running.stream().anyMatch(n -> n.startsWith(prefix + "stream ") && !n.endsWith("-down"))
                        && running.stream().anyMatch(n -> n.startsWith(prefix + "stream ") && n.endsWith("-down")),
                        running.toString());
                c.close();
                assertEquals(List.of(), threadsNamed(dir.resolve("after.json"), prefix), "threads left after close");
                assertEquals(ClientExit.CLOSED, c.awaitExit().code());
            }
        }
    }

    /** The names of the live threads, virtual ones included, that start with {@code prefix}. */
    private static List<String> threadsNamed(Path dump, String prefix) throws IOException {
        java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toAbsolutePath().toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"name\": \"(" + java.util.regex.Pattern.quote(prefix) + "[^\"]*)\"")
                .matcher(java.nio.file.Files.readString(dump));
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }


}
