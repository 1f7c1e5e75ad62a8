package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.http.RawH2.get;
import static io.loomtunnel.internal.http.RawH2.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackEncoder;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 with prior knowledge on the ingress's plain listener: curl and h2load (when installed)
 * through it to HTTP/1.1 apps, and hand-made frames for the shapes RFC 9113 calls malformed (each
 * a stream error that leaves the connection serving) and for a CONTINUATION flood (the connection
 * ends with ENHANCE_YOUR_CALM).
 */
@Timeout(90)
class H2IngressTest {
    private static IngressFixture fixture;

    private static RawApp trailing;

    @BeforeAll
    static void start() throws Exception {
        // answers chunked with trailer fields, some of which a trailer may not carry
        trailing = new RawApp(request -> "HTTP/1.1 200 OK\r\nContent-Type: application/grpc\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\ngrpc-status: 0\r\nContent-Length: 99\r\nHost: evil.test\r\nGrpc-Message: ok\r\n\r\n");
        fixture = new IngressFixture(HttpIngressConfig.defaults(), java.util.Map.of("trailers.test",
                IngressFixture.route("trailers", trailing.address())));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        trailing.close();
    }

    @Test
    void curlWithPriorKnowledgeGetsAnHttp2ResponseFromAnHttp11App() throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed");
        String out = run("curl", "-sS", "--max-time", "30", "--http2-prior-knowledge", "-w", "\nversion=%{http_version}",
                "-H", "Host: alpha.test", "http://127.0.0.1:" + fixture.port() + "/echo?x=1");
        assertTrue(out.contains("app=alpha\nmethod=GET"), out);
        assertTrue(out.endsWith("version=2"), out);
    }

    @Test
    void largeBodiesGoBothWaysIntactUnderFlowControl(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed");
        byte[] data = TestApps.content(2_000_000);
        Path file = Files.write(dir.resolve("upload.bin"), data);
        String up = run("curl", "-sS", "--max-time", "30", "--http2-prior-knowledge", "--data-binary", "@" + file,
                "-H", "Host: beta.test", "http://127.0.0.1:" + fixture.port() + "/echo");
        assertTrue(up.contains("app=beta\nmethod=POST"), up);
        assertTrue(up.contains("length=2000000\nsha256=" + TestApps.sha256Hex(data)), up);
        Path down = dir.resolve("down.bin");
        String code = run("curl", "-sS", "--max-time", "30", "--http2-prior-knowledge", "-o", down.toString(), "-w", "%{http_code}",
                "-H", "Host: alpha.test", "http://127.0.0.1:" + fixture.port() + "/bytes?n=1500000");
        assertEquals("200", code);
        assertEquals(TestApps.sha256Hex(TestApps.content(1_500_000)), TestApps.sha256Hex(Files.readAllBytes(down)));
    }

    @Test
    void h2loadGetsEveryResponseWithoutError() throws Exception {
        assumeTrue(H2Load.installed(), "h2load (Debian's nghttp2-client) is not installed");
        H2Load.assertAllAnswered(500, "-c", "4", "-m", "16", "-H", ":authority: alpha.test", "http://127.0.0.1:" + fixture.port() + "/echo");
        // windows of 1 KiB per stream and 64 KiB per connection (h2load -w 10 -W 16): 200 kB answers go out a little at a time
        String small = H2Load.assertAllAnswered(40, "-c", "2", "-m", "10", "-w", "10", "-W", "16", "-H", ":authority: alpha.test",
                "http://127.0.0.1:" + fixture.port() + "/bytes?n=200000");
        assertTrue(small.contains(" (8000000) data"), small);
        // as many streams at once as the ingress allows: a stream answered no longer counts, though its threads may still be ending
        H2Load.assertAllAnswered(1000, "-c", "1", "-m", Integer.toString(H2Connection.MAX_STREAMS), "-H", ":authority: alpha.test",
                "http://127.0.0.1:" + fixture.port() + "/echo");
    }

    @Test
    void malformedRequestsAreStreamErrorsAndTheConnectionGoesOn() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            c.headers(1, true, get("alpha.test", "/echo"), new HeaderField("transfer-encoding", "chunked"));
            assertEquals(List.of("RST_STREAM 1 " + H2Error.PROTOCOL_ERROR), c.until(1));
            c.headers(3, true, get("alpha.test", "/echo"), new HeaderField("X-Upper", "1"));
            assertEquals(List.of("RST_STREAM 3 " + H2Error.PROTOCOL_ERROR), c.until(3));
            c.headers(5, true, get("alpha.test", "/echo"), new HeaderField("connection", "keep-alive"));
            assertEquals(List.of("RST_STREAM 5 " + H2Error.PROTOCOL_ERROR), c.until(5));
            c.headers(7, true, get("alpha.test", "/echo"), new HeaderField("x-a", "b\r\nx-smuggled: 1"));
            assertEquals(List.of("RST_STREAM 7 " + H2Error.PROTOCOL_ERROR), c.until(7));
            c.headers(9, false, post("alpha.test", "/echo"), new HeaderField("content-length", "5"));
            c.data(9, "abc", true);
            assertEquals(List.of("RST_STREAM 9 " + H2Error.PROTOCOL_ERROR), c.until(9));
            c.headers(11, false, post("alpha.test", "/echo"), new HeaderField("content-length", "2"));
            c.data(11, "abc", true);
            assertEquals(List.of("RST_STREAM 11 " + H2Error.PROTOCOL_ERROR), c.until(11));
            c.headers(13, true, get("alpha.test", "/echo"), new HeaderField("host", "beta.test"));
            assertEquals(List.of("RST_STREAM 13 " + H2Error.PROTOCOL_ERROR), c.until(13));
            c.headers(15, true, get("alpha.test", "/echo?after=1"));
            List<String> ok = c.until(15);
            assertTrue(ok.getFirst().startsWith("HEADERS 15 :status=200"), ok.toString());
            assertTrue(String.join("\n", ok).contains("app=alpha"), ok.toString());
        }
    }

    @Test
    void theRequestReachesTheAppAsHttp11WithOneHostAndItsFraming() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            c.headers(1, false, post("raw.test", "/x?y=1"), new HeaderField("cookie", "a=1"), new HeaderField("cookie", "b=2"));
            c.data(1, "hello", true);
            String seen = String.join("", c.until(1));
            assertTrue(seen.contains("POST /x?y=1 HTTP/1.1\r\nHost: raw.test\r\n"), seen);
            assertTrue(seen.contains("cookie: a=1; b=2\r\n"), seen);
            assertTrue(!seen.contains("TE: trailers"), seen); // only when the visitor takes trailers
            assertEquals(1, seen.split("\r\nHost: ", -1).length - 1, seen);
            // a body read whole before the app is contacted goes with its length (docs/HTTP.md, "Request bodies")
            assertTrue(seen.contains("\r\nContent-Length: 5\r\n") && seen.endsWith("\r\n\r\nhello"), seen);
        }
    }

    @Test
    void requestTrailersEndTheBodyAndHeadIsAnsweredWithoutData() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            c.headers(1, false, post("raw.test", "/t"));
            c.data(1, "abc", false);
            c.headers(1, true, List.of(new HeaderField("x-checksum", "1"))); // trailers: end the body, dropped as in HTTP/1.1
            String seen = String.join("", c.until(1));
            assertTrue(seen.endsWith("\r\n\r\nabc"), seen);
            assertTrue(!seen.contains("x-checksum"), seen);
            c.headers(3, true, List.of(new HeaderField(":method", "HEAD"), new HeaderField(":scheme", "http"),
                    new HeaderField(":authority", "alpha.test"), new HeaderField(":path", "/bytes?n=5000")));
            List<String> head = c.until(3);
            assertEquals(1, head.size(), head.toString()); // one HEADERS with END_STREAM, no DATA
            assertTrue(head.getFirst().startsWith("HEADERS 3 :status=200"), head.toString());
        }
    }

    @Test
    void anUpgradeToH2cIsServedAsHttp11AndNeverReachesTheApp() throws Exception {
        // spliced, the app's h2 streams would pass the per-request policies: the ingress ignores the offer (RFC 9113 3.1)
        RawClient.Response r = fixture.send("GET /u HTTP/1.1|Host: raw.test|Connection: Upgrade, HTTP2-Settings|Upgrade: h2c|"
                + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA||");
        assertEquals(200, r.status());
        String seen = fixture.raw.lastHead();
        assertTrue(!seen.toLowerCase(java.util.Locale.ROOT).contains("h2c") && !seen.contains("HTTP2-Settings"), seen);
    }

    @Test
    void responseTrailersReachAVisitorThatSaidTeTrailersAndOnlyThose() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            c.headers(1, true, get("trailers.test", "/t"), new HeaderField("te", "trailers"));
            List<String> got = c.until(1);
            assertEquals(3, got.size(), got.toString());
            assertTrue(got.get(0).startsWith("HEADERS 1 :status=200 content-type=application/grpc"), got.toString());
            assertEquals("hello", got.get(1));
            assertEquals("HEADERS 1 grpc-status=0 grpc-message=ok", got.get(2)); // content-length and host left out
            assertTrue(trailing.lastHead().contains("\r\nTE: trailers\r\n") && trailing.lastHead().contains("\r\nConnection: TE\r\n"),
                    trailing.lastHead()); // so that the app may send them
            c.headers(3, true, get("trailers.test", "/t"));
            List<String> none = c.until(3);
            assertTrue(none.stream().noneMatch(l -> l.contains("grpc-status")), none.toString());
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fixture.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /t HTTP/1.1\r\nHost: trailers.test\r\nTE: trailers\r\nConnection: close, TE\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String http11 = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(http11.endsWith("5\r\nhello\r\n0\r\ngrpc-status: 0\r\nGrpc-Message: ok\r\n\r\n"), http11);
        }
    }

    @Test
    void aContinuationFloodEndsTheConnection() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            byte[] block = HpackEncoder.encode(get("alpha.test", "/"));
            c.out.write(Frames.frame(Frame.HEADERS, Frame.END_STREAM, 1, block));
            byte[] junk = new byte[4000];
            try {
                for (int i = 0; i < 20; i++) {
                    c.out.write(Frames.frame(Frame.CONTINUATION, 0, 1, junk));
                }
            } catch (IOException e) {
                // the server may have closed already
            }
            assertEquals(List.of("GOAWAY " + H2Error.ENHANCE_YOUR_CALM), c.until(-1));
        }
    }

    @Test
    void aResetStreamClosesItsUpstreamAndTheConnectionGoesOn() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            c.headers(1, true, get("silent.test", "/never")); // the app takes the request and never answers
            Thread.sleep(300);
            c.out.write(Frames.rstStream(1, H2Error.CANCEL));
            c.headers(3, true, get("alpha.test", "/echo?next=1"));
            List<String> next = c.until(3);
            assertTrue(next.getFirst().startsWith("HEADERS 3 :status=200"), next.toString());
        }
    }

    @Test
    void aFloodOfResetStreamsEndsTheConnection() throws Exception {
        try (RawH2 c = new RawH2(fixture.port())) {
            byte[] block = HpackEncoder.encode(get("alpha.test", "/echo"));
            try {
                for (int id = 1; id < 2 * 300; id += 2) { // rapid reset: open, reset, again
                    c.out.write(Frames.frame(Frame.HEADERS, Frame.END_HEADERS | Frame.END_STREAM, id, block));
                    c.out.write(Frames.rstStream(id, H2Error.CANCEL));
                }
            } catch (IOException e) {
                // the server may have closed already
            }
            assertEquals(List.of("GOAWAY " + H2Error.ENHANCE_YOUR_CALM), c.until(-1));
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + List.of(command));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
