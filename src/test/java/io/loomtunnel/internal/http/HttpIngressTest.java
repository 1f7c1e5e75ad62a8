package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ingress over real loopback sockets: routing, keep-alive, bodies in every framing, forwarded fields, errors. */
@Timeout(60)
class HttpIngressTest {
    private static final int MB3 = 3 * 1024 * 1024 + 17;
    /** Long enough for a 1 MB echo on a loaded 2-core machine; the 504 test waits it out once. */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(3);
    private static IngressFixture fixture;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = new IngressFixture(new HttpIngressConfig(Duration.ofSeconds(10), 32 * 1024,
                Duration.ofSeconds(60), 64 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(30), 4096, UPSTREAM_TIMEOUT, 256, "http"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        fixture.close();
    }

    private static String get(String host, String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + fixture.port() + path);
    }

    @Test
    void hostsReachTheirOwnApps() throws Exception {
        for (String[] c : new String[][] {{"alpha.test", "alpha"}, {"beta.test", "beta"}, {"BETA.Test:8080", "beta"}}) {
            try (RawClient raw = new RawClient(fixture.port())) {
                RawClient.Response r = raw.send(get(c[0], "/echo")).read();
                assertEquals(200, r.status());
                assertTrue(r.text().contains("app=" + c[1] + "\n"), r.text());
                assertTrue(r.text().contains("x-forwarded-host=[" + c[0] + "]"), r.text());
            }
        }
        assertTrue(fixture.routingThreads.stream().allMatch(n -> n.matches("loomtunnel http :\\d+: connection from 127\\.0\\.0\\.1:\\d+")),
                fixture.routingThreads::toString);
    }

    @Test
    void keepAliveCarriesRequestsForDifferentHosts() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            for (String app : new String[] {"alpha", "beta", "alpha", "beta"}) {
                RawClient.Response r = raw.send(get(app + ".test", "/echo?" + app)).read();
                assertEquals(200, r.status());
                assertTrue(r.text().contains("app=" + app + "\nmethod=GET\npath=/echo?" + app + "\n"), r.text());
                assertNull(r.field("connection"), "the connection stays open");
            }
            // pipelined: two requests in one write, answered in order
            raw.send(get("beta.test", "/echo?1") + get("alpha.test", "/echo?2"));
            assertTrue(raw.read().text().contains("app=beta\nmethod=GET\npath=/echo?1\n"));
            assertTrue(raw.read().text().contains("app=alpha\nmethod=GET\npath=/echo?2\n"));
        }
    }

    @Test
    void forwardedFieldsAndHopByHopFields() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send("GET /echo HTTP/1.1\r\nHost: alpha.test:81\r\nX-Forwarded-For: 203.0.113.7\r\n"
                    + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.test\r\nX-Secret: s\r\nKeep-Alive: 5\r\n"
                    + "TE: trailers\r\nConnection: keep-alive, X-Secret\r\n\r\n").read();
            String t = r.text();
            assertTrue(t.contains("x-forwarded-for=[203.0.113.7, 127.0.0.1]"), t);
            assertTrue(t.contains("x-forwarded-proto=[http]"), t);
            assertTrue(t.contains("x-forwarded-host=[alpha.test:81]"), t);
            assertTrue(t.contains("secret=null"), "a field named in Connection is hop-by-hop: " + t);
            assertTrue(t.contains("host=alpha.test:81"), t);
        }
    }

    @Test
    void chunkedUploadAndChunkedDownloadKeepEveryByte() throws Exception {
        byte[] data = TestApps.content(MB3);
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, up.statusCode());
        assertTrue(up.body().contains("length=" + MB3 + "\nsha256=" + TestApps.sha256Hex(data)), up.body());

        HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(uri("/bytes?n=" + MB3)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, down.statusCode());
        assertEquals("chunked", down.headers().firstValue("transfer-encoding").orElse(null));
        assertEquals(TestApps.sha256Hex(data), TestApps.sha256Hex(down.body()));
    }

    @Test
    void contentLengthBodiesBothWays() throws Exception {
        byte[] data = TestApps.content(1_000_003);
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(up.body().contains("length=1000003\nsha256=" + TestApps.sha256Hex(data)), up.body());

        HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(uri("/fixed?n=1000003")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("1000003", down.headers().firstValue("content-length").orElse(null));
        assertEquals(TestApps.sha256Hex(data), TestApps.sha256Hex(down.body()));
    }

    @Test
    void headAnd204And304HaveNoBodyAndKeepTheConnection() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            assertEquals(200, raw.send("HEAD /echo HTTP/1.1\r\nHost: alpha.test\r\n\r\n").read(true).status());
            assertEquals(204, raw.send(get("alpha.test", "/status/204")).read().status());
            assertEquals(304, raw.send(get("alpha.test", "/status/304")).read().status());
            // if any of them had carried a body, this response would be read from the wrong bytes
            RawClient.Response r = raw.send(get("beta.test", "/echo")).read();
            assertTrue(r.text().startsWith("app=beta\nmethod=GET"), r.text());
        }
    }

    @Test
    void expectContinueIsAnsweredThenTheBodyFlows() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: alpha.test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertEquals(100, raw.read().status(), "100 Continue before any body byte was sent");
            RawClient.Response r = raw.send("hello").read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("expect=null"), r.text());
            assertTrue(r.text().contains("length=5\nsha256=" + TestApps.sha256Hex("hello".getBytes(StandardCharsets.UTF_8))),
                    r.text());
        }
    }

    @Test
    void http10ClientGetsAChunkedResponseDecodedAndThenClose() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send("GET /bytes?n=100000 HTTP/1.0\r\nHost: alpha.test\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals(200, r.status());
            assertNull(r.field("transfer-encoding"));
            assertEquals("close", r.field("connection"));
            assertEquals(TestApps.sha256Hex(TestApps.content(100_000)), TestApps.sha256Hex(r.body()));
        }
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send("GET /fixed?n=10 HTTP/1.0\r\nHost: alpha.test\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("keep-alive", r.field("connection"), "HTTP/1.0 keep-alive is said explicitly");
            assertEquals(200, raw.send("GET /fixed?n=10 HTTP/1.0\r\nHost: beta.test\r\n\r\n").read().status());
            assertTrue(raw.closedByPeer(), "HTTP/1.0 without keep-alive closes");
        }
    }

    @Test
    void unknownHostIs404NamingTheHost() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send(get("nobody.test", "/")).read();
            assertEquals(404, r.status());
            assertTrue(r.text().contains("nobody.test"), r.text());
            assertEquals(String.valueOf(r.body().length), r.field("content-length"));
            assertTrue(r.field("content-type").startsWith("text/plain"));
            r = raw.send("GET / HTTP/1.1\r\nHost: nobody.test\r\nAccept: text/html,*/*\r\n\r\n").read();
            assertTrue(r.field("content-type").startsWith("text/html"), "the connection went on, and browsers get HTML");
            assertTrue(r.text().contains("<h1>404 Not Found</h1>"), r.text());
        }
    }

    @Test
    void openFailureIs502NamingNothingInternal() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send("POST / HTTP/1.1\r\nHost: offline.test\r\nContent-Length: 3\r\n\r\nabc").read();
            assertEquals(502, r.status());
            assertFalse(r.text().contains("offline"), "neither the tunnel's name nor the reason: " + r.text());
            assertEquals(200, raw.send(get("alpha.test", "/echo")).read().status(), "the body was read: the connection goes on");
        }
    }

    @Test
    void silentUpstreamIs504AfterTheUpstreamTimeout() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            long start = System.nanoTime();
            RawClient.Response r = raw.send(get("silent.test", "/")).read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, r.status());
            assertFalse(r.text().contains("silent"), "the tunnel's name stays in the log: " + r.text());
            assertTrue(ms >= UPSTREAM_TIMEOUT.toMillis() - 100 && ms < 15_000, "took " + ms + " ms for a 3 s timeout");
            assertEquals(200, raw.send(get("alpha.test", "/echo")).read().status(), "the client connection goes on");
        }
    }
}
