package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomtunnel.internal.console.AdminClient;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.observe.ObserveSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin endpoint as the dashboard's backend, over real sockets: the page and its assets with
 * their headers, the JSON API (tunnels, history, keys), the event stream and its bounds, and who
 * may use them (a browser of this origin, never another site).
 */
@Timeout(60)
class DashboardEndpointTest {
    private static final String TOKEN = "admin-secret";
    private static final String EVIL = "http://evil.example";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RecordingTarget target = new RecordingTarget();
    private final LogRing logs = new LogRing();
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        target.close();
    }

    private InetSocketAddress start(String token) throws Exception {
        admin = AdminServer.start(ObserveSettings.builder().adminBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .adminToken(token).logs(logs).build(), target, line -> { });
        return admin.address();
    }

    @Test
    void aBrowserGetsThePageAndToolsTheJsonIndex() throws Exception {
        InetSocketAddress a = start(null);
        RawHttp.Reply page = RawHttp.to(a).header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
                .header("Sec-Fetch-Site", "none").get("/");
        assertEquals(200, page.status(), page.toString());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().contains("/ui/app.js"), page.body());
        assertEquals(AdminServer.PAGE_POLICY, page.header("Content-Security-Policy"));
        assertEquals("DENY", page.header("X-Frame-Options"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        assertEquals("no-cache", page.header("Cache-Control"));

        RawHttp.Reply index = RawHttp.to(a).header("Accept", "application/json").get("/");
        assertEquals(200, index.status(), index.toString());
        assertEquals("loomtunnel admin endpoint", JSON.readTree(index.body()).get("service").asText());
        assertEquals(AdminServer.NONE_POLICY, index.header("Content-Security-Policy"));
        assertEquals("DENY", index.header("X-Frame-Options"));
        assertEquals("client", new AdminClient(URI.create("http://127.0.0.1:" + a.getPort() + "/"), null).status().role(),
                "the console still reads the JSON");
    }

    @Test
    void assetsAreServedWithTheirTypesAndNothingOutsideTheDashboard() throws Exception {
        InetSocketAddress a = start(null);
        RawHttp.Reply js = RawHttp.to(a).get("/ui/app.js");
        assertEquals(200, js.status(), js.toString());
        assertEquals("text/javascript; charset=utf-8", js.header("Content-Type"));
        assertEquals(AdminServer.PAGE_POLICY, js.header("Content-Security-Policy"));
        assertEquals("text/css; charset=utf-8", RawHttp.to(a).get("/ui/app.css").header("Content-Type"));
        for (String path : List.of("/ui/../admin/AdminServer.class", "/ui/%2e%2e/%2e%2e/loomtunnel/Version.class",
                "/ui/..%2f..%2fadmin%2fAdminServer.class", "/ui/nothing.js", "/ui/", "/ui/.hidden.js", "/ui//etc/passwd",
                "/ui/index", "/ui/a/../app.js", "/ui/%2fetc%2fpasswd", "/ui/..\\app.js", "/ui/META-INF/MANIFEST.MF")) {
            RawHttp.Reply r = RawHttp.to(a).get(path);
            assertTrue(r.status() == 404 || r.status() == 400, path + ": " + r); // 400: the JDK server's, for a bad URI
            assertFalse(r.body().contains("class"), r.body());
        }
    }

    @Test
    void tunnelsHistoryAndKeysAnswerJson() throws Exception {
        InetSocketAddress a = start(null);
        JsonNode tunnels = JSON.readTree(RawHttp.to(a).get("/api/tunnels").body());
        assertTrue(tunnels.get("tunnels").isArray(), tunnels.toString());
        JsonNode history = JSON.readTree(RawHttp.to(a).get("/api/history").body());
        assertEquals(5, history.get("intervalSeconds").asInt());
        assertEquals(1, history.get("points").size(), "one sample at start: " + history);
        assertTrue(history.get("points").get(0).has("rttMillis"), history.toString());
        JsonNode keys = JSON.readTree(RawHttp.to(a).get("/api/keys").body());
        assertEquals("client", keys.get("role").asText());
        assertEquals("id", keys.get("id").asText());
        RawHttp.Reply open = RawHttp.to(a).header("Content-Type", "application/json")
                .send("POST", "/api/tunnels", "{\"type\":\"tcp\"}");
        assertEquals(400, open.status(), open.toString());
    }

    @Test
    void theEventStreamCarriesPublishedEventsAndLogLines() throws Exception {
        InetSocketAddress a = start(null);
        try (Sse sse = Sse.open(a, "same-origin", null)) {
            assertEquals(200, sse.status, sse.head.toString());
            assertTrue(sse.head.stream().anyMatch(h -> h.equalsIgnoreCase("Content-Type: text/event-stream; charset=utf-8")),
                    sse.head.toString());
            assertEquals("retry: 1000", sse.line());
            admin.events().publish("tunnel", Map.of("action", "opened", "tunnel", Map.of("name", "web")));
            logs.add("hello from the log");
            List<String> lines = sse.until("event: log");
            assertTrue(lines.contains("event: tunnel"), lines.toString());
            assertTrue(lines.contains("data: {\"action\":\"opened\",\"tunnel\":{\"name\":\"web\"}}"), lines.toString());
            assertTrue(sse.line().matches("data: \\{\"line\":\".*hello from the log\"}"));
        }
    }

    @Test
    void aStreamThatReconnectsGetsWhatItMissed() throws Exception {
        InetSocketAddress a = start(null);
        admin.events().publish("tunnel", Map.of("n", 1));
        admin.events().publish("tunnel", Map.of("n", 2));
        try (Sse sse = Sse.open(a, null, "1")) {
            List<String> lines = sse.until("data: {\"n\":2}");
            assertFalse(lines.contains("data: {\"n\":1}"), lines.toString());
            assertTrue(lines.contains("id: 2"), lines.toString());
        }
    }

    @Test
    void atMostEightStreamsAtOnce() throws Exception {
        InetSocketAddress a = start(null);
        List<Sse> open = new ArrayList<>();
        try {
            for (int i = 0; i < EventHub.MAX_SUBSCRIBERS; i++) {
                Sse s = Sse.open(a, null, null);
                open.add(s);
                assertEquals(200, s.status);
            }
            RawHttp.Reply ninth = RawHttp.to(a).get("/api/events");
            assertEquals(503, ninth.status(), ninth.toString());
            assertEquals(200, RawHttp.to(a).get("/api/status").status(), "other requests still get through");
        } finally {
            open.forEach(Sse::close);
        }
    }

    @Test
    void anotherSiteCannotReadTheEventsOrThePage() throws Exception {
        InetSocketAddress a = start(null);
        assertEquals(403, RawHttp.to(a).header("Origin", EVIL).get("/api/events").status());
        assertEquals(403, RawHttp.to(a).header("Sec-Fetch-Site", "cross-site").get("/api/events").status());
        assertEquals(403, RawHttp.to(a).header("Sec-Fetch-Site", "cross-site").header("Accept", "text/html").get("/").status());
        assertEquals(421, RawHttp.to(a).host("rebind.evil.example:" + a.getPort()).header("Accept", "text/html").get("/").status());
        assertEquals(421, RawHttp.to(a).host("rebind.evil.example:" + a.getPort()).get("/api/events").status());
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            RawHttp.Reply form = RawHttp.to(a).header("Origin", "http://127.0.0.1:" + a.getPort()).header("Sec-Fetch-Site", "same-origin")
                    .header("Content-Type", type).send("DELETE", "/api/tunnels/web", "type=tcp");
            assertEquals(415, form.status(), type + ": " + form);
        }
        assertEquals(List.of(), target.actions);
        RawHttp.Reply own = RawHttp.to(a).header("Origin", "http://127.0.0.1:" + a.getPort()).header("Sec-Fetch-Site", "same-origin")
                .header("Content-Type", "application/json").send("DELETE", "/api/tunnels/web", null);
        assertEquals(200, own.status(), "the page itself may close a tunnel on a loopback endpoint without a token: " + own);
    }

    @Test
    void withATokenThePageNeedsTheSessionCookieWhichIsSecureBehindATlsProxy() throws Exception {
        InetSocketAddress a = start(TOKEN);
        assertEquals(403, RawHttp.to(a).header("Sec-Fetch-Site", "none").header("Accept", "text/html").get("/").status());
        assertEquals(403, RawHttp.to(a).header("Sec-Fetch-Site", "same-origin").get("/api/events").status());
        AdminClient operator = new AdminClient(URI.create("http://127.0.0.1:" + a.getPort() + "/"), TOKEN);
        String plain = operator.loginLink().toString();
        RawHttp.Reply login = RawHttp.to(a).header("Sec-Fetch-Site", "none").get(plain.substring(plain.indexOf("/login")));
        assertEquals(303, login.status(), login.toString());
        assertEquals("/", login.header("Location"));
        assertFalse(login.header("Set-Cookie").contains("Secure"), login.header("Set-Cookie"));
        String cookie = login.header("Set-Cookie").substring(0, login.header("Set-Cookie").indexOf(';'));
        RawHttp.Reply page = RawHttp.to(a).header("Sec-Fetch-Site", "none").header("Cookie", cookie).header("Accept", "text/html").get("/");
        assertEquals(200, page.status(), page.toString());

        RawHttp.Reply link = RawHttp.to(a).header("Authorization", "Bearer " + TOKEN).header("X-Forwarded-Proto", "https")
                .header("Content-Type", "application/json").send("POST", "/api/login-links", "{}");
        String url = JSON.readTree(link.body()).get("url").asText();
        assertTrue(url.startsWith("https://127.0.0.1:" + a.getPort() + "/login?code="), url);
        RawHttp.Reply tls = RawHttp.to(a).header("Sec-Fetch-Site", "none").header("X-Forwarded-Proto", "https")
                .get(url.substring(url.indexOf("/login")));
        assertEquals(303, tls.status(), tls.toString());
        String secure = tls.header("Set-Cookie");
        assertTrue(secure.contains("; Secure") && secure.contains("HttpOnly") && secure.contains("SameSite=Strict"), secure);
    }

    /** An event stream read line by line over a raw socket (the other helpers read answers to the end). */
    private static final class Sse implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        final int status;
        final List<String> head = new ArrayList<>();

        private Sse(Socket socket, BufferedReader in, int status) {
            this.socket = socket;
            this.in = in;
            this.status = status;
        }

        static Sse open(InetSocketAddress a, String fetchSite, String lastEventId) throws Exception {
            Socket s = new Socket();
            s.connect(a, 5_000);
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + a.getPort()
                    + "\r\nAccept: text/event-stream\r\n");
            if (fetchSite != null) {
                req.append("Sec-Fetch-Site: ").append(fetchSite).append("\r\n");
            }
            if (lastEventId != null) {
                req.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String statusLine = in.readLine();
            assertNotNull(statusLine);
            Sse sse = new Sse(s, in, Integer.parseInt(statusLine.split(" ")[1]));
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                sse.head.add(h);
            }
            return sse;
        }

        /** The next line of the event stream, chunk sizes left out. */
        String line() throws Exception {
            for (int i = 0; i < 10_000; i++) {
                String l = in.readLine();
                assertNotNull(l, "the stream ended");
                if (!l.isEmpty() && !l.matches("[0-9a-fA-F]+")) {
                    return l;
                }
            }
            throw new AssertionError("no line");
        }

        /** The lines up to and including {@code last}. */
        List<String> until(String last) throws Exception {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                String l = line();
                lines.add(l);
                if (l.equals(last)) {
                    return lines;
                }
            }
            throw new AssertionError("no '" + last + "' in " + lines);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // closing
            }
        }
    }
}
