package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests as the app sees them, over real sockets (issue 11, findings 6, 9 and 10). One authority
 * routes a request and is the Host the app sees; only origin-form, absolute-form and (for OPTIONS)
 * asterisk-form targets pass; Host ports are 1 to 65535; a trailing dot is not a different host.
 * One Transfer-Encoding, exactly {@code chunked}, else 501; one Content-Length however many equal
 * ones came; request trailers dropped.
 */
@Timeout(60)
class HttpRequestToAppTest {
    private static IngressFixture fixture;
    private static RawApp raw;

    @BeforeAll
    static void start() throws Exception {
        fixture = new IngressFixture(HttpSlowVisitorTest.config());
        raw = fixture.raw;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    private static RawClient.Response send(String request) throws Exception {
        return fixture.send(request);
    }

    @Test
    void absoluteFormChoosesTheHostTheAppSees() throws Exception {
        RawClient.Response r = send("GET http://Raw.test:8080/x?y=1 HTTP/1.1|Host: evil.example.com|Accept: */*||");
        assertEquals(200, r.status(), r.text());
        String head = raw.lastHead();
        assertTrue(head.startsWith("GET /x?y=1 HTTP/1.1\r\n"), "origin-form to the app: " + head);
        assertTrue(head.contains("\r\nHost: Raw.test:8080\r\n"), head);
        assertTrue(head.contains("\r\nX-Forwarded-Host: Raw.test:8080\r\n"), head);
        assertFalse(head.toLowerCase(Locale.ROOT).contains("evil"), head);

        r = send("GET http://raw.test?q HTTP/1.1|Host: raw.test||");
        assertEquals(200, r.status(), r.text());
        assertTrue(raw.lastHead().startsWith("GET /?q HTTP/1.1\r\n"), raw.lastHead());
    }

    @Test
    void anAbsoluteUriInTheQueryDoesNotRoute() throws Exception {
        RawClient.Response r = send("GET echo?u=http://raw.test/ HTTP/1.1|Host: alpha.test||");
        assertEquals(400, r.status(), r.text());
    }

    @Test
    void asteriskFormOnlyForOptions() throws Exception {
        assertEquals(200, send("OPTIONS * HTTP/1.1|Host: raw.test||").status());
        assertTrue(raw.lastHead().startsWith("OPTIONS * HTTP/1.1\r\n"), raw.lastHead());
        assertEquals(400, send("GET * HTTP/1.1|Host: raw.test||").status());
    }

    @Test
    void aTrailingDotIsTheSameHost() throws Exception {
        RawClient.Response r = send("GET /echo HTTP/1.1|Host: alpha.test.||");
        assertEquals(200, r.status(), r.text());
        assertTrue(r.text().contains("app=alpha\n"), r.text());
        assertEquals(200, send("GET /echo HTTP/1.1|Host: ALPHA.test.:81||").status());
        assertEquals(200, send("GET http://alpha.test./echo HTTP/1.1|Host: x||").status());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /echo HTTP/1.1|Host: alpha.test:99999||",
        "GET /echo HTTP/1.1|Host: alpha.test:0||",
        "GET /echo HTTP/1.1|Host: alpha.test:||",
        "GET /echo HTTP/1.1|Host: alpha.test:+80||",
        "GET /echo HTTP/1.1|Host: .||",
        "GET /echo HTTP/1.1|Host: ||",
        "GET http://alpha.test:99999/echo HTTP/1.1|Host: alpha.test||",
        "GET http://alpha.test/echo HTTP/1.1|Host: alpha.test:99999||",
        "GET http://user@alpha.test/echo HTTP/1.1|Host: alpha.test||",
        "GET ftp://alpha.test/echo HTTP/1.1|Host: alpha.test||",
        "GET http:///echo HTTP/1.1|Host: alpha.test||",
        "GET alpha.test:80 HTTP/1.1|Host: alpha.test||",
        "GET echo HTTP/1.1|Host: alpha.test||",
        "GET /echo#frag HTTP/1.1|Host: alpha.test||",
        "GET http://alpha.test/echo HTTP/1.1||",
    })
    void refusedTargetsAndHosts(String head) throws Exception {
        RawClient.Response r = send(head);
        assertEquals(400, r.status(), head + " -> " + r.text());
        assertEquals("close", r.field("connection"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "identity, chunked", ",chunked", "chunked,", "chunked, gzip", "gzip", "xchunked",
        "chunked;q=1", "\"chunked\""})
    void transferCodingsOtherThanChunkedAre501(String codings) throws Exception {
        int before = raw.requests.size();
        RawClient.Response r = send("POST / HTTP/1.1|Host: raw.test|Transfer-Encoding: " + codings + "||5|hello|0||");
        assertEquals(501, r.status(), codings + " -> " + r.text());
        assertEquals("close", r.field("connection"));
        assertEquals(before, raw.requests.size(), "the app never saw it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: chunked|Transfer-Encoding: chunked", "Transfer-Encoding: gzip|Transfer-Encoding: chunked",
        "Transfer-Encoding: chunked|Transfer-Encoding: gzip"})
    void twoTransferEncodingFieldsAre400(String fields) throws Exception {
        RawClient.Response r = send("POST / HTTP/1.1|Host: raw.test|" + fields + "||5|hello|0||");
        assertEquals(400, r.status(), fields + " -> " + r.text());
    }

    @Test
    void chunkedInAnyCaseIsForwardedAsOneFramingField() throws Exception {
        RawClient.Response r = send("POST / HTTP/1.1|Host: raw.test|Transfer-Encoding: Chunked||5;ext=1|hello|0||");
        assertEquals(200, r.status(), r.text());
        String got = raw.requests.getLast().toLowerCase(Locale.ROOT);
        assertEquals(1, count(got, "content-length:") + count(got, "transfer-encoding:"), got);
        assertTrue(got.endsWith("\r\n\r\nhello"), "read whole, so sent with its length: " + got);
        assertFalse(got.contains("ext=1"), got);
    }

    @Test
    void equalContentLengthsAreForwardedAsOne() throws Exception {
        RawClient.Response r = send("POST / HTTP/1.1|Host: raw.test|Content-Length: 5|content-length: 5, 5||hello");
        assertEquals(200, r.status(), r.text());
        String got = raw.requests.getLast();
        assertEquals(1, count(got.toLowerCase(Locale.ROOT), "content-length:"), got);
        assertTrue(got.contains("\r\nContent-Length: 5\r\n"), got);
        assertTrue(got.endsWith("\r\n\r\nhello"), got);
    }

    @Test
    void requestTrailersAreDropped() throws Exception {
        for (int size : new int[] {5, 200_000}) { // read whole, and streamed past the buffer
            String data = "x".repeat(size);
            RawClient.Response r = send("POST / HTTP/1.1|Host: raw.test|Transfer-Encoding: chunked||" + Integer.toHexString(size)
                    + "|" + data + "|0|Content-Length: 0|X-Trailer: t|Host: evil.test||");
            assertEquals(200, r.status(), r.text().length() > 300 ? r.text().substring(0, 300) : r.text());
            String got = raw.requests.getLast();
            String head = got.substring(0, got.indexOf("\r\n\r\n"));
            assertFalse(got.contains("X-Trailer"), "no trailer reaches the app");
            assertFalse(got.contains("evil.test"), "no trailer reaches the app");
            assertEquals(1, count(head.toLowerCase(Locale.ROOT), "content-length:")
                    + count(head.toLowerCase(Locale.ROOT), "transfer-encoding:"), head);
            assertEquals(size, count(got.substring(head.length()), "x"), "the body arrived whole");
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
