package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, the request inspector through real processes: a server, a client with an admin
 * endpoint and two http tunnels to one local app (one of them left out with --no-inspect), all
 * started once for every case. curl is the visitor; the admin endpoint's /api/requests is read
 * with the JDK's HTTP client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class InspectorIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String XSS = "<script>alert(1)</script>";

    private Path dir;
    private HttpServer app;
    /** Requests the app received, by path. */
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private ReverseTunnelIT.Server server;
    private JarProcess client;
    private int httpPort;
    private String admin;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("inspector-it");
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        app.createContext("/", x -> {
            hits.computeIfAbsent(x.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] answer = ("{\"echo\":\"" + body + "\"}").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        app.start();
        server = ReverseTunnelIT.server(dir, 0, "--http-bind", "127.0.0.1:0", "--domain", "localhost");
        httpPort = Integer.parseInt(server.process().await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
        int appPort = app.getAddress().getPort();
        client = ReverseTunnelIT.client(dir, server, "--admin-bind", "127.0.0.1:0",
                "--http", "web:127.0.0.1:" + appPort, "--http", "quiet:127.0.0.1:" + appPort, "--no-inspect", "quiet");
        admin = client.await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
        client.await("http\\s+quiet\\s+http://quiet\\.localhost:" + httpPort, START);
        client.await("http\\s+web\\s+http://web\\.localhost:" + httpPort, START);
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        server.close();
        app.stop(0);
    }

    @Test
    void aCurlRequestShowsWithItsHeadersBodiesAndMaskedCredentials() throws Exception {
        String answer = curl("-H", "Host: web.localhost", "-H", "X-Probe: " + XSS, "-H", "Authorization: Bearer s3cret-token",
                "-H", "Content-Type: application/x-www-form-urlencoded", "--data", "hello=world", url("/submit?q=1"));
        assertEquals("{\"echo\":\"hello=world\"}", answer);
        JsonNode summary = done("tunnel=web&path=/submit");
        assertEquals("POST", summary.get("method").asText());
        assertEquals("/submit?q=1", summary.get("path").asText());
        assertEquals(200, summary.get("status").asInt());

        HttpResponse<String> detail = get("/api/requests/" + summary.get("id").asText());
        assertEquals(200, detail.statusCode(), detail.body());
        // A <script> in a captured header comes back as JSON text, which a browser will not run or sniff.
        assertEquals("application/json; charset=utf-8", detail.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", detail.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertTrue(detail.body().contains(XSS), detail.body());
        assertFalse(detail.body().contains("s3cret"), "the token is masked: " + detail.body());

        JsonNode d = JSON.readTree(detail.body());
        assertEquals("POST /submit?q=1 HTTP/1.1", d.at("/request/head/line").asText());
        assertEquals(XSS, header(d.at("/request/head/headers"), "X-Probe"));
        assertEquals("•••• (masked)", header(d.at("/request/head/headers"), "Authorization"));
        assertEquals("form", d.at("/request/body/kind").asText());
        assertEquals("hello=world", d.at("/request/body/text").asText());
        assertEquals("json", d.at("/response/body/kind").asText());
        assertEquals("{\n  \"echo\" : \"hello=world\"\n}", d.at("/response/body/text").asText());
        assertTrue(d.at("/timing/firstByteMillis").isNumber(), d.toString());
    }

    @Test
    void replayMakesTheAppReceiveTheRequestAgain() throws Exception {
        curl("-H", "Host: web.localhost", "--data", "again", url("/replay-me"));
        JsonNode original = done("path=/replay-me");
        assertEquals(1, hits.get("/replay-me").get());

        HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create(admin + "/api/requests/" + original.get("id").asText()
                        + "/replay")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, replay.statusCode(), replay.body());
        String id = JSON.readTree(replay.body()).get("id").asText();
        Probes.eventually(START, "the app receives the replay", () -> hits.get("/replay-me").get() == 2);
        JsonNode[] replayed = new JsonNode[1];
        Probes.eventually(START, "the replay is captured", () -> {
            replayed[0] = JSON.readTree(get("/api/requests/" + id).body());
            return replayed[0].get("state").asText().equals("done");
        });
        assertEquals(original.get("id").asText(), replayed[0].get("replayOf").asText());
        assertEquals("again", replayed[0].at("/request/body/text").asText());
        assertEquals(200, replayed[0].get("status").asInt());
    }

    @Test
    void aTunnelWithCaptureOffWorksAndShowsNothing() throws Exception {
        assertEquals("{\"echo\":\"\"}", curl("-H", "Host: quiet.localhost", url("/quiet")));
        assertEquals(1, hits.get("/quiet").get());
        curl("-H", "Host: web.localhost", url("/after-quiet")); // captured after the quiet one: when it shows, the quiet one would have
        done("path=/after-quiet");
        assertEquals(0, JSON.readTree(get("/api/requests?tunnel=quiet").body()).get("requests").size());
        assertEquals(0, JSON.readTree(get("/api/requests?path=/quiet").body()).get("requests").size());
    }

    /** The newest exchange the query finds, once done. */
    private JsonNode done(String query) throws Exception {
        JsonNode[] newest = new JsonNode[1];
        Probes.eventually(START, "a done exchange for " + query, () -> {
            JsonNode list = JSON.readTree(get("/api/requests?" + query).body()).get("requests");
            newest[0] = list.size() > 0 ? list.get(0) : null;
            return newest[0] != null && newest[0].get("state").asText().equals("done");
        });
        return newest[0];
    }

    private static String header(JsonNode headers, String name) {
        for (JsonNode h : headers) {
            if (h.get(0).asText().equalsIgnoreCase(name)) {
                return h.get(1).asText();
            }
        }
        return null;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(admin + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }
}
