package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.loomtunnel.internal.http.H2Load;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 at the server's ingress through `loomtunnel server` and `client` processes to an HTTP/1.1
 * app: curl with prior knowledge (h2c) and over HTTPS (h2 by ALPN), h2load's thousands of
 * requests without an error, and a basic-auth policy that holds for h2 requests as for HTTP/1.1.
 * And gRPC (grpc-java client and server) through an h2c tunnel ({@code --h2c grpc}): each kind of
 * call, a cancellation the service sees, a 10 MB message, a non-OK status with its message, and
 * the inspector still showing the exchange, a server stream quiet for longer than the server's
 * upstream timeout (see {@link GrpcEcho}).
 * One set of processes for every case. Plain HTTP goes to open.localhost: web.localhost has a
 * certificate, so its plain requests are redirected to HTTPS (docs/HTTP.md, "HTTPS").
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2IT {
    private static final Duration START = Duration.ofSeconds(60);
    /** The http.upstream_timeout of the quiet stream's own server: short, so that a stream can be quiet for longer. */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    private final List<AutoCloseable> running = new ArrayList<>();
    private int httpPort;
    private int httpsPort;
    private GrpcEcho grpc;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed");
        for (String f : List.of("ca.pem", "web.pem", "web.key")) {
            try (InputStream in = Http2IT.class.getResourceAsStream("/io/loomtunnel/internal/https/" + f)) {
                Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(dir.resolve(f), PosixFilePermissions.fromString("rw-------"));
        }
        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        app.createContext("/", e -> {
            byte[] body = ("proto=" + e.getRequestHeaders().getFirst("X-Forwarded-Proto") + " method=" + e.getRequestMethod()
                    + " path=" + e.getRequestURI() + " bytes=" + e.getRequestBody().readAllBytes().length).getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        app.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        app.start();
        running.add(() -> app.stop(0));
        httpPort = ReverseTunnelIT.freePort();
        httpsPort = ReverseTunnelIT.freePort();
        ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0, "--http-bind", "127.0.0.1:" + httpPort,
                "--https-bind", "127.0.0.1:" + httpsPort, "--https-cert", dir.resolve("web.pem") + ":" + dir.resolve("web.key"),
                "--domain", "localhost");
        running.add(server);
        Path users = Files.writeString(dir.resolve("users.htpasswd"),
                "alice:" + OpenBSDBCrypt.generate("2y", "wonder".toCharArray(), new byte[16], 6) + "\n");
        String local = "127.0.0.1:" + app.getAddress().getPort();
        grpc = GrpcEcho.start();
        running.add(grpc);
        JarProcess client = ReverseTunnelIT.client(dir, server, "--http", "web:" + local, "--http", "open:" + local, "--http", "auth:" + local,
                "--basic-auth", "auth=" + users, "--http", "grpc:127.0.0.1:" + grpc.port(), "--h2c", "grpc", "--admin-bind", "127.0.0.1:0");
        running.add(client);
        admin = client.await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
        client.await("http\\s+grpc\\s+", START);
        client.await("http\\s+web\\s+", START);
        client.await("http\\s+open\\s+", START);
        client.await("http\\s+auth\\s+", START);
    }

    @AfterAll
    void stopAll() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    @Test
    void curlWithPriorKnowledgeAndAnUpload() throws Exception {
        assertEquals("proto=http method=GET path=/a?b=1 bytes=0 2", curl("--http2-prior-knowledge", "-w", " %{http_version}",
                "-H", "Host: open.localhost", "http://127.0.0.1:" + httpPort + "/a?b=1"));
        Path upload = Files.write(dir.resolve("upload.bin"), new byte[300_000]);
        assertEquals("proto=http method=POST path=/up bytes=300000", curl("--http2-prior-knowledge", "--data-binary", "@" + upload,
                "-H", "Host: open.localhost", "http://127.0.0.1:" + httpPort + "/up"));
    }

    @Test
    void curlOverHttpsNegotiatesH2ByAlpn() throws Exception {
        assertEquals("proto=https method=GET path=/t bytes=0 2", curl("--http2", "-w", " %{http_version}", "--cacert",
                dir.resolve("ca.pem").toString(), "--resolve", "web.localhost:" + httpsPort + ":127.0.0.1",
                "https://web.localhost:" + httpsPort + "/t"));
    }

    @Test
    void basicAuthHoldsForHttp2Requests() throws Exception {
        String url = "http://127.0.0.1:" + httpPort + "/";
        assertEquals("401", curl("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: auth.localhost", url));
        assertEquals("401", curl("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:wander",
                "-H", "Host: auth.localhost", url));
        assertEquals("200", curl("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:wonder",
                "-H", "Host: auth.localhost", url));
    }

    @Test
    void h2loadThroughTheTunnelHasNoError() throws Exception {
        assumeTrue(H2Load.installed(), "h2load (Debian's nghttp2-client) is not installed");
        H2Load.assertAllAnswered(3000, "-c", "4", "-m", "8", "-H", ":authority: open.localhost", "http://127.0.0.1:" + httpPort + "/load");
    }

    @Test
    void grpcCallsOfEveryKindThroughAnH2cTunnel() throws Exception {
        try (GrpcEcho.Client c = grpc.client(httpPort, "grpc.localhost")) {
            assertEquals("hello", c.unary("hello"));
            assertEquals(List.of("0", "1", "2", "3", "4"), c.serverStreaming(5));
            assertEquals("a|b|c", c.clientStreaming(List.of("a", "b", "c")));
            assertEquals(List.of("one", "two", "three"), c.bidiPingPong(List.of("one", "two", "three"))); // each answered before the next is sent
        }
    }

    /**
     * On a server and client of its own, whose upstream timeout is short: the shared server keeps
     * the default, because a 10 MB call's answer may take seconds to begin on a loaded machine.
     */
    @Test
    void aServerStreamMayBeQuietLongerThanTheUpstreamTimeout(@TempDir Path own) throws Exception {
        Path config = Files.writeString(own.resolve("server.toml"), "[http]\nupstream_timeout = \"" + UPSTREAM_TIMEOUT.toSeconds() + "s\"\n");
        int port = ReverseTunnelIT.freePort();
        try (ReverseTunnelIT.Server server = ReverseTunnelIT.server(own, 0, "--config", config.toString(),
                        "--http-bind", "127.0.0.1:" + port, "--domain", "localhost");
                JarProcess client = ReverseTunnelIT.client(own, server, "--http", "grpc:127.0.0.1:" + grpc.port(), "--h2c", "grpc")) {
            client.await("http\\s+grpc\\s+", START);
            try (GrpcEcho.Client c = grpc.client(port, "grpc.localhost")) {
                long start = System.nanoTime();
                assertEquals(List.of("0", "1", "2"), c.serverStreaming(3, UPSTREAM_TIMEOUT.multipliedBy(2)));
                assertTrue(System.nanoTime() - start >= UPSTREAM_TIMEOUT.multipliedBy(4).toNanos(), "the service paused twice");
            }
        }
    }

    @Test
    void grpcCancellationReachesTheServiceAndTheConnectionGoesOn() throws Exception {
        try (GrpcEcho.Client c = grpc.client(httpPort, "grpc.localhost")) {
            assertTrue(c.cancelWhileServiceWaits(grpc), "the service's Context was not cancelled");
            assertEquals("after", c.unary("after"));
        }
    }

    @Test
    void grpcTenMegabyteMessageAndAnErrorStatus() throws Exception {
        try (GrpcEcho.Client c = grpc.client(httpPort, "grpc.localhost")) {
            byte[] big = new byte[10 * 1024 * 1024];
            new Random(17).nextBytes(big);
            assertArrayEquals(big, c.unaryBytes(big), "the 10 MB message came back changed");
            StatusRuntimeException e = c.failing();
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
            assertEquals(GrpcEcho.FAILURE_MESSAGE, e.getStatus().getDescription());
        }
    }

    @Test
    void theInspectorSeesTheGrpcExchangeAsHttp1() throws Exception {
        try (GrpcEcho.Client c = grpc.client(httpPort, "grpc.localhost")) {
            assertEquals("seen", c.unary("seen"));
        }
        JsonNode[] found = new JsonNode[1];
        Probes.eventually(START, "the inspector lists the call", () -> {
            String body = curl(admin + "/api/requests?tunnel=grpc&path=/loomtunnel.Echo/Unary");
            for (JsonNode r : new JsonMapper().readTree(body).get("requests")) {
                if (r.get("state").asText().equals("done")) {
                    found[0] = r;
                    return true;
                }
            }
            return false;
        });
        assertEquals("POST", found[0].get("method").asText());
        assertEquals(200, found[0].get("status").asInt());
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
