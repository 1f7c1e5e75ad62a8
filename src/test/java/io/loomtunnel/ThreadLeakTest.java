package io.loomtunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.p2p.PathSettings;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
import io.loomtunnel.internal.rendezvous.ServerConnectSignaling;
import io.loomtunnel.internal.rendezvous.ServerShareSignaling;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.p2p.AllowList;
import io.loomtunnel.p2p.ConnectEvents;
import io.loomtunnel.p2p.ConnectPeer;
import io.loomtunnel.p2p.ConnectSettings;
import io.loomtunnel.p2p.ShareEvents;
import io.loomtunnel.p2p.SharePeer;
import io.loomtunnel.p2p.ShareSettings;
import io.loomtunnel.p2p.SharedService;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.Identity;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every thread loomtunnel starts has an owner that ends it on close: a server, a client with a
 * TCP and an HTTP tunnel, a share and a connect side on loopback, each with a transfer still
 * running through it (a service that never stops sending, a reader that stopped reading, so
 * writers are blocked on flow control), all closed; afterwards the JDK's thread dump, virtual
 * threads included, lists no thread named {@code "loomtunnel ..."}.
 *
 * <p>The client's own threads carry that name once the client package starts them from
 * OwnedThreads; until then only its sessions' and splices' threads are checked here.
 */
@Timeout(120)
class ThreadLeakTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String TOKEN = "thread-leak-token";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PathSettings DIRECT = new PathSettings(new InetSocketAddress("127.0.0.1", 0), List.of(),
            Duration.ofSeconds(20), Duration.ofSeconds(15), false);
    private static final int CHUNK = 16 * 1024;

    @TempDir
    Path dir;

    @Test
    void closingEverythingWithTransfersInFlightLeavesNoLoomtunnelThread() throws Exception {
        List<Closeable> services = new CopyOnWriteArrayList<>();
        List<Socket> transfers = new ArrayList<>();
        try {
            int source = endlessSource(services);
            HttpServer app = endlessHttpApp();
            services.add(() -> app.stop(0));

            TunnelServer server = TunnelServer.start(ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                    .keyFile(dir.resolve("server.key")).token(TOKEN).allowPorts(PortRanges.parse("1024-65535"))
                    .http(new InetSocketAddress(LOOPBACK, 0), "localhost").build(), ServerEvents.NONE);
            TunnelClient client = TunnelClient.start(ClientSettings.builder(server.controlAddress(), server.id()).token(TOKEN)
                    .tunnel(TunnelSpec.tcp("source", 0, "127.0.0.1", source))
                    .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", app.getAddress().getPort()))
                    .build(), ClientEvents.NONE);
            List<PublicTunnel> tunnels = client.awaitReady(WAIT);
            int tcpPort = Probes.port(tunnels.stream().filter(t -> t.spec().name().equals("source")).findFirst().orElseThrow().address());

            Identity shareKey = Identity.generate();
            Identity connectKey = Identity.generate();
            SharePeer share = SharePeer.start(ShareSettings.builder(shareKey)
                    .service(SharedService.tcp("source", "127.0.0.1", source))
                    .allow(AllowList.none().with(connectKey.id()))
                    .path(DIRECT).build(), ShareEvents.NONE);
            AtomicBoolean registered = new AtomicBoolean();
            ServerShareSignaling shareSignaling = new ServerShareSignaling(rendezvous(server, shareKey), share.punchAddress(),
                    List.of(connectKey.id()), new ServerShareSignaling.Events() {
                        @Override
                        public void registered(String via, InetSocketAddress observed) {
                            registered.set(true);
                        }
                    });
            Thread signalingThread = Thread.ofVirtual().name("test share signaling").start(() -> {
                try {
                    share.serve(shareSignaling);
                } catch (IOException closedByTheTest) {
                    // the test closes the signaling
                }
            });
            Probes.eventually(WAIT, "the share registered", registered::get);
            ConnectPeer connect = ConnectPeer.create(ConnectSettings.builder(connectKey, shareKey.id(), "source",
                    new InetSocketAddress(LOOPBACK, 0)).path(DIRECT).build(), ConnectEvents.NONE);
            connect.connect(new ServerConnectSignaling(rendezvous(server, connectKey)));

            transfers.add(startReading(tcpPort));
            transfers.add(startHttpDownload(server.httpPort()));
            transfers.add(startReading(connect.localAddress().getPort()));

            List<String> live = loomtunnelThreads();
            for (String part : List.of("listener :", "session ", "tcp tunnel source :", "http :", "relay of server ",
                    "server metrics: sampler", "share ", "connect to ", "connect :")) {
                assertTrue(live.stream().anyMatch(n -> n.startsWith(OwnedThreads.THREAD_NAME_PREFIX + part)),
                        "the dump lists the live virtual threads of '" + part + "': " + live);
            }

            connect.close();
            shareSignaling.close();
            share.close();
            signalingThread.join(WAIT);
            client.close();
            server.close();

            List<List<String>> lastSeen = new ArrayList<>(List.of(List.of()));
            Probes.eventually(Duration.ofSeconds(10), () -> "no loomtunnel thread outlives its owner: " + lastSeen.get(0),
                    () -> {
                        lastSeen.set(0, loomtunnelThreads());
                        return lastSeen.get(0).isEmpty();
                    });
            assertEquals(List.of(), loomtunnelThreads());
        } finally {
            for (Socket s : transfers) {
                s.close();
            }
            for (Closeable c : services.reversed()) {
                c.close();
            }
        }
    }

    private static RendezvousDialer rendezvous(TunnelServer server, Identity me) {
        return new RendezvousDialer(me, server.controlAddress(), server.id(), TOKEN, SessionOptions.defaults());
    }

    /** A TCP service that sends to each connection without end, until it goes away. */
    private static int endlessSource(List<Closeable> services) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
        services.add(listener);
        Thread.ofVirtual().name("test endless source").start(() -> {
            try {
                while (true) {
                    Socket s = listener.accept();
                    services.add(s);
                    Thread.ofVirtual().name("test endless source connection").start(() -> sendForever(s));
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        return listener.getLocalPort();
    }

    private static void sendForever(Socket s) {
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = s.getOutputStream()) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException gone) {
            // the tunnel closed the connection
        }
    }

    /** An HTTP app whose every response body never ends. */
    private static HttpServer endlessHttpApp() throws IOException {
        HttpServer app = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        app.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, no length
            sendForever(exchange.getResponseBody());
        });
        app.start();
        return app;
    }

    private static void sendForever(OutputStream out) {
        byte[] chunk = new byte[CHUNK];
        try (out) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException gone) {
            // the tunnel closed the connection
        }
    }

    /** Connects, reads what proves bytes flow, then stops reading: the senders fill every window and block. */
    private static Socket startReading(int port) throws IOException {
        Socket s = new Socket(LOOPBACK, port);
        s.setSoTimeout((int) WAIT.toMillis());
        assertEquals(4 * CHUNK, s.getInputStream().readNBytes(4 * CHUNK).length, "bytes flow through port " + port);
        return s;
    }

    private static Socket startHttpDownload(int httpPort) throws IOException {
        Socket s = new Socket(LOOPBACK, httpPort);
        s.setSoTimeout((int) WAIT.toMillis());
        s.getOutputStream().write("GET /endless HTTP/1.1\r\nHost: web.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String head = new String(in.readNBytes(15), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 200 OK", head, "the download started");
        assertEquals(4 * CHUNK, in.readNBytes(4 * CHUNK).length, "the body flows");
        return s;
    }

    /** Names of the live threads, virtual ones included, whose names say loomtunnel started them. */
    private List<String> loomtunnelThreads() throws IOException {
        Path file = Files.createTempFile(dir, "threads", ".json");
        Files.delete(file);
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        JsonNode dump = JsonMapper.builder().build().readTree(file.toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode container : dump.path("threadDump").path("threadContainers")) {
            for (JsonNode thread : container.path("threads")) {
                String name = thread.path("name").asText();
                if (name.startsWith(OwnedThreads.THREAD_NAME_PREFIX)) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
