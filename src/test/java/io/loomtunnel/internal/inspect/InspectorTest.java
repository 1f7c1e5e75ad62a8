package io.loomtunnel.internal.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.SpliceTap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tap, the store and the API together, fed bytes as a splice would. */
class InspectorTest {
    private Inspector inspector = inspector(Inspector.Config.defaults());

    private static Inspector inspector(Inspector.Config config) {
        return new Inspector(config, name -> null);
    }

    @AfterEach
    void close() {
        inspector.close();
    }

    private static void in(SpliceTap tap, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        tap.toService(b, 0, b.length);
    }

    private static void out(SpliceTap tap, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        tap.fromService(b, 0, b.length);
    }

    private List<ExchangeSummary> list(String query) {
        InspectorApi.Reply r = inspector.api().handle("GET", "/api/requests", query, new byte[0]);
        assertEquals(200, r.status(), String.valueOf(r.body()));
        @SuppressWarnings("unchecked")
        List<ExchangeSummary> out = (List<ExchangeSummary>) ((Map<String, Object>) r.body()).get("requests");
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> detail(String id) {
        InspectorApi.Reply r = inspector.api().handle("GET", "/api/requests/" + id, null, new byte[0]);
        assertEquals(200, r.status(), String.valueOf(r.body()));
        return (Map<String, Object>) r.body();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> member(Map<String, Object> m, String... path) {
        Map<String, Object> at = m;
        for (String p : path) {
            at = (Map<String, Object>) at.get(p);
        }
        return at;
    }

    @Test
    void aKeepAliveStreamPairsEachRequestWithItsResponse() {
        List<ExchangeSummary> heard = new CopyOnWriteArrayList<>();
        inspector.onChange(heard::add);
        SpliceTap tap = inspector.tap("web");
        in(tap, "GET /one HTTP/1.1\r\nHost: web\r\n\r\nHEAD /two HTTP/1.1\r\nHost: web\r\n\r\n"); // pipelined
        out(tap, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
        out(tap, "HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n"); // HEAD: no body whatever the length
        in(tap, "POST /three HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"a\":[1,2,3]}");
        out(tap, "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnope\r\n0\r\n\r\n");
        tap.ended(true);

        List<ExchangeSummary> all = list(null);
        assertEquals(List.of("/three", "/two", "/one"), all.stream().map(ExchangeSummary::path).toList(), "newest first");
        assertEquals(List.of(404, 200, 200), all.stream().map(ExchangeSummary::status).toList());
        assertTrue(all.stream().allMatch(s -> s.state().equals("done") && s.durationMillis() != null), all.toString());
        assertEquals(6, heard.size(), "each exchange heard of at its start and at its end: " + heard);

        assertEquals(List.of("/three"), list("status=4xx").stream().map(ExchangeSummary::path).toList());
        assertEquals(List.of("/two", "/one"), list("status=200").stream().map(ExchangeSummary::path).toList());
        assertEquals(List.of("/two"), list("path=tw").stream().map(ExchangeSummary::path).toList());
        assertEquals(List.of("/three"), list("limit=1").stream().map(ExchangeSummary::path).toList());
        assertEquals(List.of(), list("tunnel=other"));

        Map<String, Object> three = detail(all.get(0).id());
        BodyView request = (BodyView) member(three, "request").get("body");
        assertEquals("json", request.kind());
        assertEquals("{\n  \"a\" : [ 1, 2, 3 ]\n}", request.text());
        BodyView response = (BodyView) member(three, "response").get("body");
        assertEquals("text", response.kind());
        assertEquals("nope", response.text());
        assertEquals(4, response.size());
        assertEquals("HTTP/1.1 404 Not Found", member(three, "response", "head").get("line"));
        assertTrue(member(three, "timing").get("firstByteMillis") != null);
    }

    @Test
    void credentialsAndCookiesAreMaskedUnlessUnmasked() {
        SpliceTap tap = inspector.tap("web");
        in(tap, "GET / HTTP/1.1\r\nAuthorization: Bearer s3cret\r\nCookie: session=abc\r\nX-Other: seen\r\n\r\n");
        out(tap, "HTTP/1.1 200 OK\r\nSet-Cookie: id=1\r\nContent-Length: 0\r\n\r\n");
        String id = list(null).get(0).id();
        Map<String, Object> d = detail(id);
        assertEquals(List.of(List.of("Authorization", HeaderMask.MASKED), List.of("Cookie", HeaderMask.MASKED), List.of("X-Other", "seen")),
                member(d, "request", "head").get("headers"));
        assertEquals(List.of(List.of("Set-Cookie", HeaderMask.MASKED), List.of("Content-Length", "0")),
                member(d, "response", "head").get("headers"));
        assertFalse(d.toString().contains("s3cret"));

        inspector.close();
        inspector = inspector(new Inspector.Config(true, Set.of(), 100, true, 10, 1 << 20));
        tap = inspector.tap("web");
        in(tap, "GET / HTTP/1.1\r\nAuthorization: Bearer s3cret\r\n\r\n");
        assertEquals(List.of(List.of("Authorization", "Bearer s3cret")),
                member(detail(list(null).get(0).id()), "request", "head").get("headers"));
    }

    @Test
    void bodiesShowAsFormTextOrHexWithTheirSizes() {
        inspector.close();
        inspector = inspector(new Inspector.Config(true, Set.of(), 4, false, 10, 1 << 20));
        SpliceTap tap = inspector.tap("web");
        in(tap, "POST /f HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b");
        out(tap, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 6\r\n\r\n\u0000\u0001\u0002\u0003\u0004\u0005");
        Map<String, Object> d = detail(list(null).get(0).id());
        BodyView form = (BodyView) member(d, "request").get("body");
        assertEquals("form", form.kind());
        assertEquals("a=b", form.text());
        BodyView binary = (BodyView) member(d, "response").get("body");
        assertEquals("binary", binary.kind());
        assertEquals("00010203", binary.hex(), "hex of the captured prefix only");
        assertEquals(6, binary.size());
        assertEquals(4, binary.captured());
        assertTrue(binary.truncated());
    }

    @Test
    void aWebSocketUpgradeEndsTheExchangeAndTheCapture() {
        SpliceTap tap = inspector.tap("ws");
        in(tap, "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        out(tap, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        in(tap, "\u0081\u0085frames that are not HTTP");
        out(tap, "\u0081\u0005hello");
        tap.ended(true);
        List<ExchangeSummary> all = list(null);
        assertEquals(1, all.size());
        assertEquals(101, all.get(0).status());
        assertEquals("done", all.get(0).state());
        assertEquals(true, detail(all.get(0).id()).get("upgraded"));
    }

    @Test
    void whatIsNotHttpStopsTheCaptureAndFailsWhatWasOpen() {
        SpliceTap tap = inspector.tap("web");
        in(tap, "GET /a HTTP/1.1\r\n\r\n");
        out(tap, "garbage that is no status line\r\n\r\n");
        out(tap, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        in(tap, "GET /b HTTP/1.1\r\n\r\n");
        tap.ended(true);
        List<ExchangeSummary> all = list(null);
        assertEquals(1, all.size(), "nothing captured after the stop: " + all);
        assertEquals("failed", all.get(0).state());
        assertEquals("stopped capturing: response: not an HTTP status line", detail(all.get(0).id()).get("note"));
    }

    @Test
    void aStreamCutShortFailsItsOpenExchange() {
        SpliceTap tap = inspector.tap("web");
        in(tap, "GET /slow HTTP/1.1\r\n\r\n");
        out(tap, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        tap.ended(false);
        ExchangeSummary s = list(null).get(0);
        assertEquals("failed", s.state());
        assertEquals(200, s.status());

        tap = inspector.tap("web");
        in(tap, "GET /until-close HTTP/1.1\r\n\r\n");
        out(tap, "HTTP/1.0 200 OK\r\n\r\nbody to the close");
        tap.ended(false);
        assertEquals("failed", list(null).get(0).state(), "a body that runs to the close fails when the close is an abort");
    }

    @Test
    void captureOffEntirelyOrPerTunnel() {
        inspector.close();
        inspector = inspector(new Inspector.Config(true, Set.of("private"), 100, false, 10, 1 << 20));
        assertEquals(SpliceTap.NONE, inspector.tap("private"));
        assertTrue(inspector.captures("web"));
        inspector.close();
        inspector = inspector(new Inspector.Config(false, Set.of(), 100, false, 10, 1 << 20));
        assertEquals(SpliceTap.NONE, inspector.tap("web"));
    }

    @Test
    void theApiSaysWhatItCannotDo() {
        assertEquals(404, inspector.api().handle("GET", "/api/requests/r99", null, new byte[0]).status());
        assertEquals(400, inspector.api().handle("GET", "/api/requests", "limit=x", new byte[0]).status());
        assertEquals(400, inspector.api().handle("GET", "/api/requests", "status=20", new byte[0]).status());
        assertEquals(404, inspector.api().handle("PUT", "/api/requests", null, new byte[0]).status());
        SpliceTap tap = inspector.tap("web");
        in(tap, "GET / HTTP/1.1\r\n\r\n");
        InspectorApi.Reply cleared = inspector.api().handle("DELETE", "/api/requests", null, new byte[0]);
        assertEquals(Map.of("cleared", 1), cleared.body());
        assertNull(inspector.store().get("r1"));
    }
}
