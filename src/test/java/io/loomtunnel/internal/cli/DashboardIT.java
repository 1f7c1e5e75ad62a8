package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a client serves the dashboard by default (on 127.0.0.1:4040, or another free port
 * when that is taken, as this test makes sure it is), says where, and streams a tunnel event when
 * a tunnel opens through {@code POST /api/tunnels}; {@code --no-dashboard} turns it off; the
 * server's {@code /api/tunnels} lists the client's tunnels. One server for every case.
 */
@Timeout(120)
class DashboardIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theClientsDashboardStreamsTunnelsAndTheServerListsThem(@TempDir Path dir) throws Exception {
        ServerSocket held = hold4040();
        try (ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0, "--admin-bind", "127.0.0.1:0");
             JarProcess client = ReverseTunnelIT.client(dir, server, "--tcp", "0:127.0.0.1:9");
             JarProcess quiet = ReverseTunnelIT.client(dir, server, "--no-dashboard", "--tcp", "0:127.0.0.1:7")) {
            String serverAdmin = server.process().await("admin\\s+http://(127\\.0\\.0\\.1:\\d+)/", START).group(1);
            int port = Integer.parseInt(client.await("dashboard: http://127\\.0\\.0\\.1:(\\d+)/", START).group(1));
            assertNotEquals(4040, port, "4040 is taken (by this test or another program): another port");
            client.await("tcp\\s+\\S+\\s+localhost:\\d+", START);
            String dashboard = "http://127.0.0.1:" + port;
            if (held != null) {
                held.close(); // let nothing else of this test depend on 4040
            }

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/"))
                    .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));

            HttpResponse<Stream<String>> events = http.sendAsync(HttpRequest.newBuilder(URI.create(dashboard + "/api/events"))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
            assertEquals(200, events.statusCode());
            Iterator<String> lines = events.body().iterator();
            assertEquals("retry: 1000", lines.next(), "the stream is up before the tunnel opens");

            HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/tunnels"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"tcp\",\"spec\":\"extra=0:127.0.0.1:8\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, open.statusCode(), open.body());
            JsonNode opened = JSON.readTree(data(lines, "tunnel"));
            assertEquals("opened", opened.get("action").asText(), opened.toString());
            assertEquals("extra", opened.get("tunnel").get("name").asText(), opened.toString());
            events.body().close();

            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/tunnels"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"tcp\",\"spec\":\"nonsense\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode(), bad.body());

            JsonNode listed = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://" + serverAdmin + "/api/tunnels")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            List<String> names = new ArrayList<>();
            listed.get("tunnels").forEach(t -> names.add(t.get("name").asText()));
            assertTrue(names.contains("extra"), listed.toString());
            assertTrue(names.size() >= 3, "both clients' tunnels: " + listed);

            quiet.await("tcp\\s+\\S+\\s+localhost:\\d+", START);
            assertFalse(quiet.output().contains("dashboard:"), quiet.output());
            assertFalse(quiet.output().contains("admin "), quiet.output());
        } finally {
            if (held != null) {
                held.close();
            }
        }
    }

    /** Takes 127.0.0.1:4040 for the test when it is free (null when something else has it: taken either way). */
    private static ServerSocket hold4040() {
        try {
            return new ServerSocket(4040, 1, InetAddress.getLoopbackAddress());
        } catch (IOException taken) {
            return null;
        }
    }

    /** The data of the next event of {@code type}, within a bounded number of lines. */
    private static String data(Iterator<String> lines, String type) {
        boolean typed = false;
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 200 && lines.hasNext(); i++) {
            String line = lines.next();
            seen.add(line);
            if (line.equals("event: " + type)) {
                typed = true;
            } else if (typed && line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        throw new AssertionError("no " + type + " event in " + seen);
    }
}
