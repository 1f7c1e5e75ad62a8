package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Error pages over real sockets (issue 11, findings 4 and 10): they say what happened and nothing
 * internal (no client id, tunnel name, address, limit or exception text); a backend response
 * that breaks before any byte went to the visitor is a 502, not an empty close.
 */
@Timeout(60)
class HttpErrorPagesTest {
    private static final String TUNNEL = "tunnel-name-7q";
    private static IngressFixture fixture;
    private static final List<AutoCloseable> apps = new java.util.ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        RawApp hugeChunk = app("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n");
        RawApp badChunk = app("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        RawApp shortBody = app("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
        RawApp badHead = app("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n");
        ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        closed.close(); // nothing listens: connecting fails with the address in the message
        apps.add(closed);
        fixture = new IngressFixture(HttpSlowVisitorTest.config(), Map.of(
                "full.test", new LimitedRoute(TUNNEL, hugeChunk.address(), 0),
                "huge-chunk.test", IngressFixture.route(TUNNEL, hugeChunk.address()),
                "bad-chunk.test", IngressFixture.route(TUNNEL, badChunk.address()),
                "short.test", IngressFixture.route(TUNNEL, shortBody.address()),
                "bad-head.test", IngressFixture.route(TUNNEL, badHead.address()),
                "refused.test", IngressFixture.route(TUNNEL, new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                        closed.getLocalPort()))));
    }

    private static RawApp app(String answer) throws IOException {
        RawApp a = new RawApp(request -> answer);
        apps.add(a);
        return a;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        for (AutoCloseable a : apps) {
            a.close();
        }
    }

    @Test
    void aFullClientIsA502ThatNamesNothingInternal() throws Exception {
        for (String accept : new String[] {"*/*", "text/html"}) {
            try (RawClient c = new RawClient(fixture.port())) {
                RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: full.test\r\nAccept: " + accept + "\r\n\r\n").read();
                assertEquals(502, r.status());
                assertRevealsNothing(r.text());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"huge-chunk.test", "bad-chunk.test", "short.test", "bad-head.test", "refused.test"})
    void aBrokenBackendBeforeAnyByteIsA502(String host) throws Exception {
        try (RawClient c = new RawClient(fixture.port())) {
            RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read();
            assertEquals(502, r.status(), host + ": " + r.text());
            assertRevealsNothing(r.text());
        }
    }

    @Test
    void theTimeoutPageNamesNothingInternal() throws Exception {
        try (RawClient c = new RawClient(fixture.port())) {
            RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: silent.test\r\n\r\n").read();
            assertEquals(504, r.status());
            assertRevealsNothing(r.text());
            assertFalse(r.text().contains("silent"), r.text());
        }
    }

    private static void assertRevealsNothing(String page) {
        for (String secret : new String[] {"peupr5shnmig", "limit", TUNNEL, "127.0.0.1", "Exception", "refused",
            "chunk", "Content-Length", "connections"}) {
            assertFalse(page.contains(secret), "the page shows '" + secret + "': " + page);
        }
    }
}
