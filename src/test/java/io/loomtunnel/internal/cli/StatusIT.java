package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 (11): {@code loomtunnel status} finds the admin endpoint as {@code --admin-bind} was
 * given (HOST:PORT), the endpoint's own address answers at {@code /}, and
 * pointed at what is not an admin endpoint (the control port, a web server, nothing) status says
 * in one line what it reached and what it expected, exit 10.
 */
@Timeout(120)
class StatusIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NOT_ADMIN = "is not a loomtunnel admin endpoint: ";
    private static final String EXPECTED = " (expected the address given to --admin-bind of a server, client, share or connect)";

    @Test
    void statusTakesTheAdminBindAddressAndSaysWhatElseItReached(@TempDir Path dir) throws Exception {
        try (ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0, "--admin-bind", "127.0.0.1:0")) {
            String admin = server.process().await("admin\\s+http://(127\\.0\\.0\\.1:\\d+)/", START).group(1);

            // The printed URL answers at / with what the endpoint is and what it takes.
            HttpResponse<String> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + admin + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, index.statusCode(), index.body());
            JsonNode json = JSON.readTree(index.body());
            assertEquals("loomtunnel admin endpoint", json.get("service").asText());
            assertEquals("server", json.get("role").asText());
            assertTrue(index.body().contains("\"/api/status\""), index.body());

            // HOST:PORT, as --admin-bind took it (the other forms: AdminOptionsTest).
            CliIT.Run ok = CliIT.loomtunnel("status", "--admin", admin);
            assertEquals(0, ok.exit(), ok.err());
            assertTrue(ok.out().startsWith("server loomtunnel/"), ok.out());

            // The control port: something listens, but it speaks TLS, not HTTP.
            String control = "127.0.0.1:" + server.controlPort();
            CliIT.Run tls = CliIT.loomtunnel("status", "--admin", control);
            assertEquals(ExitCode.CONNECT_FAILED, tls.exit(), tls.err());
            assertTrue(tls.err().matches("loomtunnel: http://" + control + "/ " + NOT_ADMIN + "(not an HTTP answer \\(.*\\)"
                    + "|no HTTP answer within \\d+ s)" + java.util.regex.Pattern.quote(EXPECTED) + "\n"), tls.err());
        }

        // A web server that answers 404 to everything.
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        web.createContext("/", x -> {
            byte[] page = "<h1>404 Not Found</h1>".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html");
            x.sendResponseHeaders(404, page.length);
            x.getResponseBody().write(page);
            x.close();
        });
        web.start();
        try {
            String address = "127.0.0.1:" + web.getAddress().getPort();
            CliIT.Run run = CliIT.loomtunnel("status", "--admin", "http://" + address);
            assertEquals(ExitCode.CONNECT_FAILED, run.exit(), run.err());
            assertEquals("loomtunnel: http://" + address + "/ " + NOT_ADMIN + "HTTP 404 to GET /api/status, not a loomtunnel answer"
                    + EXPECTED + "\n", run.err());
        } finally {
            web.stop(0);
        }

        // Nothing there.
        CliIT.Run refused = CliIT.loomtunnel("status", "--admin", "127.0.0.1:" + ReverseTunnelIT.freePort());
        assertEquals(ExitCode.CONNECT_FAILED, refused.exit(), refused.err());
        assertTrue(refused.err().startsWith("loomtunnel: cannot reach the admin endpoint at http://127.0.0.1:"), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
    }
}
