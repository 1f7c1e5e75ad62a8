package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.natlab.WatchedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in policies through one `loomtunnel server` (64 MB of heap) and one `loomtunnel
 * client`, driven by curl and a raw socket: each tunnel carries one kind of policy, declared by a
 * short flag or in the client's TOML, and runs on the server's ingress.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TOKEN = "policy-it-token-0123456789";
    private static final String SECRET = "It's a Secret to Everybody";

    @TempDir
    static Path dir;
    private final List<AutoCloseable> running = new ArrayList<>();
    private int httpPort;
    private int ppPort;
    private int breakerPort;
    private final AtomicLong hookBodies = new AtomicLong();
    private WatchedProcess server;

    @BeforeAll
    void startServerClientAndApps() throws Exception {
        HttpServer echo = echoApp();
        breakerPort = ReverseTunnelIT.freePort();
        Process python = new ProcessBuilder("python3", resource("proxy_v2_service.py").toString(), "0").redirectErrorStream(true).start();
        running.add(python::destroyForcibly);
        String listening = readLine(python.getInputStream()); // "listening PORT", printed once bound
        assertTrue(listening.startsWith("listening "), listening);
        int pythonPort = Integer.parseInt(listening.substring("listening ".length()).strip());

        Path tokens = dir.resolve("tokens.txt");
        ReverseTunnelIT.secret(tokens, TOKEN + "\n");
        // The server's own policies, before every tunnel's: a request log, and signatures on /hook paths.
        ReverseTunnelIT.secret(dir.resolve("hook.secret"), SECRET + "\n");
        Path serverConfig = Files.writeString(dir.resolve("server.toml"), """
                policies = [
                  { type = "request-log", file = "requests.log" },
                  { type = "webhook-signature", scheme = "github", secret_file = "hook.secret", paths = ["/hook"] },
                ]
                """);
        server = JarProcess.startWithHeap("64m", Map.of(), "server", "--config", serverConfig.toString(), "--bind", "127.0.0.1:0", "--key", dir.resolve("server.key").toString(),
                "--tokens-file", tokens.toString(), "--http-bind", "127.0.0.1:0", "--domain", "localhost");
        running.add(server);
        String id = server.await("server id\\s+([a-z2-7]{52})", START).group(1);
        int control = Integer.parseInt(server.await("control\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
        httpPort = Integer.parseInt(server.await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));

        Path users = Files.writeString(dir.resolve("users.htpasswd"),
                "alice:" + OpenBSDBCrypt.generate("2y", "wonder".toCharArray(), new byte[16], 6) + "\n");
        String app = "127.0.0.1:" + echo.getAddress().getPort();
        Path config = Files.writeString(dir.resolve("client.toml"), """
                [[tunnels]]
                name = "limited"
                type = "http"
                local = "%1$s"
                host = "limited"
                policies = [{ type = "rate-limit", requests = 2, per = "1m" }]

                [[tunnels]]
                name = "edit"
                type = "http"
                local = "%1$s"
                host = "edit"
                policies = [
                  { type = "redirect", prefix = "/old", to = "/new", status = 308 },
                  { type = "rewrite", prefix = "/api", to = "/" },
                  { type = "headers", request_set = { "X-Env" = "prod" }, request_remove = ["Cookie"], response_set = { "X-Served-By" = "loomtunnel" } },
                ]

                [[tunnels]]
                name = "breaker"
                type = "http"
                local = "127.0.0.1:%2$d"
                host = "breaker"
                policies = [{ type = "circuit-breaker", failures = 2, open_for = "2s" }]
                """.formatted(app, breakerPort));
        Path tokenFile = dir.resolve("client-token.txt");
        ReverseTunnelIT.secret(tokenFile, TOKEN + "\n");
        JarProcess client = JarProcess.start(Map.of(), "client", "--config", config.toString(), "--server", "127.0.0.1:" + control,
                "--server-id", id, "--token-file", tokenFile.toString(),
                "--http", "auth:" + app, "--http", "deny:" + app, "--tcp", "pp=0:127.0.0.1:" + pythonPort,
                "--basic-auth", "auth=" + users, "--deny-cidr", "deny=127.0.0.0/8,::1", "--proxy-protocol", "pp=v2");
        running.add(client);
        ppPort = Integer.parseInt(client.await("tcp\\s+pp\\s+localhost:(\\d+)", START).group(1));
        for (String name : List.of("auth", "deny", "limited", "edit", "breaker")) {
            client.await("http\\s+" + name + "\\s+http://" + name + "\\.localhost:" + httpPort, START);
        }
    }

    @AfterAll
    void stopAll() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    @Test
    void basicAuthAsks401ThenLetsAliceIn() throws Exception {
        assertEquals("401", status("auth", "/"));
        assertTrue(curl("-i", "-H", "Host: auth.localhost", url("/")).contains("WWW-Authenticate: Basic realm=\"loomtunnel\""));
        assertEquals("401", status("auth", "/", "-u", "alice:wander"));
        assertEquals("401", status("auth", "/", "-u", "bob:wonder"));
        assertEquals("200", status("auth", "/", "-u", "alice:wonder"));
    }

    @Test
    void aDeniedNetworkGets403() throws Exception {
        assertEquals("403", status("deny", "/"));
    }

    @Test
    void theThirdRequestOfAMinuteGets429WithRetryAfter() throws Exception {
        assertEquals("200", status("limited", "/"));
        assertEquals("200", status("limited", "/"));
        String head = curl("-i", "-H", "Host: limited.localhost", url("/"));
        assertTrue(head.startsWith("HTTP/1.1 429"), head);
        long retry = Long.parseLong(head.replaceAll("(?s).*\\r?\\nRetry-After: (\\d+)\\r?\\n.*", "$1"));
        assertTrue(retry >= 1 && retry <= 31, "a token every 30 s, rounded up: " + retry);
        Probes.eventually(Duration.ofSeconds(20), "the server's request log has the 429 as a JSON line", () ->
                Files.readAllLines(dir.resolve("requests.log")).stream().anyMatch(l -> l.startsWith("{\"time\":")
                        && l.contains("\"tunnel\":\"limited\"") && l.contains("\"visitor\":\"127.0.0.1\"") && l.contains("\"status\":429")));
    }

    @Test
    void headersAndPathAreRewrittenAsTheAppSeesThemAndOldPathsRedirect() throws Exception {
        String seen = curl("-i", "-H", "Host: edit.localhost", "-H", "Cookie: secret=1", "-H", "X-Env: dev", url("/api/users?id=7"));
        assertTrue(seen.contains("X-Served-By: loomtunnel"), seen);
        assertTrue(seen.contains("GET /users?id=7"), seen);
        assertTrue(seen.contains("x-env: prod"), seen);
        assertTrue(!seen.toLowerCase().contains("cookie"), seen);
        String redirect = curl("-i", "-H", "Host: edit.localhost", url("/old/page?q=1"));
        assertTrue(redirect.startsWith("HTTP/1.1 308"), redirect);
        assertTrue(redirect.contains("Location: /new/page?q=1"), redirect);
    }

    @Test
    void theBreakerAnswers503WhileTheServiceIsDownAndRecovers() throws Exception {
        assertEquals("502", status("breaker", "/"));
        assertEquals("502", status("breaker", "/"));
        String open = curl("-i", "-H", "Host: breaker.localhost", url("/"));
        assertTrue(open.startsWith("HTTP/1.1 503") && open.contains("Retry-After: "), open);
        HttpServer up = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), breakerPort), 16);
        up.createContext("/", x -> reply(x, 200, "back"));
        up.start();
        running.add(() -> up.stop(0));
        Probes.eventually(Duration.ofSeconds(20), "the breaker lets a probe through and closes",
                () -> "200".equals(status("breaker", "/")));
        assertEquals("200", status("breaker", "/"));
    }

    @Test
    void aBadSignatureIsRefusedAndAGoodOnePassesFiftyMegabytesInABoundedHeap() throws Exception {
        Path body = dir.resolve("body.bin");
        byte[] block = new byte[1 << 20];
        java.util.Arrays.fill(block, (byte) 'x');
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        try (OutputStream out = Files.newOutputStream(body)) {
            for (int i = 0; i < 50; i++) {
                out.write(block);
                mac.update(block);
            }
        }
        String good = "sha256=" + HexFormat.of().formatHex(mac.doFinal());
        String bad = "sha256=" + "0".repeat(64);
        assertEquals("401", status("edit", "/hook", "--data-binary", "@" + body, "-H", "X-Hub-Signature-256: " + bad));
        assertEquals(0, hookBodies.get(), "the app never saw a complete body");
        assertEquals("401", status("edit", "/hook", "-d", "x"), "no signature at all");
        assertEquals("200", status("edit", "/hook", "--data-binary", "@" + body, "-H", "X-Hub-Signature-256: " + good));
        assertEquals(1, hookBodies.get());
        assertEquals(50L << 20, lastBody);
    }

    @Test
    void aPythonServiceReadsTheVisitorsAddressFromProxyV2() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ppPort)) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            String line = readLine(in);
            assertEquals("visitor 127.0.0.1 " + s.getLocalPort(), line, "the Python service parsed the v2 header");
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello", readLine(in), "then the visitor's own bytes");
        }
    }

    private volatile long lastBody;

    /** Echoes the request line and headers; /hook counts the bodies it read whole. */
    private HttpServer echoApp() throws IOException {
        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        app.createContext("/", x -> {
            if (x.getRequestURI().getPath().equals("/hook")) {
                long n = x.getRequestBody().transferTo(OutputStream.nullOutputStream());
                lastBody = n;
                hookBodies.incrementAndGet();
                reply(x, 200, "got " + n);
                return;
            }
            StringBuilder sb = new StringBuilder(x.getRequestMethod() + " " + x.getRequestURI() + "\n");
            x.getRequestHeaders().forEach((k, v) -> v.forEach(value -> sb.append(k.toLowerCase()).append(": ").append(value).append('\n')));
            reply(x, 200, sb.toString());
        });
        app.start();
        running.add(() -> app.stop(0));
        return app;
    }

    private static void reply(com.sun.net.httpserver.HttpExchange x, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static Path resource(String name) throws Exception {
        return Path.of(PolicyIT.class.getResource(name).toURI());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    private String status(String host, String path, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: " + host + ".localhost"));
        args.addAll(List.of(more));
        args.add(url(path));
        return curl(args.toArray(String[]::new));
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }
}
