package io.loomtunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.p2p.AllowList;
import io.loomtunnel.p2p.ConnectEvents;
import io.loomtunnel.p2p.ConnectPeer;
import io.loomtunnel.p2p.ConnectSettings;
import io.loomtunnel.p2p.PeerSession;
import io.loomtunnel.p2p.Rendezvous;
import io.loomtunnel.p2p.ShareEvents;
import io.loomtunnel.p2p.SharePeer;
import io.loomtunnel.p2p.ShareSettings;
import io.loomtunnel.p2p.SharedService;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionAcceptor;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.session.SessionListener;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.session.TokenCheck;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/API.md, as code that compiles and runs on loopback. Each sits between
 * {@code // example: NAME} and {@code // end}; {@link #theDocShowsTheseExamples} fails when the doc's
 * copy differs, so the doc cannot drift from code that works.
 */
class ApiExamplesTest {
    private static final String TOKEN = "example-secret";
    private static final byte[] HELLO = "hello through the tunnel".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private final List<Closeable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (Closeable c : closing.reversed()) {
            c.close();
        }
    }

    static TunnelServer server(Path keyFile, String token) throws IOException {
        // example: server
        TunnelServer server = TunnelServer.start(ServerSettings.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0)) // where clients connect (default: all interfaces, 7000)
                .keyFile(keyFile)                            // the server's key, created if missing
                .token(token)                                // clients present it; or authorize their keys
                .build(), ServerEvents.NONE);
        System.out.println("clients pin " + server.id() + " and connect to " + server.controlAddress());
        // end
        return server;
    }

    static TunnelClient client(InetSocketAddress server, PeerId serverId, String token, int localPort) throws Exception {
        // example: client
        TunnelClient client = TunnelClient.start(ClientSettings.builder(server, serverId) // the id pins the server's key
                .token(token)
                .tunnel(TunnelSpec.tcp("web", 0, "127.0.0.1", localPort)) // remote port 0: the server picks one
                .build(), ClientEvents.NONE);
        List<PublicTunnel> ready = client.awaitReady(Duration.ofSeconds(10)); // registered, or an IOException
        System.out.println("the public reaches 127.0.0.1:" + localPort + " at " + ready.get(0).address());
        System.out.println(client.status().totals().bytesIn() + " bytes in so far");
        // client.close() unregisters the tunnels and ends the session
        // end
        return client;
    }

    /** Runs the share and connect examples; the share closes with the test. */
    ConnectPeer shareAndConnect(Rendezvous server, Identity shareKey, Identity connectKey, int webPort) throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        ShareEvents events = new ShareEvents() {
            @Override
            public void registered(String via, InetSocketAddress observed) {
                registered.countDown();
            }
        };
        // example: share
        SharePeer share = SharePeer.start(ShareSettings.builder(shareKey)
                .service(SharedService.tcp("web", "127.0.0.1", webPort))
                .allow(AllowList.none().with(connectKey.id())) // who may connect
                .build(), events);
        Thread.ofVirtual().start(() -> {
            try {
                share.serve(server); // registers, answers offers until share.close()
            } catch (IOException e) {
                System.err.println("share: " + e.getMessage());
            }
        });
        // end
        closing.add(share);
        assertTrue(registered.await(10, TimeUnit.SECONDS), "the share registered at the server");
        // example: connect
        ConnectPeer connect = ConnectPeer.create(ConnectSettings.builder(connectKey, share.id(), "web",
                new InetSocketAddress("127.0.0.1", 0)).build(), ConnectEvents.NONE); // where local apps connect
        PeerSession session = connect.connect(server); // direct if a path works, else relayed by the server
        System.out.println("web is at " + connect.localAddress() + ", " + session.path());
        // end
        return connect;
    }

    static byte[] session(InetSocketAddress address, PeerId peer, String token) throws IOException {
        Identity myKey = Identity.generate();
        byte[] reply;
        // example: session
        SessionDialer dialer = new SessionDialer(myKey, PeerVerifier.pinned(peer), token, SessionOptions.defaults());
        try (Session session = dialer.dial(address)) { // TLS 1.3 to exactly that key, then the multiplexer
            MuxStream stream = session.mux().open();
            stream.output().write("hello".getBytes(StandardCharsets.UTF_8));
            stream.shutdownOutput(); // the peer reads to the end
            reply = stream.input().readAllBytes();
            System.out.println(session.peer().abbreviated() + " answered " + new String(reply, StandardCharsets.UTF_8));
        }
        // end
        return reply;
    }

    @Test
    void clientAndServerCarryBytes() throws Exception {
        int[] port = new int[1];
        closing.add(EchoServers.tcp(port));
        TunnelServer server = server(dir.resolve("server.key"), TOKEN);
        closing.add(server);
        TunnelClient client = client(server.controlAddress(), server.id(), TOKEN, port[0]);
        closing.add(client);
        String address = client.awaitReady(Duration.ofSeconds(10)).get(0).address();
        int publicPort = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        assertArrayEquals(HELLO, echo(new InetSocketAddress(InetAddress.getLoopbackAddress(), publicPort)));
    }

    @Test
    void shareAndConnectCarryBytes() throws Exception {
        int[] port = new int[1];
        closing.add(EchoServers.tcp(port));
        TunnelServer server = server(dir.resolve("server.key"), TOKEN);
        closing.add(server);
        Rendezvous rendezvous = new Rendezvous(server.controlAddress(), server.id(), TOKEN);
        ConnectPeer connect = shareAndConnect(rendezvous, Identity.generate(), Identity.generate(), port[0]);
        closing.add(connect);
        assertArrayEquals(HELLO, echo(connect.localAddress()));
    }

    @Test
    void aSessionToAPeerById() throws Exception {
        Identity peerKey = Identity.generate();
        SessionAcceptor acceptor = new SessionAcceptor(peerKey, PeerVerifier.anyPeer(), TokenCheck.of(Set.of(TOKEN)),
                SessionOptions.defaults());
        SessionListener listener = SessionListener.start(new InetSocketAddress("127.0.0.1", 0), acceptor, session -> {
            try (MuxStream stream = session.mux().accept(Duration.ofSeconds(10))) {
                byte[] got = stream.input().readAllBytes();
                stream.output().write(("got " + got.length).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                session.close();
            }
        }, failure -> {});
        closing.add(listener);
        assertEquals("got 5", new String(session(listener.address(), peerKey.id(), TOKEN), StandardCharsets.UTF_8));
    }

    @Test
    void theDocShowsTheseExamples() throws IOException {
        String doc = Files.readString(Path.of("docs/API.md"));
        String code = Files.readString(Path.of("src/test/java/io/loomtunnel/ApiExamplesTest.java"));
        List<String> names = List.of("server", "client", "share", "connect", "session");
        for (String name : names) {
            String example = example(code, name);
            assertFalse(example.isBlank(), name);
            assertTrue(doc.contains("```java\n" + example + "```\n"),
                    "docs/API.md must show the '" + name + "' example exactly as this test runs it:\n" + example);
        }
    }

    /** The lines between {@code // example: NAME} and {@code // end}, without their common indentation. */
    private static String example(String code, String name) {
        String start = "// example: " + name + "\n";
        int from = code.indexOf(start);
        assertTrue(from >= 0, "no example " + name);
        from += start.length();
        int to = code.indexOf("// end\n", from);
        String[] lines = code.substring(from, code.lastIndexOf('\n', to) + 1).split("\n");
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            out.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return out.toString();
    }

    private static byte[] echo(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(HELLO);
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }
}
