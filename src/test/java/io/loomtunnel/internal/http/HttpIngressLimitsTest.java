package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Limits and refusals: 431, 408, idle keep-alive, and request smuggling shapes answered 400 with the connection closed. */
@Timeout(60)
class HttpIngressLimitsTest {
    private static IngressFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new IngressFixture(new HttpIngressConfig(Duration.ofMillis(600), 1024, Duration.ofMillis(400),
                64 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(30), 4096, Duration.ofSeconds(10), 256, "http"));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void headLargerThanTheLimitIs431() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send("GET / HTTP/1.1\r\nHost: alpha.test\r\nX-Big: " + "x".repeat(1100) + "\r\n\r\n").read();
            assertEquals(431, r.status());
            assertEquals("close", r.field("connection"));
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void headNotCompleteInTimeIs408EvenWhileBytesTrickle() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            long start = System.nanoTime();
            raw.send("GET / HTTP/1.1\r\n");
            for (int i = 0; i < 4; i++) {
                Thread.sleep(200);
                raw.send("X-Slow-" + i + ": 1\r\n"); // each read is quick; only the whole-head deadline catches this
            }
            RawClient.Response r = raw.read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, r.status());
            assertTrue(ms >= 500 && ms < 5_000, "took " + ms + " ms for a 600 ms header timeout");
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            assertEquals(200, raw.send("GET /echo HTTP/1.1\r\nHost: alpha.test\r\n\r\n").read().status());
            long start = System.nanoTime();
            assertTrue(raw.closedByPeer());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 300 && ms < 5_000, "closed after " + ms + " ms for a 400 ms idle timeout");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "POST /echo HTTP/1.1|Host: alpha.test|Content-Length: 5|Transfer-Encoding: chunked||",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked|Content-Length: 5||",
        "POST /echo HTTP/1.1|Host: alpha.test|Content-Length: 5|Content-Length: 6||hello",
        "POST /echo HTTP/1.1|Host: alpha.test|Content-Length: 5, 6||hello",
        "POST /echo HTTP/1.1|Host: alpha.test|Content-Length: +5||hello",
        "POST /echo HTTP/1.1|Host: alpha.test|Content-Length: 0x5||hello",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked|Transfer-Encoding: chunked||",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: gzip|Transfer-Encoding: chunked||",
        "POST /echo HTTP/1.0|Host: alpha.test|Transfer-Encoding: chunked||",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked||zz|",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked||-1|",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked||0x5|hello|0||",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked|| 5|hello|0||",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked||5|helloXX0||",
        "POST /echo HTTP/1.1|Host: alpha.test|Transfer-Encoding: chunked||1000000000000000|",
        "GET /echo HTTP/1.1|Host: alpha.test|X-Folded: a| b||",
        "GET /echo HTTP/1.1|Host: alpha.test|X-Bare: a\rb||",
        "GET /echo HTTP/1.1|Host: alpha.test\n|",
        "GET /echo HTTP/1.1|Host: alpha.test|Bad Name: x||",
        "GET /echo HTTP/1.1|Host: alpha.test|Bad@Name: x||",
        "GET /echo HTTP/1.1|Host: alpha.test|Content-Length : 0||",
        "GET /echo HTTP/1.1|X-No-Host: 1||",
        "GET /echo HTTP/1.1|Host: alpha.test|Host: beta.test||",
        "GET /echo HTTP/1.1|Host: alpha.test/x||",
        "GET  /echo HTTP/1.1|Host: alpha.test||",
        "GET /echo HTTP/2.0|Host: alpha.test||",
        "CONNECT alpha.test:443 HTTP/1.1|Host: alpha.test:443||",
    })
    void smugglingShapesAre400AndClose(String shape) throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send(shape.replace("|", "\r\n")).read();
            assertEquals(400, r.status(), shape);
            assertEquals("close", r.field("connection"), shape);
            assertTrue(raw.closedByPeer(), "closed after: " + shape);
        }
    }
}
