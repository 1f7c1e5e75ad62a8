package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomtunnel.internal.metrics.PrometheusText;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.Closeable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observability through the fat jar as real processes: a server and a client with admin
 * endpoints, {@code loomtunnel status} (table, JSON, exit codes), and {@code loomtunnel console}
 * driven by scripted input (a failed command keeps it running; open, close, kick, stats, logs).
 */
@Timeout(180)
class ObserveIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_TOKEN = "admin-0123456789";

    @Test
    void statusAndScriptedConsoleAgainstRealProcesses(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        Path adminToken = dir.resolve("admin-token.txt");
        ReverseTunnelIT.secret(adminToken, ADMIN_TOKEN + "\n");
        try (Closeable service = EchoServers.tcp(echo);
             ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0, "--admin-bind", "127.0.0.1:0",
                     "--admin-token-file", adminToken.toString());
             JarProcess client = ReverseTunnelIT.client(dir, server, "--tcp", "echo=0:127.0.0.1:" + echo[0],
                     "--admin-bind", "127.0.0.1:0")) {
            String serverAdmin = server.process().await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
            String clientAdmin = client.await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
            int port = Integer.parseInt(client.await("tcp\\s+echo\\s+localhost:(\\d+)", START).group(1));
            byte[] data = new byte[50_000];
            assertEquals(data.length, Probes.roundTrip(port, data).length);

            // Prometheus text over HTTP, with the token; every line parses.
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(serverAdmin + "/metrics"))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            Probes.eventually(START, "the server counted the echoed bytes", () -> PrometheusText.parse(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(serverAdmin + "/metrics")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .build(), HttpResponse.BodyHandlers.ofString()).body())
                    .count("loomtunnel_tunnel_bytes_total", "tunnel", "echo", "direction", "out") == data.length);

            CliIT.Run table = CliIT.loomtunnel("status", "--admin", serverAdmin, "--admin-token-file", adminToken.toString());
            assertEquals(0, table.exit(), table.err());
            assertTrue(table.out().startsWith("server loomtunnel/"), table.out());
            assertTrue(table.out().matches("(?s).*\\n1 +\\S+ +token 1 .*"), "session row:\n" + table.out());
            assertTrue(table.out().matches("(?s).*\\necho +1 +tcp +localhost:" + port + " .*50\\.0 KB +50\\.0 KB.*"),
                    "tunnel row with bytes:\n" + table.out());

            CliIT.Run json = CliIT.loomtunnel("status", "--admin", clientAdmin, "--json");
            assertEquals(0, json.exit(), json.err());
            JsonNode status = JSON.readTree(json.out());
            assertEquals("client", status.get("role").asText());
            assertEquals(data.length, status.at("/sessions/0/tunnels/0/bytesIn").asLong());
            assertEquals("127.0.0.1:" + echo[0], status.at("/sessions/0/tunnels/0/local").asText());

            CliIT.Run watch = CliIT.loomtunnel("status", "--admin", clientAdmin, "--watch", "--interval", "500ms");
            assertEquals(0, watch.exit(), "the end of input is a key: " + watch.err());
            assertTrue(watch.out().startsWith("client loomtunnel/") && watch.out().contains("(press any key to stop)"), watch.out());

            CliIT.Run link = CliIT.loomtunnel("status", "--admin", serverAdmin, "--admin-token-file", adminToken.toString(),
                    "--login-link");
            assertEquals(0, link.exit(), link.err());
            assertTrue(link.out().matches(java.util.regex.Pattern.quote(serverAdmin) + "/login\\?code=[\\w-]{43}\n"), link.out());

            CliIT.Run noToken = CliIT.loomtunnel("status", "--admin", serverAdmin);
            assertEquals(ExitCode.AUTH_REFUSED, noToken.exit());
            assertOneLine(noToken.err());
            CliIT.Run unreachable = CliIT.loomtunnel("status", "--admin", "http://127.0.0.1:1");
            assertEquals(ExitCode.CONNECT_FAILED, unreachable.exit());
            assertTrue(unreachable.err().contains("cannot reach the admin endpoint"), unreachable.err());
            assertOneLine(unreachable.err());

            // The client's console, scripted: a failed command in the middle, then open/close at run time.
            String script = String.join("\n", "sessions", "no-such-command", "close nope", "open tcp extra=0:127.0.0.1:" + echo[0],
                    "tunnels", "close extra", "stats --count 2 --interval 300ms", "logs -n 5", "help open", "quit", "");
            try (JarProcess console = JarProcess.startWithInput(script,
                    Map.of("TERM", "dumb"), "console", "--admin", clientAdmin)) {
                assertEquals(0, console.exitCode(START), console.output());
                String out = console.output();
                assertTrue(out.contains("attached to " + clientAdmin), out);
                assertTrue(out.matches("(?s).*\\n?1 +\\S+ +server +127\\.0\\.0\\.1:\\d+ .*") || out.contains("  server  "), out);
                assertTrue(out.contains("error: unknown command 'no-such-command'; type help\n"), out);
                assertTrue(out.contains("error: there is no tunnel named 'nope'"), out);
                Matcher opened = java.util.regex.Pattern.compile("opened tcp extra at localhost:(\\d+) -> 127\\.0\\.0\\.1:\\d+").matcher(out);
                assertTrue(opened.find(), out);
                assertTrue(out.contains("closed extra"), out);
                assertEquals(2, countOf(out, "   (last "), "two frames of stats:\n" + out);
                assertTrue(out.contains("tcp  extra"), "logs show the runtime open:\n" + out);
                assertTrue(out.contains("Usage: open") || out.contains("Usage:  open"), out);
                assertFalse(out.contains("Exception"), out);
                int extraPort = Integer.parseInt(opened.group(1));
                Probes.eventually(START, () -> "close freed the server's port " + extraPort, () -> {
                    try (java.net.ServerSocket free = new java.net.ServerSocket(extraPort, 1, java.net.InetAddress.getLoopbackAddress())) {
                        return true;
                    }
                });
            }

            // The server's console kicks the client's session; the client reconnects.
            try (JarProcess console = JarProcess.startWithInput("kick 1\nsessions\n",
                    Map.of("LOOMTUNNEL_ADMIN_TOKEN", ADMIN_TOKEN), "console", "--admin", serverAdmin)) {
                assertEquals(0, console.exitCode(START), console.output());
                assertTrue(console.output().contains("kicked session 1"), console.output());
            }
            client.await("reconnected to 127\\.0\\.0\\.1", START);
        }
    }

    @Test
    void consoleStartsAServerFromAConfigFileAndAttachesToIt(@TempDir Path dir) throws Exception {
        ReverseTunnelIT.secret(dir.resolve("tokens.txt"), "t\n");
        Files.writeString(dir.resolve("server.toml"), "bind = \"127.0.0.1:0\"\nkey = \"server.key\"\ntokens_file = \"tokens.txt\"\n");
        try (JarProcess console = JarProcess.startWithInput("sessions\nstatus\nopen tcp 0:127.0.0.1:9\n",
                Map.of(), "console", "--config", dir.resolve("server.toml").toString())) {
            assertEquals(0, console.exitCode(START), "the end of input ends it: " + console.output());
            String out = console.output();
            assertTrue(out.contains("started a server from " + dir.resolve("server.toml")), out);
            assertTrue(out.contains("(no sessions)"), out);
            assertTrue(out.contains("server loomtunnel/"), out);
            assertTrue(out.contains("error: open works on a client's console; this one is attached to a server; type help"), out);
        }
        assertTrue(Files.exists(dir.resolve("server.key")), "the embedded server ran from the file's settings");
    }

    @Test
    void adminOffLoopbackWithoutTokenIsRefused(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("tokens.txt");
        ReverseTunnelIT.secret(tokens, "t\n");
        CliIT.Run run = CliIT.loomtunnel("server", "--bind", "127.0.0.1:0", "--key", dir.resolve("k").toString(),
                "--tokens-file", tokens.toString(), "--admin-bind", "0.0.0.0:0");
        assertEquals(ExitCode.USAGE, run.exit());
        assertTrue(run.err().contains("give it a token"), run.err());
        assertOneLine(run.err());
        assertFalse(Files.exists(dir.resolve("k")), "refused before starting anything");
    }

    private static int countOf(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static void assertOneLine(String err) {
        assertEquals(1, err.strip().lines().filter(l -> !l.startsWith("WARNING")).count(), "one line: " + err);
        assertTrue(err.strip().startsWith("loomtunnel: "), err);
    }
}
