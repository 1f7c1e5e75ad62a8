package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The head parser, framing and authority rules one by one, without sockets. */
class HeadParserTest {

    private static RequestHead request(String head) throws MalformedHttpException {
        return HeadParser.parseRequest(head.replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void parsesARequestWithOwsAroundValuesAndObsText() throws Exception {
        RequestHead r = request("PUT /a?b HTTP/1.1|Host: x.test|X-Pad: \t v a \t|X-Latin: caf\u00e9||");
        assertEquals("PUT", r.method());
        assertEquals("/a?b", r.target());
        assertTrue(r.http11());
        assertEquals(List.of(new Field("Host", "x.test"), new Field("X-Pad", "v a"), new Field("X-Latin", "caf\u00e9")),
                r.fields().list());
        assertTrue(r.keepAlive());
    }

    @Test
    void keepAliveAndUpgradeFollowTheConnectionTokens() throws Exception {
        assertFalse(request("GET / HTTP/1.1|Host: a|Connection: Close||").keepAlive());
        assertFalse(request("GET / HTTP/1.0|Host: a||").keepAlive());
        assertTrue(request("GET / HTTP/1.0|Host: a|Connection: Keep-Alive||").keepAlive());
        assertTrue(request("GET / HTTP/1.1|Host: a|Upgrade: websocket|Connection: keep-alive, Upgrade||").upgrade());
        assertFalse(request("GET / HTTP/1.1|Host: a|Upgrade: websocket||").upgrade(), "Upgrade not named in Connection");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1|Host: a|X: a|  b||", "GET / HTTP/1.1|Host: a|X: a\rb||",
        "GET / HTTP/1.1|Host: a|X: a\u0000b||", "GET / HTTP/1.1|Host: a|X: a\u001fb||", "GET / HTTP/1.1|Host: a|X : a||",
        "GET / HTTP/1.1|Host: a|: a||", "GET / HTTP/1.1|Host: a|X(: a||", "GET / HTTP/1.1|Host: a|No colon||",
        "GET / HTTP/1.1 |Host: a||", "GET /\u007f HTTP/1.1|Host: a||", "G\u00e9T / HTTP/1.1|Host: a||", "GET / HTTP/1.2|Host: a||",
        "GET / http/1.1|Host: a||", "GET / HTTP/1.1|Host: a|", "GET / HTTP/1.1|Host: a\n||"})
    void refusesMalformedHeads(String head) {
        assertThrows(MalformedHttpException.class, () -> request(head), head);
    }

    @Test
    void parsesStatusLinesWithAndWithoutReason() throws Exception {
        ResponseHead r = HeadParser.parseResponse("HTTP/1.1 404 Not Found\r\nA: b\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(404, r.status());
        assertEquals("Not Found", r.reason());
        assertEquals(200, HeadParser.parseResponse("HTTP/1.0 200\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)).status());
        assertThrows(MalformedHttpException.class,
                () -> HeadParser.parseResponse("HTTP/1.1 20 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void framingOfRequests() throws Exception {
        assertEquals(BodyFraming.NONE, BodyFraming.forRequest(request("GET / HTTP/1.1|Host: a||")));
        assertEquals(new BodyFraming(BodyFraming.Kind.LENGTH, 7),
                BodyFraming.forRequest(request("POST / HTTP/1.1|Host: a|Content-Length: 7, 7|Content-Length: 7||")));
        assertEquals(BodyFraming.CHUNKED, BodyFraming.forRequest(request("POST / HTTP/1.1|Host: a|Transfer-Encoding: Chunked||")));
        assertThrows(UnsupportedCodingException.class,
                () -> BodyFraming.forRequest(request("POST / HTTP/1.1|Host: a|Transfer-Encoding: gzip, chunked||")));
    }

    @Test
    void framingOfResponses() throws Exception {
        RequestHead get = request("GET / HTTP/1.1|Host: a||");
        RequestHead head = request("HEAD / HTTP/1.1|Host: a||");
        ResponseHead ok = HeadParser.parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        ResponseHead bare = HeadParser.parseResponse("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        ResponseHead gzip = HeadParser.parseResponse(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(5, BodyFraming.forResponse(get, ok).length());
        assertEquals(BodyFraming.NONE, BodyFraming.forResponse(head, ok));
        assertEquals(BodyFraming.CLOSE, BodyFraming.forResponse(get, bare));
        assertEquals(BodyFraming.CLOSE, BodyFraming.forResponse(get, gzip), "a coding other than chunked last: until close");
    }

    @Test
    void chunkSizes() throws Exception {
        assertEquals(0x1f, ChunkedInput.chunkSize("1F"));
        assertEquals(3, ChunkedInput.chunkSize("3 ;a=b"));
        assertEquals(0xfffffffffffffffL, ChunkedInput.chunkSize("fffffffffffffff"));
        for (String bad : new String[] {"", " 3", "3 ", "3x", "0x3", "-3", "+3", "1000000000000000", "3;\u0001"}) {
            assertThrows(MalformedHttpException.class, () -> ChunkedInput.chunkSize(bad), bad);
        }
    }

    @Test
    void authority() throws Exception {
        assertEquals(new Authority("Ex.Test:8080", "ex.test"), Authority.parse("Ex.Test:8080"));
        assertEquals(new Authority("Ex.Test.:8080", "ex.test"), Authority.parse("Ex.Test.:8080"));
        assertEquals("[::1]", Authority.parse("[::1]:80").host());
        assertEquals("a", Authority.parse("a:65535").host());
        RequestHead absolute = request("GET http://A.test:1/x HTTP/1.1|Host: other||");
        assertEquals("a.test", Authority.of(absolute, RequestTarget.parse("GET", absolute.target())).host());
        for (String bad : new String[] {"", ".", ":80", "a b", "a/b", "a@b", "a:8x", "[zz]", "a:123456", "a:99999", "a:0",
            "a:", "a:+1", "[::1]80", "[::1]:"}) {
            assertThrows(MalformedHttpException.class, () -> Authority.parse(bad), bad);
        }
    }

    @Test
    void requestTargets() throws Exception {
        assertEquals(new RequestTarget("/a?b", null), RequestTarget.parse("GET", "/a?b"));
        assertEquals(new RequestTarget("/p?q", "h:1"), RequestTarget.parse("GET", "HTTP://h:1/p?q"));
        assertEquals(new RequestTarget("/?q", "h"), RequestTarget.parse("GET", "https://h?q"));
        assertEquals(new RequestTarget("/", "h"), RequestTarget.parse("GET", "http://h"));
        assertEquals(new RequestTarget("*", null), RequestTarget.parse("OPTIONS", "*"));
        for (String bad : new String[] {"*", "a?u=http://h/", "h:80", "ftp://h/", "http://u@h/", "/a#b", "index.html"}) {
            assertThrows(MalformedHttpException.class, () -> RequestTarget.parse("GET", bad), bad);
        }
    }
}
