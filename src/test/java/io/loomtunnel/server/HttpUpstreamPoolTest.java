package io.loomtunnel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.http.UpstreamPool;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pooled upstreams of an HTTP tunnel (issue 17), through a real server and client over loopback:
 * sequential requests, from one visitor or several, reach the app on one keep-alive connection;
 * what must not be reused is not (Connection: close, HTTP/1.0, upgrades); a kept stream the app
 * ended is not used, a request that met one goes again when it may and is a 502 when it may not;
 * the pool's bound, idle expiry and tunnel close give every stream (and its permit) back.
 */
@Timeout(120)
class HttpUpstreamPoolTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "pool-token";
    /** With two tunnels open, a tunnel's fair share is 20: a burst of 20 takes every permit "web" may have. */
    private static final int MAX_STREAMS = 40;
    private static final int BURST = 20;

    @TempDir
    static Path dir;
    private static KeepAliveApp app;
    private static KeepAliveApp impatient;
    private static TunnelServer server;
    private static TunnelClient client;

    @BeforeAll
    static void start() throws Exception {
        app = new KeepAliveApp(Duration.ZERO);
        impatient = new KeepAliveApp(Duration.ofSeconds(1)); // closes idle connections after 1 s, before the pool would
        server = TunnelServer.start(ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                .keyFile(dir.resolve("server.key")).token(TOKEN).http(new InetSocketAddress(LOOPBACK, 0), "localhost")
                .maxStreamsPerClient(MAX_STREAMS).build(), ServerEvents.NONE);
        client = TunnelClient.start(ClientSettings.builder(server.controlAddress(), server.id()).token(TOKEN)
                .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", app.port()))
                .tunnel(TunnelSpec.http("impatient", "impatient", "127.0.0.1", impatient.port())).build(), ClientEvents.NONE);
        client.awaitReady(WAIT);
    }

    @AfterAll
    static void stop() throws IOException {
        client.close();
        server.close();
        app.close();
        impatient.close();
    }

    @Test
    void sequentialRequestsFromOneVisitorAndFromSeveralShareOneAppConnection() throws Exception {
        HttpTunnel tunnel = (HttpTunnel) server.httpRoutes().route("web.localhost");
        Probes.eventually(WAIT, "streams kept by earlier tests expired", () -> tunnel.idleUpstreams() == 0);
        Set<String> connections = new HashSet<>();
        try (Visitor v = new Visitor()) {
            for (int i = 0; i < 20; i++) {
                connections.add(conn(v.get("web", "/hello")));
            }
        }
        for (int visitor = 0; visitor < 5; visitor++) {
            // The last visitor's connection thread keeps the stream just after the response went out.
            Probes.eventually(WAIT, "the stream kept", () -> tunnel.idleUpstreams() == 1);
            try (Visitor v = new Visitor()) {
                for (int i = 0; i < 4; i++) {
                    connections.add(conn(v.get("web", "/hello")));
                }
            }
        }
        assertEquals(1, connections.size(), "40 requests, one after another, on connections " + connections);
    }

    @Test
    void closeHttp10AndUpgradeAreNotReused() throws Exception {
        try (Visitor v = new Visitor()) {
            for (String path : new String[] {"/close-open", "/http10"}) {
                String kept = conn(v.get("web", "/hello"));
                assertEquals(kept, conn(v.get("web", path)), "the kept connection carries " + path);
                assertNotEquals(kept, conn(v.get("web", "/hello")), "no request after " + path + " on its connection");
            }
        }
        try (Visitor ws = new Visitor()) {
            ws.send("GET /ws HTTP/1.1\r\nHost: web.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
            assertEquals(101, ws.read().status);
            ws.send("ping through the upgrade");
            assertEquals("ping through the upgrade", new String(ws.in.readNBytes(24), StandardCharsets.ISO_8859_1));
        }
        try (Visitor v = new Visitor()) {
            assertEquals(200, v.get("web", "/hello").status, "a request after the upgrade ended");
        }
    }

    @Test
    void aKeptStreamTheAppEndedIsNotUsedAndAFailedOneIsRetriedOnlyWhenSafe() throws Exception {
        try (Visitor v = new Visitor()) {
            String first = conn(v.get("impatient", "/hello"));
            Thread.sleep(1_500); // the app closes its idle connection at 1 s
            Response again = v.get("impatient", "/hello");
            assertEquals(200, again.status);
            assertNotEquals(first, conn(again));

            v.get("web", "/hello"); // a kept stream to pick up
            int dropped = app.dropped.get();
            Response retried = v.get("web", "/drop");
            assertEquals(200, retried.status, "a GET the kept stream dropped goes again on a fresh one");
            assertTrue(retried.text().endsWith("n=1"), retried.text());
            assertEquals(dropped + 1, app.dropped.get());
        }
        for (int size : new int[] {5, 300_000}) { // read whole before the app is contacted, and streamed
            try (Visitor v = new Visitor()) {
                v.get("web", "/hello");
                int dropped = app.dropped.get();
                v.send("POST /drop HTTP/1.1\r\nHost: web.localhost\r\nContent-Length: " + size + "\r\n\r\n");
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        v.send("x".repeat(size));
                    } catch (IOException e) {
                        // the ingress stopped reading after its 502
                    }
                });
                assertEquals(502, v.read().status, "a POST of " + size + " bytes is not sent twice");
                writer.join(WAIT);
                assertEquals(dropped + 1, app.dropped.get(), "the app saw the POST once");
            }
        }
    }

    @Test
    void thePoolIsBoundedAndGivesEveryStreamBack() throws Exception {
        HttpTunnel tunnel = (HttpTunnel) server.httpRoutes().route("web.localhost");
        for (int round = 0; round < 3; round++) { // all of web's permits at once: kept streams must not leak any
            burst(BURST);
            assertTrue(tunnel.idleUpstreams() <= UpstreamPool.MAX_IDLE, "kept " + tunnel.idleUpstreams());
        }
        Probes.eventually(WAIT, "idle streams expire: nothing open on server, client or app", () ->
                tunnel.idleUpstreams() == 0 && streams(server.status(), "web") == 0 && streams(client.status(), "web") == 0
                        && app.open.isEmpty());
    }

    @Test
    void closingTheTunnelClosesItsKeptStreams() throws Exception {
        KeepAliveApp own = new KeepAliveApp(Duration.ZERO);
        try (own) {
            client.openTunnel(TunnelSpec.http("bye", "bye", "127.0.0.1", own.port()));
            HttpTunnel tunnel = (HttpTunnel) server.httpRoutes().route("bye.localhost");
            try (Visitor v = new Visitor()) {
                assertEquals(200, v.get("bye", "/hello").status);
            }
            // The connection's thread keeps the stream just after the visitor has the response.
            Probes.eventually(WAIT, "the stream kept", () -> tunnel.idleUpstreams() == 1);
            client.closeTunnel("bye");
            // The closed tunnel is out of the routes, so only its close (not the idle expiry) reaches its pool.
            Probes.eventually(WAIT, "the kept stream closed", () -> tunnel.idleUpstreams() == 0 && own.open.isEmpty());
        }
    }

    private static void burst(int n) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(pool.submit(() -> {
                    try (Visitor v = new Visitor()) {
                        return v.get("web", "/slow").status;
                    }
                }));
            }
            for (Future<Integer> f : all) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS));
            }
        }
    }

    private static long streams(Status status, String tunnel) {
        return status.sessions().stream().flatMap(s -> s.tunnels().stream()).filter(t -> t.name().equals(tunnel))
                .mapToLong(Status.Tunnel::streams).sum();
    }

    private static String conn(Response r) {
        assertEquals(200, r.status, r.text());
        return r.text().split(" ")[0];
    }

    private record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** One visitor's keep-alive connection to the ingress. */
    private static final class Visitor implements AutoCloseable {
        private final Socket socket = new Socket();
        final InputStream in;

        Visitor() throws IOException {
            socket.connect(new InetSocketAddress(LOOPBACK, server.httpPort()), 5_000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        Response get(String host, String path) throws IOException {
            send("GET " + path + " HTTP/1.1\r\nHost: " + host + ".localhost\r\n\r\n");
            return read();
        }

        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        Response read() throws IOException {
            String head = KeepAliveApp.readHead(in);
            if (head == null) {
                throw new IOException("the ingress closed the connection");
            }
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, status == 101 ? new byte[0] : in.readNBytes(KeepAliveApp.contentLength(head)));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
