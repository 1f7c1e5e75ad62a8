package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** curl (when installed) through the ingress: a real client's framing, Expect and Host handling. */
@Timeout(60)
class CurlTest {
    private static IngressFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed");
        fixture = new IngressFixture(HttpIngressConfig.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void chunkedUploadWithExpectContinueReachesTheAppIntact(@TempDir Path dir) throws Exception {
        byte[] data = TestApps.content(2_000_000);
        Path file = Files.write(dir.resolve("upload.bin"), data);
        // curl waits for the 100 (up to 1 s, then sends anyway); the app must see the whole body either way
        String out = curl("-sS", "-T", file.toString(), "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue",
                "-H", "Host: beta.test",
                "http://127.0.0.1:" + fixture.port() + "/echo");
        assertTrue(out.contains("app=beta\nmethod=PUT"), out);
        assertTrue(out.contains("length=2000000\nsha256=" + TestApps.sha256Hex(data)), out);
    }

    @Test
    void downloadAndErrorStatus(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("down.bin");
        String code = curl("-sS", "-o", file.toString(), "-w", "%{http_code}", "--resolve",
                "alpha.test:" + fixture.port() + ":127.0.0.1", "http://alpha.test:" + fixture.port() + "/bytes?n=1500000");
        assertEquals("200", code);
        assertEquals(TestApps.sha256Hex(TestApps.content(1_500_000)), TestApps.sha256Hex(Files.readAllBytes(file)));
        String page = curl("-sS", "-H", "Host: nowhere.test", "-w", "%{http_code}", "http://127.0.0.1:" + fixture.port() + "/");
        assertTrue(page.contains("nowhere.test") && page.endsWith("404"), page);
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--max-time", "30"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(40, TimeUnit.SECONDS), "curl did not finish");
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
