package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A response body that pauses for longer than the upstream timeout: a message stream (Server-Sent
 * Events, gRPC) waits for the app's next message, any other body is cut. Real loopback sockets.
 */
@Timeout(60)
class MessageStreamTest {
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofMillis(400);
    /** The app's pause between its two chunks: three upstream timeouts. */
    private static final long PAUSE_MILLIS = 1_200;
    private static ServerSocket app;
    private static IngressFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        app = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("message-stream app").start(MessageStreamTest::acceptForever);
        fixture = new IngressFixture(new HttpIngressConfig(Duration.ofSeconds(10), 32 * 1024, Duration.ofSeconds(60),
                64 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(30), 4096, UPSTREAM_TIMEOUT, 256, "http"),
                Map.of("stream.test", IngressFixture.route("stream", (InetSocketAddress) app.getLocalSocketAddress())));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        app.close();
    }

    @Test
    void serverSentEventsMayPauseLongerThanTheUpstreamTimeout() throws Exception {
        assertBothMessagesArrive("text/event-stream; charset=utf-8");
    }

    @Test
    void aGrpcResponseMayPauseLongerThanTheUpstreamTimeout() throws Exception {
        assertBothMessagesArrive("application/grpc+proto");
    }

    @Test
    void anyOtherBodyThatPausesThatLongIsCut() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            raw.send(request("text/plain"));
            long start = System.nanoTime();
            assertThrows(IOException.class, raw::read, "the body ends with the connection, without its last chunk");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < PAUSE_MILLIS + 5_000, "cut after " + ms + " ms");
        }
    }

    private static void assertBothMessagesArrive(String contentType) throws IOException {
        try (RawClient raw = new RawClient(fixture.port())) {
            long start = System.nanoTime();
            RawClient.Response r = raw.send(request(contentType)).read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.status());
            assertEquals("first\nsecond\n", new String(r.body(), StandardCharsets.UTF_8));
            assertTrue(ms >= PAUSE_MILLIS - 100, "the pause was kept: " + ms + " ms");
            assertEquals(200, raw.send(request("text/plain; quick")).read().status(), "the connection goes on");
        }
    }

    /** A GET that asks the app for {@code contentType}; "quick" in it: no pause. */
    private static String request(String contentType) {
        return "GET / HTTP/1.1\r\nHost: stream.test\r\nX-Answer-Type: " + contentType + "\r\n\r\n";
    }

    private static void acceptForever() {
        while (!app.isClosed()) {
            try {
                Socket s = app.accept();
                Thread.ofVirtual().name("message-stream app connection").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Per request: a chunked response of the asked type, "first", a pause, "second". */
    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (String head; (head = readHead(in)) != null; ) {
                String type = head.lines().filter(l -> l.startsWith("X-Answer-Type: ")).findFirst().orElseThrow().substring(15);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nfirst\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (!type.contains("quick")) {
                    Thread.sleep(PAUSE_MILLIS);
                }
                out.write("7\r\nsecond\n\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the ingress cut the body, or the test ended
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.append((char) c);
        }
        return head.toString();
    }
}
