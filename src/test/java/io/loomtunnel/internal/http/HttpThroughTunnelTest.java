package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow-visitor attacks of issue 11 (findings 3 and 4) through a real server and client, the
 * upstream a tunnel stream counted against the client's stream limit: slow posts and slow readers
 * hold neither the app's workers nor the client's streams for long, legitimate visitors get
 * through, and the page for a client at its stream limit names nothing internal.
 */
@Timeout(120)
class HttpThroughTunnelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String TOKEN = "t0ken-for-tests";

    private static TunnelServer server(Path dir, int maxStreams) throws IOException {
        ServerSettings.Builder b = ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                .keyFile(dir.resolve("server.key")).token(TOKEN).http(new InetSocketAddress(LOOPBACK, 0), "localhost")
                .maxStreamsPerClient(maxStreams);
        b.httpLimits().bodyTimeout(Duration.ofSeconds(2)).sendTimeout(Duration.ofSeconds(4)).minBodyRate(16 * 1024);
        return TunnelServer.start(b.build(), ServerEvents.NONE);
    }

    private static TunnelClient client(TunnelServer s, HttpServer app) throws Exception {
        TunnelClient c = TunnelClient.start(ClientSettings.builder(s.controlAddress(), s.id()).token(TOKEN)
                .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", app.getAddress().getPort())).build(), ClientEvents.NONE);
        c.awaitReady(Duration.ofSeconds(15));
        return c;
    }

    @Test
    void sixtySlowPostsAgainstFiftyWorkersAndFiftyStreams(@TempDir Path dir) throws Exception {
        HttpServer app = TestApps.start("workers", 50);
        try (TunnelServer s = server(dir, 50); TunnelClient c = client(s, app);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> slow = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                slow.add(pool.submit(() -> {
                    try (RawClient raw = new RawClient(s.httpPort())) {
                        raw.send("POST /echo HTTP/1.1\r\nHost: web.localhost\r\nContent-Length: 1000\r\n\r\n");
                        for (int sent = 0; sent < 200 && !raw.responded(); sent++) { // 50 s at most
                            raw.send("x");
                            Thread.sleep(250);
                        }
                        return raw.read().status();
                    }
                }));
            }
            Thread.sleep(1_000);
            for (int i = 0; i < 5; i++) {
                try (RawClient raw = new RawClient(s.httpPort())) {
                    RawClient.Response r = raw.send("POST /echo HTTP/1.1\r\nHost: web.localhost\r\nContent-Length: 5\r\n\r\nhello")
                            .read();
                    assertEquals(200, r.status(), r.text());
                    assertTrue(r.text().contains("length=5\n"), r.text());
                }
            }
            for (Future<Integer> f : slow) {
                assertEquals(408, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            app.stop(0);
        }
    }

    @Test
    void slowReadersGiveTheirStreamsBackAndTheFullPageNamesNothing(@TempDir Path dir) throws Exception {
        HttpServer app = TestApps.start("big");
        List<Socket> readers = new ArrayList<>();
        try (TunnelServer s = server(dir, 4); TunnelClient c = client(s, app)) {
            for (int i = 0; i < 4; i++) {
                Socket r = new Socket();
                readers.add(r);
                r.setReceiveBufferSize(4096);
                r.connect(new InetSocketAddress(LOOPBACK, s.httpPort()), 5_000);
                r.getOutputStream().write("GET /fixed?n=64000000 HTTP/1.1\r\nHost: web.localhost\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            RawClient.Response refused = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (refused == null && System.nanoTime() < end) { // until all four hold their streams
                RawClient.Response r = get(s.httpPort(), "/fixed?n=10");
                if (r.status() == 502) {
                    refused = r;
                }
            }
            assertTrue(refused != null, "the client's four streams were all held");
            for (String secret : new String[] {"client", "limit", "connections", "web", "4"}) {
                assertFalse(refused.text().replace("502", "").contains(secret), "the page shows '" + secret + "': " + refused.text());
            }
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int status = 0;
            while (status != 200 && System.nanoTime() < end) {
                RawClient.Response r = get(s.httpPort(), "/fixed?n=2000000");
                status = r.status();
                if (status == 200) {
                    assertEquals(2_000_000, r.body().length);
                } else {
                    Thread.sleep(200);
                }
            }
            assertEquals(200, status, "a legitimate download once the slow readers lost their streams");
            assertTrue(readers.stream().noneMatch(Socket::isClosed), "the slow readers never closed");
        } finally {
            for (Socket r : readers) {
                r.close();
            }
            app.stop(0);
        }
    }

    private static RawClient.Response get(int port, String path) throws IOException {
        try (RawClient raw = new RawClient(port)) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: web.localhost\r\n\r\n").read();
        }
    }
}
