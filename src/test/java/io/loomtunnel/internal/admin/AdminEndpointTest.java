package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.metrics.PrometheusText;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin endpoint over real sockets: auth, /metrics, /api/status, kick, runtime open and close_tunnel, JSON file, OTLP. */
@Timeout(60)
class AdminEndpointTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "admin-secret";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void serverAdminNeedsItsTokenAndReportsStatusMetricsAndKicks(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        ServerSettings.Builder sb = ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                .keyFile(dir.resolve("server.key")).token("t");
        sb.observe().adminBind(new InetSocketAddress(LOOPBACK, 0)).adminToken(TOKEN);
        try (Closeable service = EchoServers.tcp(echo);
             TunnelServer server = TunnelServer.start(sb.build(), ServerEvents.NONE);
             TunnelClient client = TunnelClient.start(ClientSettings.builder(server.controlAddress(), server.id()).token("t")
                     .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                     .tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", echo[0])).build(), ClientEvents.NONE)) {
            String base = "http://127.0.0.1:" + server.adminAddress().getPort();
            int port = Probes.port(client.awaitReady(WAIT).get(0).address());
            byte[] data = new byte[100_000];
            Arrays.fill(data, (byte) 7);
            assertEquals(data.length, Probes.roundTrip(port, data).length);

            assertEquals(200, get(base + "/healthz", null).statusCode(), "health needs no token");
            assertEquals(401, get(base + "/", null).statusCode(), "the index is guarded like the rest");
            HttpResponse<String> index = get(base + "/", TOKEN);
            assertEquals(200, index.statusCode(), "issue 12: / answered 404");
            JsonNode about = JSON.readTree(index.body());
            assertEquals("server", about.get("role").asText());
            assertTrue(about.get("version").asText().startsWith("loomtunnel/"));
            assertTrue(index.body().contains("{\"method\":\"GET\",\"path\":\"/api/status\""), index.body());
            assertEquals(401, get(base + "/metrics", null).statusCode());
            assertEquals(401, get(base + "/api/status", "wrong").statusCode());
            HttpResponse<String> metrics = get(base + "/metrics", TOKEN);
            assertEquals(200, metrics.statusCode());
            assertEquals(1, PrometheusText.parse(metrics.body()).count("loomtunnel_sessions_active", "role", "server"));

            Probes.eventually(WAIT, "the status shows the bytes sent out",
                    () -> status(base).at("/sessions/0/tunnels/0/bytesOut").asLong() == data.length);
            JsonNode status = status(base);
            assertEquals("server", status.get("role").asText());
            assertEquals(server.id().toString(), status.get("id").asText());
            assertTrue(status.get("version").asText().startsWith("loomtunnel/"));
            assertEquals(1, status.get("sessions").size());
            JsonNode session = status.at("/sessions/0");
            assertEquals("token 1", session.get("principal").asText());
            assertEquals("echo", session.at("/tunnels/0/name").asText());
            assertEquals("tcp", session.at("/tunnels/0/type").asText());
            assertEquals(data.length, session.at("/tunnels/0/bytesIn").asLong());
            assertEquals(data.length, status.at("/totals/bytesIn").asLong());
            assertTrue(status.at("/uptimeSeconds").asDouble() > 0);
            assertTrue(status.at("/throughput/windowSeconds").asInt() >= 0);

            String id = session.get("id").asText();
            assertEquals(404, post(base + "/api/sessions/999/kick", TOKEN, "").statusCode());
            assertEquals(400, post(base + "/api/tunnels", TOKEN, "{\"type\":\"tcp\",\"spec\":\"0:127.0.0.1:9\"}").statusCode(),
                    "a server opens no tunnels");
            assertEquals(200, post(base + "/api/sessions/" + id + "/kick", TOKEN, "").statusCode());
            Probes.eventually(WAIT, "the kicked client came back",
                    () -> client.metrics().scrape().contains("loomtunnel_reconnects_total{role=\"client\"} 1"));
            Probes.eventually(WAIT, "the server counted the kicked session", () -> PrometheusText.parse(server.metrics().scrape())
                    .count("loomtunnel_sessions_closed_total", "reason", "kicked") == 1);
            Probes.eventually(WAIT, "a new session", () -> !status(base).at("/sessions/0/id").asText().equals(id));
        }
    }

    @Test
    void clientOpensAndClosesTunnelsAtRunTimeAndTheServerFreesThePort(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        try (Closeable service = EchoServers.tcp(echo);
             TunnelServer server = TunnelServer.start(ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                     .keyFile(dir.resolve("server.key")).token("t").build(), ServerEvents.NONE)) {
            ClientSettings.Builder cb = ClientSettings.builder(server.controlAddress(), server.id()).token("t")
                    .tunnel(TunnelSpec.tcp("first", 0, "127.0.0.1", echo[0]));
            cb.observe().adminBind(new InetSocketAddress(LOOPBACK, 0));
            try (TunnelClient client = TunnelClient.start(cb.build(), ClientEvents.NONE)) {
                client.awaitReady(WAIT);
                String base = "http://127.0.0.1:" + client.adminAddress().getPort();
                HttpResponse<String> opened = post(base + "/api/tunnels", null,
                        "{\"type\":\"tcp\",\"spec\":\"extra=0:127.0.0.1:" + echo[0] + "\"}");
                assertEquals(200, opened.statusCode(), opened.body());
                int port = Probes.port(JSON.readTree(opened.body()).get("address").asText());
                assertEquals("hello", new String(Probes.roundTrip(port, "hello".getBytes(StandardCharsets.UTF_8)),
                        StandardCharsets.UTF_8));
                assertEquals(2, status(base).at("/sessions/0/tunnels").size());
                assertEquals(409, post(base + "/api/tunnels", null, "{\"type\":\"tcp\",\"spec\":\"extra=0:127.0.0.1:9\"}")
                        .statusCode(), "names stay unique");
                assertEquals(400, post(base + "/api/tunnels", null, "{\"type\":\"tcp\",\"spec\":\"nonsense\"}").statusCode());

                HttpResponse<String> closed = http.send(HttpRequest.newBuilder(URI.create(base + "/api/tunnels/extra"))
                        .header("Content-Type", "application/json").DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, closed.statusCode(), closed.body());
                assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, port).close(), "nothing listens there");
                try (ServerSocket free = new ServerSocket(port, 1, LOOPBACK)) {
                    assertEquals(port, free.getLocalPort(), "the server freed the port");
                }
                assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/api/tunnels/extra"))
                        .header("Content-Type", "application/json").DELETE().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode());
                assertEquals(1, status(base).at("/sessions/0/tunnels").size());
                assertEquals(1, status(base).at("/totals/tunnels").asInt());
            }
        }
    }

    @Test
    void nonLoopbackAdminWithoutTokenIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObserveSettings.builder()
                .adminBind(new InetSocketAddress("0.0.0.0", 9090)).build());
        assertTrue(e.getMessage().contains("token"), e.getMessage());
        assertNotNull(ObserveSettings.builder().adminBind(new InetSocketAddress("0.0.0.0", 9090)).adminToken("x").build());
    }

    @Test
    void jsonSnapshotsAreAppendedAndOtlpIsPushed(@TempDir Path dir) throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> types = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 10);
        collector.createContext("/v1/metrics", x -> {
            types.add(x.getRequestMethod() + " " + x.getRequestHeaders().getFirst("Content-Type"));
            bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        collector.start();
        Path json = dir.resolve("metrics.jsonl");
        ServerSettings.Builder sb = ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                .keyFile(dir.resolve("server.key")).token("t");
        sb.observe().metricsJson(json).interval(Duration.ofMillis(300))
                .otlpEndpoint(URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/metrics"));
        try (TunnelServer server = TunnelServer.start(sb.build(), ServerEvents.NONE)) {
            Probes.eventually(WAIT, "two JSON metric lines", () -> Files.exists(json) && Files.readAllLines(json).size() >= 2);
            Probes.eventually(WAIT, () -> "an OTLP body with the sessions gauge, among " + bodies.size(),
                    () -> bodies.stream().anyMatch(b -> b.contains("loomtunnel.sessions.active")));
        } finally {
            collector.stop(0);
        }
        assertTrue(types.contains("POST application/x-protobuf"), types.toString());
        for (String line : Files.readAllLines(json)) {
            JsonNode snapshot = JSON.readTree(line);
            assertEquals("server", snapshot.at("/status/role").asText());
            assertTrue(snapshot.get("time").asText().endsWith("Z"));
            boolean found = false;
            for (JsonNode m : snapshot.get("meters")) {
                found |= m.get("name").asText().equals("loomtunnel.sessions.active")
                        && m.at("/values/value").asDouble() == 0 && m.at("/tags/role").asText().equals("server");
            }
            assertTrue(found, line);
        }
    }

    @Test
    void theApplicationsOwnRegistryGetsTheMetersToo(@TempDir Path dir) throws Exception {
        var own = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ServerSettings.Builder sb = ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                .keyFile(dir.resolve("server.key")).token("t");
        sb.observe().registry(own);
        try (TunnelServer server = TunnelServer.start(sb.build(), ServerEvents.NONE)) {
            assertNotNull(own.find("loomtunnel.sessions.active").tag("role", "server").gauge());
            assertNotNull(own.find("jvm.memory.used").gauge());
        }
    }

    private JsonNode status(String base) throws Exception {
        HttpResponse<String> r = get(base + "/api/status", TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
