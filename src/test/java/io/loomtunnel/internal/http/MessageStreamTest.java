package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.h2.HeaderField;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A response body that pauses for longer than the upstream timeout: to an HTTP/2 visitor, a
 * message stream (Server-Sent Events, gRPC) waits for the app's next message and any other body
 * is cut; to an HTTP/1.1 visitor, whose socket nobody reads while its answer is relayed (so its
 * going away would not be seen), every body is cut. Real loopback sockets.
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
    void serverSentEventsToAnHttp2VisitorMayPauseLongerThanTheUpstreamTimeout() throws Exception {
        assertBothMessagesArriveOverHttp2("text/event-stream; charset=utf-8");
    }

    @Test
    void aGrpcResponseToAnHttp2VisitorMayPauseLongerThanTheUpstreamTimeout() throws Exception {
        assertBothMessagesArriveOverHttp2("application/grpc+proto");
    }

    @Test
    void theHeadOfAMessageStreamGoesOutBeforeItsFirstMessage() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            long start = System.nanoTime();
            c.headers(1, true, RawH2.get("stream.test", "/"), new HeaderField("x-answer-type", "text/event-stream; late"));
            assertTrue(c.nextOf(1).startsWith("HEADERS 1 :status=200"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < PAUSE_MILLIS - 200, "the head came with the first message, after " + ms + " ms");
            assertEquals("first\n", c.nextOf(1));
        }
    }

    @Test
    void anyOtherBodyToAnHttp2VisitorThatPausesThatLongIsCut() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            c.headers(1, true, RawH2.get("stream.test", "/"), new HeaderField("x-answer-type", "text/plain"));
            String seen = String.join("\n", c.until(1));
            assertTrue(seen.contains("first") && !seen.contains("second") && seen.contains("RST_STREAM 1"), seen);
        }
    }

    @Test
    void everyBodyToAnHttp11VisitorThatPausesThatLongIsCut() throws Exception {
        for (String type : new String[] {"text/event-stream", "application/grpc", "text/plain"}) {
            try (RawClient raw = new RawClient(fixture.port())) {
                raw.send(request(type));
                long start = System.nanoTime();
                assertThrows(IOException.class, raw::read, type + ": the body ends with the connection, without its last chunk");
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < PAUSE_MILLIS + 5_000, "cut after " + ms + " ms");
            }
        }
    }

    private static void assertBothMessagesArriveOverHttp2(String contentType) throws IOException {
        try (RawH2 c = new RawH2(fixture.port())) {
            long start = System.nanoTime();
            c.headers(1, true, RawH2.get("stream.test", "/"), new HeaderField("x-answer-type", contentType));
            List<String> seen = c.until(1);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(seen.getFirst().startsWith("HEADERS 1 :status=200"), seen::toString);
            assertEquals("first\nsecond\n", String.join("", seen.subList(1, seen.size())), seen::toString);
            assertTrue(ms >= PAUSE_MILLIS - 100, "the pause was kept: " + ms + " ms");
            c.headers(3, true, RawH2.get("stream.test", "/"), new HeaderField("x-answer-type", "text/plain; quick"));
            assertTrue(c.until(3).getFirst().startsWith("HEADERS 3 :status=200"), "the connection goes on");
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

    /** Per request: a chunked response of the asked type, "first", a pause, "second" ("late": the pause before "first"). */
    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (String head; (head = IngressFixture.readHead(in)) != null; ) {
                String type = head.lines().filter(l -> l.regionMatches(true, 0, "X-Answer-Type: ", 0, 15)).findFirst().orElseThrow()
                        .substring(15);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (type.contains("late")) {
                    Thread.sleep(PAUSE_MILLIS);
                }
                out.write("6\r\nfirst\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (!type.contains("quick") && !type.contains("late")) {
                    Thread.sleep(PAUSE_MILLIS);
                }
                out.write("7\r\nsecond\n\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the ingress cut the body, or the test ended
        }
    }
}
