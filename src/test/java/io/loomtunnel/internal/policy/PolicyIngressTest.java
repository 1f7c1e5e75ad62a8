package io.loomtunnel.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hook kind over real loopback sockets, through one in-process server and client: the client
 * declares the test policies (built-ins on the test class path) for its tunnels, they travel with
 * the registration and run on the server's ingress, so refused traffic never reaches the services.
 */
@Timeout(120)
class PolicyIngressTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "policy-test-token";

    @TempDir
    static Path dir;
    private static HttpServer app;
    private static final AtomicInteger APP_REQUESTS = new AtomicInteger();
    private static final AtomicLong APP_BODY_BYTES = new AtomicLong();
    private static final AtomicInteger TCP_ACCEPTED = new AtomicInteger();
    private static final AtomicInteger STALL_ACCEPTED = new AtomicInteger();
    private static ServerSocket tcpService;
    private static ServerSocket stallService;
    private static Closeable udpEcho;
    private static TunnelServer server;
    private static TunnelClient client;
    private static int tcpPort;
    private static int stallPort;
    private static int udpPort;

    @BeforeAll
    static void start() throws Exception {
        app = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        app.createContext("/", ex -> {
            long n;
            try (InputStream in = ex.getRequestBody()) {
                n = in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException incomplete) {
                ex.close(); // a body cut short: the app never saw it whole
                return;
            }
            APP_REQUESTS.incrementAndGet();
            APP_BODY_BYTES.addAndGet(n);
            byte[] body = ("app " + ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("X-Policy")
                    + " " + n).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        app.start();
        tcpService = countingService(TCP_ACCEPTED);
        stallService = countingService(STALL_ACCEPTED);
        int[] udp = new int[1];
        udpEcho = EchoServers.udp(udp);
        server = TunnelServer.start(ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                .keyFile(dir.resolve("server.key")).token(TOKEN).allowPorts(PortRanges.parse("1024-65535"))
                .http(new InetSocketAddress(LOOPBACK, 0), "localhost").build(), ServerEvents.NONE);
        client = TunnelClient.start(ClientSettings.builder(server.controlAddress(), server.id()).token(TOKEN)
                .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", app.getAddress().getPort()))
                .tunnel(TunnelSpec.tcp("shut", 0, "127.0.0.1", tcpService.getLocalPort()))
                .tunnel(TunnelSpec.udp("dns", 0, "127.0.0.1", udp[0]))
                .tunnel(TunnelSpec.tcp("stall", 0, "127.0.0.1", stallService.getLocalPort()))
                .tunnelPolicies("web", List.of(test("http")))
                .tunnelPolicies("shut", List.of(test("tcp-refuse")))
                .tunnelPolicies("stall", List.of(test("tcp-block-once")))
                .tunnelPolicies("dns", List.of(test("udp-drop")))
                .build(), ClientEvents.NONE);
        List<PublicTunnel> tunnels = client.awaitReady(WAIT);
        tcpPort = Probes.port(address(tunnels, "shut"));
        udpPort = Probes.port(address(tunnels, "dns"));
        stallPort = Probes.port(address(tunnels, "stall"));
    }

    /** A TCP service that counts the connections it accepts and closes each at once. */
    private static ServerSocket countingService(AtomicInteger accepted) throws IOException {
        ServerSocket service = new ServerSocket(0, 50, LOOPBACK);
        Thread.ofVirtual().start(() -> {
            while (true) {
                try (Socket s = service.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return service;
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
        app.stop(0);
        tcpService.close();
        stallService.close();
        udpEcho.close();
    }

    private static PolicySpec test(String mode) {
        return new PolicySpec("test", Map.of("mode", mode), "test", null);
    }

    private static String address(List<PublicTunnel> tunnels, String name) {
        return tunnels.stream().filter(t -> t.spec().name().equals(name)).findFirst().orElseThrow().address();
    }

    @Test
    void requestRejectedRespondedOrModifiedAndResponseModified() throws IOException {
        int before = APP_REQUESTS.get();
        String rejected = exchange("GET /x HTTP/1.1\r\nHost: web.localhost\r\nX-Reject: 1\r\nConnection: close\r\n\r\n");
        assertTrue(rejected.startsWith("HTTP/1.1 403 Forbidden\r\n"), rejected);
        String responded = exchange("GET /respond HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(responded.startsWith("HTTP/1.1 200 OK\r\n") && responded.endsWith("\r\n\r\nfrom the policy\n"), responded);
        assertEquals(before, APP_REQUESTS.get(), "neither crossed the tunnel");

        String modified = exchange("GET /old?q=1 HTTP/1.1\r\nHost: web.localhost\r\nX-Policy: forged\r\nConnection: close\r\n\r\n");
        assertTrue(modified.startsWith("HTTP/1.1 200 OK\r\n"), modified);
        assertTrue(modified.endsWith("\r\n\r\napp GET /new?q=1 seen 127.0.0.1 0"), modified);
        assertTrue(modified.contains("\r\nX-Policy-Response: yes\r\n"), modified);
    }

    @Test
    void aPolicyThatThrowsFailsOnlyThatRequest() throws IOException {
        String failed = exchange("GET /boom HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(failed.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), failed);
        String next = exchange("GET /after HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(next.startsWith("HTTP/1.1 200 OK\r\n") && next.endsWith("app GET /after seen 127.0.0.1 0"), next);
    }

    /**
     * The hook sleeps a minute: the watchdog interrupts it past the bound (1 s), so the visitor gets
     * 500 well inside the socket's 20 s, and the connection's thread, its interrupt cleared, still
     * writes that answer; the next request passes.
     */
    @Test
    void aHookThatBlocksIsCutAndFailsOnlyThatRequest() throws IOException {
        int before = APP_REQUESTS.get();
        String failed = exchange("GET /sleep HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(failed.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), failed);
        assertEquals(before, APP_REQUESTS.get(), "the cut request never crossed the tunnel");
        String next = exchange("GET /after HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(next.startsWith("HTTP/1.1 200 OK\r\n") && next.endsWith("app GET /after seen 127.0.0.1 0"), next);
    }

    /** The first connection's onConnection waits for ever: it is cut and the connection refused; the next one passes. */
    @Test
    void aTcpHookThatBlocksRefusesThatConnectionAndTheNextPasses() throws Exception {
        assertRefused(stallPort); // not left open by the blocked hook
        assertEquals(0, STALL_ACCEPTED.get(), "the service never saw the refused connection");
        try (Socket s = new Socket(LOOPBACK, stallPort)) {
            s.setSoTimeout(20_000);
            Probes.eventually(WAIT, "the next connection reached the service", () -> STALL_ACCEPTED.get() == 1);
        }
    }

    /** 16 MiB through a body filter that sees every byte, in chunks of at most the relay's scratch buffer. */
    @Test
    void bodyFilterStreamsALargeBodyAndRefusesABadOneBeforeTheAppSeesItWhole() throws IOException {
        long size = 16L << 20;
        long filteredBefore = TestPolicyProvider.FILTERED.get();
        long appBefore = APP_BODY_BYTES.get();
        String good = upload("good", size);
        assertTrue(good.startsWith("HTTP/1.1 200 OK\r\n") && good.endsWith(" " + size), good);
        assertEquals(size, TestPolicyProvider.FILTERED.get() - filteredBefore);
        assertEquals(size, APP_BODY_BYTES.get() - appBefore);
        assertTrue(TestPolicyProvider.MAX_CHUNK.get() <= 16 * 1024, "chunks of " + TestPolicyProvider.MAX_CHUNK.get());

        int requests = APP_REQUESTS.get();
        String bad = upload("bad", 4L << 20);
        assertTrue(bad.startsWith("HTTP/1.1 401 Unauthorized\r\n"), bad);
        assertEquals(requests, APP_REQUESTS.get(), "the app never had the refused body whole");
    }

    @Test
    void tcpConnectionRefusedBeforeItCrossesTheTunnel() throws IOException {
        assertRefused(tcpPort);
        assertEquals(0, TCP_ACCEPTED.get(), "the service never saw the connection");
    }

    @Test
    void datagramDroppedOthersPass() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(300);
            byte[] buf = new byte[100];
            String echoed = null;
            for (int i = 0; i < 50 && echoed == null; i++) { // UDP may lose one: send again, bounded
                send(s, "drop-" + i);
                send(s, "keep-" + i);
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    echoed = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                } catch (SocketTimeoutException again) {
                    // not yet
                }
            }
            assertTrue(echoed != null && echoed.contains("keep-"), "echoed " + echoed);
            for (int i = 0; i < 3; i++) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    String more = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                    assertTrue(more.contains("keep-"), "echoed " + more);
                } catch (SocketTimeoutException none) {
                    break;
                }
            }
        }
    }

    /** Connects to {@code port} and expects the connection closed (an end of stream or a reset) within 20 s. */
    private static void assertRefused(int port) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(20_000);
            try {
                assertEquals(-1, s.getInputStream().read());
            } catch (SocketTimeoutException stillOpen) {
                throw new AssertionError("the connection is still open", stillOpen);
            } catch (IOException reset) {
                // closed with a reset: refused all the same
            }
        }
    }

    private static void send(DatagramSocket s, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, new InetSocketAddress(LOOPBACK, udpPort)));
    }

    /** A chunked upload of {@code size} generated bytes, never held whole; the answer as text. */
    private static String upload(String sign, long size) throws IOException {
        try (Socket s = new Socket(LOOPBACK, server.httpPort())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: web.localhost\r\nX-Sign: " + sign
                    + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            byte[] line = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (long sent = 0; sent < size; sent += chunk.length) {
                    out.write(line);
                    out.write(chunk);
                    out.write('\r');
                    out.write('\n');
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException refusedEarly) {
                // the ingress may answer and close before the whole body is sent
            }
            return read(s.getInputStream());
        }
    }

    private static String exchange(String request) throws IOException {
        try (Socket s = new Socket(LOOPBACK, server.httpPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return read(s.getInputStream());
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }
}
