package io.loomtunnel.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientExit;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.observe.Meters;
import io.loomtunnel.observe.Status;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metric values after known traffic over real loopback sessions: exact bytes both ways on server
 * and client, datagrams, a refused stream, a failed authentication, a failed handshake; all read
 * from the Prometheus text, parsed line by line.
 */
@Timeout(60)
class ExactCountsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int UP = 3_000_017;   // bytes from the public to the service
    private static final int DOWN = 1_234_567; // bytes the service sends back

    @Test
    void bytesBothWaysAreCountedExactlyOnBothEnds(@TempDir Path dir) throws Exception {
        int[] servicePort = new int[1];
        try (Closeable service = sinkThenReply(servicePort, DOWN);
             TunnelServer server = TunnelServer.start(serverSettings(dir).build(), ServerEvents.NONE);
             TunnelClient client = TunnelClient.start(clientSettings(server, "t")
                     .tunnel(TunnelSpec.tcp("bulk", 0, "127.0.0.1", servicePort[0])).build(), ClientEvents.NONE)) {
            int port = Probes.port(client.awaitReady(WAIT).get(0).address());
            byte[] up = new byte[UP];
            new Random(1).nextBytes(up);
            byte[] back = Probes.roundTrip(port, up);
            assertEquals(DOWN, back.length, "the service's reply arrived whole");
            for (Meters m : List.of(server.metrics(), client.metrics())) {
                String role = m.role();
                Probes.eventually(WAIT, () -> role + " out:\n" + m.scrape(),
                        () -> scrape(m).count("loomtunnel_tunnel_bytes_total", "role", role, "tunnel", "bulk", "direction", "out") == DOWN);
                PrometheusText p = scrape(m);
                assertEquals(UP, p.count("loomtunnel_tunnel_bytes_total", "role", role, "tunnel", "bulk", "direction", "in"), role);
                assertEquals(1, p.count("loomtunnel_streams_opened_total", "role", role, "tunnel", "bulk"), role);
                assertEquals(0, p.count("loomtunnel_streams_reset_total", "role", role, "tunnel", "bulk"), role);
                assertEquals(1, p.count("loomtunnel_sessions_active", "role", role), role);
                assertEquals(1, p.count("loomtunnel_sessions_opened_total", "role", role), role);
                assertEquals(1, p.count("loomtunnel_tunnels_active", "role", role, "type", "tcp"), role);
                assertEquals("counter", p.type("loomtunnel_tunnel_bytes_total"), role);
                Status.Totals total = (m == server.metrics() ? server.status() : client.status()).totals();
                assertEquals(UP, total.bytesIn(), role + " total in");
                assertEquals(DOWN, total.bytesOut(), role + " total out");
                Probes.eventually(WAIT, role + " stream closed",
                        () -> scrape(m).count("loomtunnel_streams_active", "role", role, "tunnel", "bulk") == 0);
                Probes.eventually(WAIT, role + ": the first keepalive PING gives an RTT",
                        () -> scrape(m).count("loomtunnel_session_rtt_seconds_count", "role", role) >= 1);
                assertTrue(p.count("loomtunnel_uptime_seconds", "role", role) > 0, role);
                assertTrue(p.value("jvm_memory_used_bytes", "area", "heap", "id", p.samples().stream()
                        .filter(s -> s.name().equals("jvm_memory_used_bytes") && "heap".equals(s.labels().get("area")))
                        .findFirst().orElseThrow().labels().get("id")) > 0, "JVM meters are there");
            }
        }
    }

    @Test
    void datagramsAreCountedPerUdpTunnel(@TempDir Path dir) throws Exception {
        int[] echoPort = new int[1];
        try (Closeable echo = EchoServers.udp(echoPort);
             TunnelServer server = TunnelServer.start(serverSettings(dir).build(), ServerEvents.NONE);
             TunnelClient client = TunnelClient.start(clientSettings(server, "t")
                     .tunnel(TunnelSpec.udp("dns", 0, "127.0.0.1", echoPort[0])).build(), ClientEvents.NONE);
             DatagramSocket sender = new DatagramSocket(0, LOOPBACK)) {
            int port = Probes.port(client.awaitReady(WAIT).get(0).address());
            sender.setSoTimeout(10_000);
            for (int i = 0; i < 3; i++) {
                Probes.send(sender, port, "ping-" + i);
                assertEquals("echo:ping-" + i, Probes.receive(sender));
            }
            for (Meters m : List.of(server.metrics(), client.metrics())) {
                String role = m.role();
                Probes.eventually(WAIT, () -> role + ":\n" + m.scrape(),
                        () -> scrape(m).count("loomtunnel_tunnel_datagrams_total", "role", role, "tunnel", "dns", "direction", "out") == 3);
                PrometheusText p = scrape(m);
                assertEquals(3, p.count("loomtunnel_tunnel_datagrams_total", "role", role, "tunnel", "dns", "direction", "in"));
                assertEquals(0, p.count("loomtunnel_tunnel_datagrams_total", "role", role, "tunnel", "dns", "direction", "dropped"));
                assertEquals(3 * 6, p.count("loomtunnel_tunnel_bytes_total", "role", role, "tunnel", "dns", "direction", "in"));
                assertEquals(3 * 11, p.count("loomtunnel_tunnel_bytes_total", "role", role, "tunnel", "dns", "direction", "out"));
            }
        }
    }

    @Test
    void httpTunnelBytesAgreeOnBothEnds(@TempDir Path dir) throws Exception {
        byte[] page = new byte[70_000];
        com.sun.net.httpserver.HttpServer app = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 10);
        app.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(200, page.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(page);
            }
        });
        app.start();
        try (TunnelServer server = TunnelServer.start(serverSettings(dir).http(new InetSocketAddress(LOOPBACK, 0), "localhost")
                     .build(), ServerEvents.NONE);
             TunnelClient client = TunnelClient.start(clientSettings(server, "t")
                     .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", app.getAddress().getPort())).build(), ClientEvents.NONE)) {
            client.awaitReady(WAIT);
            String response = Probes.httpGet(server.httpPort(), "web.localhost", "/");
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            Probes.eventually(WAIT, "no web stream active at either end", () -> scrape(server.metrics()).count("loomtunnel_streams_active", "tunnel", "web") == 0
                    && scrape(client.metrics()).count("loomtunnel_streams_active", "tunnel", "web") == 0);
            for (String direction : List.of("in", "out")) {
                double atServer = scrape(server.metrics()).count("loomtunnel_tunnel_bytes_total", "tunnel", "web", "direction", direction);
                Probes.eventually(WAIT, direction + ": both ends count the same bytes", () -> scrape(client.metrics())
                        .count("loomtunnel_tunnel_bytes_total", "tunnel", "web", "direction", direction) == atServer);
            }
            double out = scrape(server.metrics()).count("loomtunnel_tunnel_bytes_total", "tunnel", "web", "direction", "out");
            assertTrue(out > page.length && out < page.length + 1_000, "the response, head and body: " + out);
            assertEquals(1, scrape(server.metrics()).count("loomtunnel_streams_opened_total", "tunnel", "web"));
        } finally {
            app.stop(0);
        }
    }

    @Test
    void refusedStreamFailedAuthAndFailedHandshakeAreCountedByReason(@TempDir Path dir) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, LOOPBACK);
             TunnelServer server = TunnelServer.start(serverSettings(dir).maxStreamsPerClient(1).build(), ServerEvents.NONE);
             TunnelClient client = TunnelClient.start(clientSettings(server, "t")
                     .tunnel(TunnelSpec.tcp("held", 0, "127.0.0.1", silent.getLocalPort())).build(), ClientEvents.NONE)) {
            int port = Probes.port(client.awaitReady(WAIT).get(0).address());
            try (Socket first = new Socket(LOOPBACK, port)) {
                Probes.eventually(WAIT, "the first connection holds the only stream",
                        () -> scrape(server.metrics()).count("loomtunnel_streams_active", "tunnel", "held") == 1);
                try (Socket second = new Socket(LOOPBACK, port)) {
                    second.setSoTimeout(10_000);
                    assertEquals(-1, second.getInputStream().read(), "over the limit: closed at once");
                }
                assertEquals(1, scrape(server.metrics()).count("loomtunnel_streams_refused_total", "reason", "limit"));
            }

            ClientExit badToken = TunnelClient.start(clientSettings(server, "wrong").reconnect(false)
                    .tunnel(TunnelSpec.tcp("x", 0, "127.0.0.1", 9)).build(), ClientEvents.NONE).awaitExit();
            assertEquals(ClientExit.AUTH_REFUSED, badToken.code());
            Probes.eventually(WAIT, () -> server.metrics().scrape(), () -> scrape(server.metrics()).count("loomtunnel_auth_failures_total",
                    "role", "server", "reason", "invalid_token") == 1);

            try (Socket notTls = new Socket(LOOPBACK, server.controlAddress().getPort())) {
                notTls.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                notTls.setSoTimeout(10_000);
                notTls.getInputStream().readAllBytes();
            } catch (IOException reset) {
                // the server may reset the connection instead of closing it
            }
            Probes.eventually(WAIT, () -> server.metrics().scrape(), () -> scrape(server.metrics()).count("loomtunnel_handshake_failures_total",
                    "role", "server", "reason", "tls") == 1);
            PrometheusText p = scrape(server.metrics());
            assertEquals(1, p.count("loomtunnel_sessions_opened_total", "role", "server"), "the failures opened no session");
        }
    }

    @Test
    void everyLineOfTheScrapeIsPrometheusTextAndTagsAreBounded(@TempDir Path dir) throws Exception {
        try (TunnelServer server = TunnelServer.start(serverSettings(dir).build(), ServerEvents.NONE);
             TunnelClient client = TunnelClient.start(clientSettings(server, "t")
                     .tunnel(TunnelSpec.tcp("a", 0, "127.0.0.1", 9)).build(), ClientEvents.NONE)) {
            client.awaitReady(WAIT);
            PrometheusText p = scrape(server.metrics());
            assertTrue(p.samples().size() > 20, "many samples");
            for (PrometheusText.Sample s : p.samples()) {
                for (var label : s.labels().entrySet()) {
                    assertTrue(!label.getValue().contains("127.0.0.1") && !label.getValue().matches(".*:\\d+$"),
                            "no address in a tag value: " + s);
                }
            }
            for (String family : List.of("loomtunnel_sessions_active", "loomtunnel_tunnels_active", "loomtunnel_streams_active",
                    "loomtunnel_uptime_seconds")) {
                assertEquals("gauge", p.type(family), family);
            }
            for (String family : List.of("loomtunnel_sessions_opened_total", "loomtunnel_tunnel_bytes_total",
                    "loomtunnel_streams_opened_total")) {
                assertEquals("counter", p.type(family), family);
            }
            assertEquals("histogram", p.type("loomtunnel_session_rtt_seconds"));
        }
    }

    /**
     * Issue 12: the server's meters merged same-named tunnels of different clients (the default
     * names make that likely) into one series; each client's tunnel is a series of its own, told
     * apart by the label {@code client} (the client's key id, abbreviated), on the server's /metrics.
     */
    @Test
    void sameNamedTunnelsOfTwoClientsAreTwoSeriesOnTheServersMetrics(@TempDir Path dir) throws Exception {
        int[] servicePort = new int[1];
        ServerSettings.Builder b = serverSettings(dir);
        b.observe().adminBind(new InetSocketAddress(LOOPBACK, 0));
        try (Closeable service = sinkThenReply(servicePort, 0);
             TunnelServer server = TunnelServer.start(b.build(), ServerEvents.NONE);
             TunnelClient first = TunnelClient.start(clientSettings(server, "t")
                     .tunnel(TunnelSpec.tcp("tcp-31302", 0, "127.0.0.1", servicePort[0])).build(), ClientEvents.NONE);
             TunnelClient second = TunnelClient.start(clientSettings(server, "t")
                     .tunnel(TunnelSpec.tcp("tcp-31302", 0, "127.0.0.1", servicePort[0])).build(), ClientEvents.NONE)) {
            Probes.roundTrip(Probes.port(first.awaitReady(WAIT).get(0).address()), new byte[1_000]);
            Probes.roundTrip(Probes.port(second.awaitReady(WAIT).get(0).address()), new byte[2_000]);
            String firstId = first.status().id().substring(0, 12);
            String secondId = second.status().id().substring(0, 12);
            java.net.URI metrics = java.net.URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + "/metrics");
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            Probes.eventually(WAIT, "both clients' bytes in, each under its own client label", () -> {
                PrometheusText p = PrometheusText.parse(http.send(java.net.http.HttpRequest.newBuilder(metrics).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                return p.count("loomtunnel_tunnel_bytes_total", "role", "server", "tunnel", "tcp-31302", "direction", "in",
                        "client", firstId) == 1_000
                        && p.count("loomtunnel_tunnel_bytes_total", "role", "server", "tunnel", "tcp-31302", "direction", "in",
                        "client", secondId) == 2_000;
            });
            assertEquals(1_000, scrape(first.metrics()).count("loomtunnel_tunnel_bytes_total", "role", "client",
                    "client", firstId, "tunnel", "tcp-31302", "direction", "in"), "a client labels its tunnels with its own id");
        }
    }

    static ServerSettings.Builder serverSettings(Path dir) {
        return ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0)).keyFile(dir.resolve("server.key")).token("t");
    }

    static ClientSettings.Builder clientSettings(TunnelServer server, String token) {
        return ClientSettings.builder(server.controlAddress(), server.id()).token(token)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(300));
    }

    static PrometheusText scrape(Meters m) {
        return PrometheusText.parse(m.scrape());
    }

    /** A service that reads everything until the peer half-closes, then sends {@code reply} bytes and closes. */
    static Closeable sinkThenReply(int[] portOut, int reply) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        portOut[0] = server.getLocalPort();
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(OutputStream.nullOutputStream());
                            out.write(new byte[reply]);
                        } catch (IOException ignored) {
                            // the test sees a short reply
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

}
