package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomtunnel.internal.console.AdminClient;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.observe.ObserveSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11's attacks on the admin endpoint, over real sockets on loopback, as a web page in the
 * victim's browser (cross-site requests, DNS rebinding) or a local brute-forcer would make them;
 * each also checks that the operator's own tools (the console's AdminClient) still get through.
 */
@Timeout(60)
class AdminEndpointAttackTest {
    private static final String TOKEN = "admin-secret";
    private static final String EVIL = "http://evil.example";
    private static final String JSON_TYPE = "application/json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RecordingTarget target = new RecordingTarget();
    private final LogRing logs = new LogRing();
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        target.close();
    }

    private InetSocketAddress start(String token) throws Exception {
        return start(settings(token));
    }

    private ObserveSettings.Builder settings(String token) {
        return ObserveSettings.builder().adminBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .adminToken(token).logs(logs);
    }

    private InetSocketAddress start(ObserveSettings.Builder settings) throws Exception {
        admin = AdminServer.start(settings.build(), target, logLines::add);
        return admin.address();
    }

    private static String openBody(String type, String spec) {
        return "{\"type\":\"" + type + "\",\"spec\":\"" + spec + "\"}";
    }

    private static AdminClient operator(InetSocketAddress a, String token) {
        return new AdminClient(URI.create("http://127.0.0.1:" + a.getPort() + "/"), token);
    }

    @Test
    void aForeignOriginCannotOpenTunnels() throws Exception {
        InetSocketAddress a = start((String) null);
        String exposeAdmin = openBody("tcp", "pwn=0:127.0.0.1:" + a.getPort());
        for (String type : List.of("text/plain;charset=UTF-8", JSON_TYPE)) {
            RawHttp.Reply r = RawHttp.to(a).header("Origin", EVIL).header("Content-Type", type)
                    .send("POST", "/api/tunnels", exposeAdmin);
            assertEquals(403, r.status(), r.toString());
            assertFalse(r.body().contains("evil"), "the answer says nothing about the request: " + r.body());
        }
        RawHttp.Reply http = RawHttp.to(a).header("Origin", EVIL).header("Sec-Fetch-Site", "cross-site")
                .header("Content-Type", JSON_TYPE).send("POST", "/api/tunnels", openBody("http", "evil.example:127.0.0.1:80"));
        assertEquals(403, http.status(), http.toString());
        assertEquals(List.of(), target.actions, "no tunnel was opened");

        operator(a, null).open("tcp", "ok=0:127.0.0.1:9");
        assertEquals(List.of("open tcp ok=0:127.0.0.1:9"), target.actions, "the console still opens tunnels");
    }

    @Test
    void aPostThatIsNotJsonIsRefused() throws Exception {
        InetSocketAddress a = start((String) null);
        for (String type : List.of("text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/jsonp")) {
            RawHttp.Reply open = RawHttp.to(a).header("Content-Type", type).send("POST", "/api/tunnels", openBody("tcp", "0:127.0.0.1:9"));
            assertEquals(415, open.status(), type + ": " + open);
            RawHttp.Reply kick = RawHttp.to(a).header("Content-Type", type).send("POST", "/api/sessions/1/kick", "");
            assertEquals(415, kick.status(), type + ": " + kick);
        }
        assertEquals(415, RawHttp.to(a).send("POST", "/api/sessions/1/kick", "").status(), "no type at all");
        assertEquals(List.of(), target.actions);

        operator(a, null).kick("7");
        operator(a, null).close("x");
        assertEquals(List.of("kick 7", "close x"), target.actions, "the console still kicks and closes");
    }

    @Test
    void aForeignHostIsMisdirected() throws Exception {
        InetSocketAddress a = start((String) null);
        logs.add("a line only the operator may read");
        for (String host : List.of("rebind.evil.example:" + a.getPort(), "evil.example", "127.0.0.1:" + (a.getPort() + 1),
                "localhost.evil.example:" + a.getPort())) {
            RawHttp.Reply r = RawHttp.to(a).host(host).get("/api/logs");
            assertEquals(421, r.status(), host + ": " + r);
            assertFalse(r.body().contains("operator"), r.body());
            assertFalse(r.body().contains("evil"), r.body());
        }
        RawHttp.Reply delete = RawHttp.to(a).host("evil.example").header("Origin", EVIL).send("DELETE", "/api/tunnels/x", null);
        assertEquals(421, delete.status(), delete.toString());
        RawHttp.Reply kick = RawHttp.to(a).host("evil.example").header("Content-Type", JSON_TYPE)
                .send("POST", "/api/sessions/1/kick", "");
        assertEquals(421, kick.status(), kick.toString());
        assertEquals(List.of(), target.actions);

        for (String host : List.of("127.0.0.1:" + a.getPort(), "localhost:" + a.getPort(), "LOCALHOST:" + a.getPort(),
                "[::1]:" + a.getPort(), "127.0.0.2:" + a.getPort())) {
            RawHttp.Reply r = RawHttp.to(a).host(host).get("/api/logs");
            assertEquals(200, r.status(), host + ": " + r);
            assertTrue(r.body().contains("operator"), r.body());
        }
        assertEquals(1, operator(a, null).logs(10).size(), "the console still reads the logs");
    }

    @Test
    void aNameTheOperatorConfiguredIsServedOnAnyPort() throws Exception {
        InetSocketAddress a = start(settings(TOKEN).adminAllowedHosts(List.of("Admin.Example.org")));
        for (String host : List.of("admin.example.org", "ADMIN.example.org:443", "admin.example.org:" + a.getPort())) {
            RawHttp.Reply r = RawHttp.to(a).host(host).header("Authorization", "Bearer " + TOKEN).get("/api/status");
            assertEquals(200, r.status(), host + ": " + r);
        }
        assertEquals(421, RawHttp.to(a).host("example.org").get("/healthz").status());
        assertEquals(421, RawHttp.to(a).host("x.admin.example.org").get("/healthz").status());
        assertEquals(421, RawHttp.to(a).host(null).get("/healthz").status(), "no Host at all");
        assertEquals(200, RawHttp.to(a).get("/healthz").status());
    }

    @Test
    void crossSiteDeleteAndKickAreRefused() throws Exception {
        InetSocketAddress a = start((String) null);
        String otherLocalSite = "http://127.0.0.1:" + (a.getPort() + 1);
        List<RawHttp> forged = List.of(
                RawHttp.to(a).header("Origin", EVIL),
                RawHttp.to(a).header("Sec-Fetch-Site", "cross-site"),
                RawHttp.to(a).header("Origin", EVIL).header("Sec-Fetch-Site", "cross-site"),
                RawHttp.to(a).header("Origin", otherLocalSite).header("Sec-Fetch-Site", "same-site"),
                RawHttp.to(a).header("Origin", "null"));
        for (RawHttp request : forged) {
            request.header("Content-Type", JSON_TYPE);
            RawHttp.Reply delete = request.send("DELETE", "/api/tunnels/x", null);
            assertEquals(403, delete.status(), delete.toString());
            RawHttp.Reply kick = request.send("POST", "/api/sessions/1/kick", "");
            assertEquals(403, kick.status(), kick.toString());
        }
        assertEquals(List.of(), target.actions);

        operator(a, null).close("x");
        assertEquals(List.of("close x"), target.actions);
    }

    @Test
    void aBrowserNeedsTheProcessSecretFromAOneTimeLink() throws Exception {
        InetSocketAddress a = start(TOKEN);
        String self = "http://127.0.0.1:" + a.getPort();
        RawHttp typed = RawHttp.to(a).header("Sec-Fetch-Site", "none");
        assertEquals(403, typed.get("/api/status").status(), "a browser without the session cookie");
        assertEquals(403, RawHttp.to(a).header("Sec-Fetch-Site", "none").header("Authorization", "Bearer " + TOKEN)
                .get("/api/status").status(), "a browser is let in by the session cookie only");
        assertEquals(401, RawHttp.to(a).header("Content-Type", JSON_TYPE).send("POST", "/api/login-links", "{}").status(),
                "a login link needs the token");

        String link = operator(a, TOKEN).loginLink().toString();
        assertTrue(link.startsWith(self + "/login?code="), link);
        String path = link.substring(self.length());
        assertEquals(403, RawHttp.to(a).header("Sec-Fetch-Site", "cross-site").get(path).status(),
                "another site cannot log the browser in");
        RawHttp.Reply login = RawHttp.to(a).header("Sec-Fetch-Site", "none").get(path);
        assertEquals(303, login.status(), login.toString());
        String cookie = login.header("Set-Cookie");
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), cookie);
        assertEquals(403, RawHttp.to(a).header("Sec-Fetch-Site", "none").get(path).status(), "the link works once");

        String session = cookie.substring(0, cookie.indexOf(';'));
        RawHttp browser = RawHttp.to(a).header("Cookie", "other=1; " + session).header("Sec-Fetch-Site", "same-origin");
        RawHttp.Reply status = browser.get("/api/status");
        assertEquals(200, status.status(), status.toString());
        assertEquals("client", JSON.readTree(status.body()).get("role").asText());
        RawHttp.Reply kick = RawHttp.to(a).header("Cookie", session).header("Sec-Fetch-Site", "same-origin")
                .header("Origin", self).header("Content-Type", JSON_TYPE).send("POST", "/api/sessions/3/kick", "");
        assertEquals(200, kick.status(), kick.toString());
        assertEquals(403, RawHttp.to(a).header("Cookie", session).header("Origin", EVIL).header("Content-Type", JSON_TYPE)
                .send("POST", "/api/sessions/4/kick", "").status(), "the cookie does not make a foreign origin welcome");
        assertEquals(403, RawHttp.to(a).header("Cookie", "loomtunnel_admin=guess").header("Sec-Fetch-Site", "same-origin")
                .get("/api/status").status());
        assertEquals(List.of("kick 3"), target.actions);
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        InetSocketAddress a = start(TOKEN);
        for (String scheme : List.of("Bearer", "bearer", "BEARER")) {
            RawHttp.Reply r = RawHttp.to(a).header("Authorization", scheme + " " + TOKEN).get("/api/status");
            assertEquals(200, r.status(), scheme + ": " + r);
        }
        assertEquals(401, RawHttp.to(a).header("Authorization", "Basic " + TOKEN).get("/api/status").status());
        assertEquals(401, RawHttp.to(a).header("Authorization", "Bearer").get("/api/status").status());
    }

    @Test
    void aBruteForcerIsPenalisedWhileOtherSourcesGetThrough() throws Exception {
        // Long penalties, so that no slowness of this machine lets one run out during the test.
        InetSocketAddress a = start(settings(TOKEN).adminAuthFailPenalty(Duration.ofMinutes(1)).adminPenaltyLimit(Duration.ofMinutes(2)));
        List<Integer> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answers.add(RawHttp.to(a).header("Authorization", "Bearer guess-" + i).get("/api/status").status());
        }
        assertEquals(401, answers.get(0), answers.toString());
        assertTrue(answers.subList(5, answers.size()).stream().allMatch(s -> s == 429),
                "after a few wrong tokens the source is refused without a check: " + answers);
        RawHttp.Reply blocked = RawHttp.to(a).header("Authorization", "Bearer " + TOKEN).get("/api/status");
        assertEquals(429, blocked.status(), "the guessing source is refused even with the right token: " + blocked);
        assertFalse(blocked.header("Retry-After").isEmpty(), blocked.headers().toString());

        RawHttp.Reply other = RawHttp.to(a).from("127.0.0.2").header("Authorization", "Bearer " + TOKEN).get("/api/status");
        assertEquals(200, other.status(), "another source address still gets in: " + other);
        assertTrue(logLines.size() <= 3, "a summary instead of a line per refusal: " + logLines);
        assertTrue(logLines.stream().anyMatch(l -> l.contains("127.0.0.1")), logLines.toString());
    }

    @Test
    void theOperatorsToolsWorkWhileAPageAttacks() throws Exception {
        InetSocketAddress a = start((String) null);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger attacks = new AtomicInteger();
        List<Integer> refused = new CopyOnWriteArrayList<>();
        Thread page = Thread.ofVirtual().start(() -> {
            long end = System.nanoTime() + 20_000_000_000L;
            for (int i = 0; i < 300 && !stop.get() && System.nanoTime() < end; i++) {
                try {
                    RawHttp forged = switch (i % 3) {
                        case 0 -> RawHttp.to(a).header("Origin", EVIL).header("Content-Type", "text/plain");
                        case 1 -> RawHttp.to(a).host("rebind.evil.example:" + a.getPort());
                        default -> RawHttp.to(a).header("Sec-Fetch-Site", "cross-site").header("Content-Type", JSON_TYPE);
                    };
                    refused.add(forged.send("POST", "/api/tunnels", openBody("tcp", "pwn" + i + "=0:127.0.0.1:" + a.getPort()))
                            .status());
                    attacks.incrementAndGet();
                } catch (Exception e) {
                    refused.add(-1);
                }
            }
        });
        AdminClient console = operator(a, null);
        try {
            for (int i = 0; i < 20; i++) {
                assertEquals("client", console.status().role());
                console.open("tcp", "ok" + i + "=0:127.0.0.1:9");
                console.close("ok" + i);
            }
        } finally {
            stop.set(true);
            page.join();
        }
        assertTrue(attacks.get() > 0);
        assertTrue(refused.stream().allMatch(s -> s == 403 || s == 421), refused.toString());
        assertTrue(target.actions.stream().noneMatch(s -> s.contains("pwn")), target.actions.toString());
        assertEquals(40, target.actions.size(), target.actions.toString());
    }
}
