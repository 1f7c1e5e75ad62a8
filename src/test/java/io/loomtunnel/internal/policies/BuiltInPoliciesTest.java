package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.plugin.Admission;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import io.loomtunnel.plugin.Completion;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Headers;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import io.loomtunnel.plugin.ResponseAction;
import io.loomtunnel.plugin.ResponseHead;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each built-in as its provider makes it from settings, driven hook by hook; every provider is found by ServiceLoader. */
class BuiltInPoliciesTest {
    private static final InetSocketAddress VISITOR = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    static Policy make(String type, Map<String, ?> settings) throws PolicyConfigException {
        for (PolicyProvider p : ServiceLoader.load(PolicyProvider.class)) {
            if (p.name().equals(type)) {
                PolicySettings s = PolicySettings.local("test.toml: policies[0]", Path.of("."), settings);
                Policy policy = p.create(s);
                assertEquals(Set.of(), s.unread(), "every setting read");
                return policy;
            }
        }
        throw new AssertionError("no provider " + type);
    }

    static Request get(String target, String... headers) {
        return new Request("web", VISITOR, "GET", target, Headers.of(headers));
    }

    @Test
    void everyBuiltInIsRegistered() {
        Set<String> names = new TreeSet<>();
        ServiceLoader.load(PolicyProvider.class).forEach(p -> names.add(p.name()));
        assertTrue(names.containsAll(Set.of("basic-auth", "ip-allow", "ip-deny", "rate-limit", "headers", "rewrite", "redirect",
                "request-log", "circuit-breaker", "webhook-signature", "proxy-protocol")), names::toString);
    }

    @Test
    void basicAuth() throws Exception {
        Policy p = make("basic-auth", Map.of("users", List.of("alice:" + HtpasswdTest.bcrypt("2y", "wonder")), "realm", "team"));
        RequestAction none = p.onRequest(get("/"));
        RequestAction.Respond r = assertInstanceOf(RequestAction.Respond.class, none);
        assertEquals(401, r.response().status());
        assertEquals("Basic realm=\"team\", charset=\"UTF-8\"", r.response().headers().first("WWW-Authenticate"));
        String good = "Basic " + Base64.getEncoder().encodeToString("alice:wonder".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("alice:wander".getBytes(StandardCharsets.UTF_8));
        assertEquals(RequestAction.CONTINUE, p.onRequest(get("/", "Authorization", good)));
        assertInstanceOf(RequestAction.Respond.class, p.onRequest(get("/", "Authorization", bad)));
        assertInstanceOf(RequestAction.Respond.class, p.onRequest(get("/", "Authorization", "Basic !!!")));
        assertEquals("test.toml: policies[0].users is unusable: users:1: not a bcrypt hash (MD5 $apr1$); only bcrypt is accepted: htpasswd -B",
                assertThrows(PolicyConfigException.class, () -> make("basic-auth", Map.of("users", List.of("a:$apr1$x$y")))).getMessage());
        assertThrows(PolicyConfigException.class, () -> make("basic-auth", Map.of()));
    }

    @Test
    void ipRules() throws Exception {
        Policy allow = make("ip-allow", Map.of("cidrs", List.of("10.0.0.0/8", "::1")));
        assertEquals(RequestAction.reject(403), allow.onRequest(get("/")));
        Policy allowLoop = make("ip-allow", Map.of("cidrs", "127.0.0.0/8, ::1"));
        assertEquals(RequestAction.CONTINUE, allowLoop.onRequest(get("/")));
        Policy deny = make("ip-deny", Map.of("cidrs", List.of("127.0.0.1")));
        assertEquals(Admission.REFUSE, deny.onConnection(new Connection("t", VISITOR)));
        assertEquals(Admission.ACCEPT, deny.onConnection(new Connection("t", null)));
        assertEquals(Admission.REFUSE, allow.onConnection(new Connection("t", null)), "unknown visitor, allow list: refused");
        assertThrows(PolicyConfigException.class, () -> make("ip-deny", Map.of("cidrs", List.of("example.com"))));
    }

    @Test
    void rateLimitAnswers429WithRetryAfter() throws Exception {
        Policy p = make("rate-limit", Map.of("requests", 2L, "per", "10s"));
        assertEquals(RequestAction.CONTINUE, p.onRequest(get("/")));
        assertEquals(RequestAction.CONTINUE, p.onRequest(get("/")));
        RequestAction.Respond r = assertInstanceOf(RequestAction.Respond.class, p.onRequest(get("/")));
        assertEquals(429, r.response().status());
        long retry = Long.parseLong(r.response().headers().first("Retry-After"));
        assertTrue(retry >= 1 && retry <= 5, "one token every 5 s: " + retry);
    }

    @Test
    void headersAreEditedBothWays() throws Exception {
        Policy p = make("headers", Map.of("request_remove", List.of("Cookie"), "request_set", Map.of("X-Env", "prod"),
                "request_add", Map.of("X-Added", "1"),
                "request_rewrite", List.of(Map.of("name", "User-Agent", "pattern", "curl/(\\S+)", "replace", "client/$1")),
                "response_set", Map.of("Server", "loomtunnel"), "response_remove", "X-Powered-By"));
        RequestAction.Modify m = assertInstanceOf(RequestAction.Modify.class,
                p.onRequest(get("/", "Cookie", "a=1", "X-Env", "dev", "User-Agent", "curl/8.5.0")));
        assertEquals(Headers.of("X-Env", "prod", "User-Agent", "client/8.5.0", "X-Added", "1"), m.headers());
        ResponseAction.Modify rm = assertInstanceOf(ResponseAction.Modify.class,
                p.onResponse(get("/"), new ResponseHead(200, Headers.of("X-Powered-By", "PHP", "Server", "nginx"))));
        assertEquals(Headers.of("Server", "loomtunnel"), rm.head().headers());
        assertThrows(PolicyConfigException.class, () -> make("headers", Map.of("request_set", Map.of("Bad Name", "x"))));
    }

    @Test
    void rewriteAndRedirect() throws Exception {
        Policy rewrite = make("rewrite", Map.of("prefix", "/api", "to", "/"));
        assertEquals(new RequestAction.Modify("GET", "/users?id=1", Headers.of()), rewrite.onRequest(get("/api/users?id=1")));
        assertEquals(RequestAction.CONTINUE, rewrite.onRequest(get("/other")));
        Policy redirect = make("redirect", Map.of("regex", "^/old/(.*)$", "to", "/new/$1", "status", 301L));
        RequestAction.Respond r = assertInstanceOf(RequestAction.Respond.class, redirect.onRequest(get("/old/a?b=1")));
        assertEquals(301, r.response().status());
        assertEquals("/new/a?b=1", r.response().headers().first("Location"));
        assertThrows(PolicyConfigException.class, () -> make("redirect", Map.of("prefix", "/", "to", "/x", "status", 303L)));
    }

    @Test
    void circuitBreakerOpensOnFailuresAndAProbeClosesIt() throws Exception {
        Policy p = make("circuit-breaker", Map.of("failures", 2L, "open_for", "100ms"));
        for (int i = 0; i < 2; i++) {
            Request r = get("/");
            assertEquals(RequestAction.CONTINUE, p.onRequest(r));
            p.onComplete(r, new Completion(502, 0, Duration.ZERO, true));
        }
        Request refused = get("/");
        RequestAction.Respond open = assertInstanceOf(RequestAction.Respond.class, p.onRequest(refused));
        assertEquals(503, open.response().status());
        assertEquals("1", open.response().headers().first("Retry-After"));
        p.onComplete(refused, new Completion(503, 0, Duration.ZERO, false)); // its own 503 does not count
        long deadline = System.nanoTime() + 5_000_000_000L;
        Request probe = get("/");
        while (!(p.onRequest(probe) instanceof RequestAction.Continue) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.onComplete(probe, new Completion(200, 2, Duration.ZERO, false));
        assertEquals(RequestAction.CONTINUE, p.onRequest(get("/")), "closed again");
    }

    @Test
    void webhookSignatureRefusesBeforeTheEnd(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "It's a Secret to Everybody\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Policy p = make("webhook-signature", Map.of("secret_file", secret.toString()));
        String sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertEquals(RequestAction.reject(401), p.onRequest(get("/hook")), "no signature: refused at the head");
        Request signed = new Request("web", VISITOR, "POST", "/hook", Headers.of("X-Hub-Signature-256", sig));
        assertEquals(RequestAction.CONTINUE, p.onRequest(signed));
        BodyFilter good = p.requestBody(signed);
        good.data(ByteBuffer.wrap("Hello, ".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer chunk = ByteBuffer.wrap("World!".getBytes(StandardCharsets.UTF_8));
        assertEquals(chunk, good.data(chunk), "passes on unchanged");
        assertEquals(0, good.end().remaining());
        BodyFilter bad = p.requestBody(signed);
        bad.data(ByteBuffer.wrap("Hello, World?".getBytes(StandardCharsets.UTF_8)));
        assertEquals(401, assertThrows(BodyRejectedException.class, bad::end).status());
        Policy onlyHooks = make("webhook-signature", Map.of("secret_file", secret.toString(), "paths", List.of("/hook")));
        assertEquals(RequestAction.CONTINUE, onlyHooks.onRequest(get("/other")), "outside paths: not checked");
        assertEquals(BodyFilter.NONE, onlyHooks.requestBody(get("/hooks")));
        assertEquals(RequestAction.reject(401), onlyHooks.onRequest(get("/hook/github")));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(PolicyConfigException.class, () -> make("webhook-signature", Map.of("secret_file", secret.toString())))
                .getMessage().contains("readable by others (mode 0644); run chmod 600"));
        assertTrue(assertThrows(PolicyConfigException.class, () -> make("webhook-signature", Map.of("secret", "x")))
                .getMessage().contains("secret_file or secret_env"), "no inline secret in a local config");
    }

    @Test
    void proxyProtocolPrefacesTheStream() throws Exception {
        Policy p = make("proxy-protocol", Map.of("version", "v1"));
        assertArrayEquals("PROXY TCP4 127.0.0.1 127.0.0.1 40000 8080\r\n".getBytes(StandardCharsets.US_ASCII),
                p.preface(new Connection("t", VISITOR, new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080))));
        assertEquals(0, p.preface(new Connection("t", null, VISITOR)).length);
        assertEquals(0, p.preface(new Connection("t", VISITOR)).length, "no public address known: no header rather than a guess");
    }
}
