package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTP tunnels through `loomtunnel server` and `loomtunnel client` processes, driven by curl and raw sockets. */
@Timeout(180)
class HttpTunnelIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final List<AutoCloseable> running = new ArrayList<>();
    private int httpPort;
    private ReverseTunnelIT.Server server;
    private JarProcess client;
    /** A local port nothing listens on: the local service of the tunnels "dead" (HTTP) and "gone" (TCP). */
    private int deadPort;
    private int goneTunnelPort;

    @BeforeEach
    void startServerClientAndApps() throws Exception {
        HttpServer a = app("app-a");
        HttpServer b = app("app-b");
        ServerSocket ws = upgradeEchoApp();
        deadPort = ReverseTunnelIT.freePort();
        server = ReverseTunnelIT.server(dir, 0, "--http-bind", "127.0.0.1:0", "--domain", "localhost");
        running.add(server);
        httpPort = Integer.parseInt(server.process().await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
        client = ReverseTunnelIT.client(dir, server,
                "--http", "a:127.0.0.1:" + a.getAddress().getPort(),
                "--http", "b:127.0.0.1:" + b.getAddress().getPort(),
                "--http", "dead:127.0.0.1:" + deadPort,
                "--tcp", "gone=0:127.0.0.1:" + deadPort,
                "--http", "ws:127.0.0.1:" + ws.getLocalPort());
        running.add(client);
        goneTunnelPort = Integer.parseInt(client.await("tcp\\s+gone\\s+localhost:(\\d+)", START).group(1));
        client.await("http\\s+ws\\s+http://ws\\.localhost:" + httpPort, START);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    @Test
    void curlReachesEachAppByHost() throws Exception {
        assertEquals("app-a GET /x", curl("-H", "Host: a.localhost", url("/x")));
        assertEquals("app-b GET /y", curl("-H", "Host: b.localhost", url("/y")));
        assertEquals("app-a GET /z", curl("--resolve", "a.localhost:" + httpPort + ":127.0.0.1",
                "http://a.localhost:" + httpPort + "/z"));
    }

    @Test
    void keepAliveCarriesRequestsForDifferentHostsOnOneConnection() throws Exception {
        try (Socket s = new Socket(LOOPBACK, httpPort)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET /1 HTTP/1.1\r\nHost: a.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("app-a GET /1", body(in));
            out.write("GET /2 HTTP/1.1\r\nHost: b.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("app-b GET /2", body(in));
            out.write("GET /3 HTTP/1.1\r\nHost: a.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("app-a GET /3", body(in));
        }
    }

    @Test
    void chunkedUploadAndChunkedDownloadKeepEveryByte() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(3).nextBytes(data);
        Path upload = dir.resolve("upload.bin");
        Path download = dir.resolve("download.bin");
        Files.write(upload, data);
        curl("-H", "Host: a.localhost", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + upload,
                "-o", download.toString(), url("/echo"));
        assertArrayEquals(sha(data), sha(Files.readAllBytes(download)));
    }

    @Test
    void webSocketEchoThroughTheTunnel() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-Test", "through-loomtunnel")
                .buildAsync(java.net.URI.create("ws://ws.localhost:" + httpPort + "/chat"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        received.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
        for (String message : List.of("hello", "over the", "tunnel")) {
            ws.sendText(message, true).get(10, TimeUnit.SECONDS);
            assertEquals("echo: " + message, received.poll(10, TimeUnit.SECONDS));
        }
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    /** The ingress's own answers: an unknown host, a tunnel whose app is down, a client gone (one server and client for all three). */
    @Test
    void unknownHostIs404DeadAppAndOfflineClientAre502() throws Exception {
        assertEquals("404", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: nobody.localhost", url("/")));
        deadLocalServiceIsSaidInWordsWithoutAddresses();
        client.kill();
        Probes.eventually(START, "a killed client's host answers 502", () -> "502".equals(
                curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: a.localhost", url("/"))));
    }

    /**
     * Issue 12: the 502 for a tunnel whose local app is down said "stream 9476 reset by peer:
     * CANCEL". Now the visitor reads the failure in words, without the app's address or a stream
     * id; the server's log says the same with the tunnel's name, and the client's names the address.
     * A TCP tunnel's visitor is closed on as before, and the server's log says why.
     */
    private void deadLocalServiceIsSaidInWordsWithoutAddresses() throws Exception {
        String page = Probes.httpGet(httpPort, "dead.localhost", "/");
        assertTrue(page.startsWith("HTTP/1.1 502 Bad Gateway"), page);
        assertTrue(page.contains("\nThe tunnel's client could not reach its local service (connection refused).\n"), page);
        for (String internal : List.of(String.valueOf(deadPort), "127.0.0.1", "stream", "CANCEL", "dead")) {
            assertTrue(!page.contains(internal), "the page shows " + internal + ": " + page);
        }
        server.process().await("http ingress refused 127\\.0\\.0\\.1: 502 tunnel dead: the client could not reach its local"
                + " service \\(connection refused\\)", START);
        client.await("tunnel dead: cannot reach 127\\.0\\.0\\.1:" + deadPort + ": Connection refused", START);

        try (Socket visitor = new Socket(LOOPBACK, goneTunnelPort)) {
            visitor.setSoTimeout(20_000);
            try {
                assertEquals(-1, visitor.getInputStream().read(), "the visitor's connection is closed");
            } catch (IOException reset) {
                // closed with a reset: closed all the same
            }
        }
        server.process().await("tcp tunnel refused 127\\.0\\.0\\.1: tunnel gone of client [a-z2-7]+…?: the client could not"
                + " reach its local service \\(connection refused\\)", START);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** Runs curl (the tests' real HTTP client) and returns its standard output. */
    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("curl is needed (scripts/test installs it): " + e.getMessage());
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A web app that names itself, and echoes POST bodies on /echo with a chunked response. */
    private HttpServer app(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        s.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", x -> {
            if (x.getRequestURI().getPath().equals("/echo")) {
                x.sendResponseHeaders(200, 0); // 0: chunked
                x.getRequestBody().transferTo(x.getResponseBody());
            } else {
                byte[] body = (name + " " + x.getRequestMethod() + " " + x.getRequestURI()).getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
            }
            x.close();
        });
        s.start();
        running.add(() -> s.stop(0));
        return s;
    }

    /** A WebSocket echo app (RFC 6455: the handshake, then unmasked text frames echoed with "echo: "). */
    private ServerSocket upgradeEchoApp() throws IOException {
        ServerSocket server = new ServerSocket(0, 16, LOOPBACK);
        running.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            WebSocketEcho.serve(s, head(s.getInputStream()));
                        } catch (IOException ignored) {
                            // the visitor left
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

    /** Reads an HTTP head up to the blank line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection ended inside a head: " + b);
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Reads one response with a Content-Length body and returns the body. */
    private static String body(InputStream in) throws IOException {
        String head = head(in);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        var m = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        assertTrue(m.find(), head);
        return new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8);
    }

    private static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
