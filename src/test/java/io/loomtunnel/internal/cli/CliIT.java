package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as a real process: every command's output and exit code. */
@Timeout(120)
class CliIT {
    private static final Pattern ID = Pattern.compile("[a-z2-7]{52}");

    /** A finished run: exit code, stdout, stderr. */
    record Run(int exit, String out, String err) {}

    static Run loomtunnel(String... args) throws IOException, InterruptedException {
        return loomtunnelOn(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), args);
    }

    /** The jar run by the {@code java} binary given, e.g. an older Java than the build's. */
    static Run loomtunnelOn(String java, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar()));
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    /** Runs {@code command} to its end with {@code env} added to (a null value: removed from) this JVM's environment. */
    static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        p.getOutputStream().close();
        byte[][] streams = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "process finished");
        o.join();
        e.join();
        return new Run(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8), new String(streams[1], StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String jar() {
        String jar = System.getProperty("loomtunnel.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("the fat jar is missing (run through `mvn verify`): " + jar);
        }
        return jar;
    }

    /** Issue 12: on Java 17 the jar failed with UnsupportedClassVersionError; now one line says which Java it needs. */
    @Test
    void anOlderJavaIsToldWhichJavaIsNeededInOneLine() throws Exception {
        Path systemJava = Path.of("/usr/bin/java"); // Java 17 on the test machine
        Assumptions.assumeTrue(Files.isExecutable(systemJava), "this machine has a default java");
        Run old = loomtunnelOn(systemJava.toString(), "--version");
        Assumptions.assumeFalse(old.exit() == 0, "the default java is new enough to run loomtunnel");
        assertEquals(ExitCode.USAGE, old.exit(), old.err());
        assertEquals("", old.out());
        assertEquals(1, old.err().strip().lines().count(), "one line: " + old.err());
        assertTrue(old.err().startsWith("loomtunnel: needs Java " + Launcher.MIN_JAVA + " or newer, but runs on Java "), old.err());
        assertFalse(old.err().contains("UnsupportedClassVersionError"), old.err());
        Run current = loomtunnel("--version"); // the same jar on the build's Java runs as before
        assertEquals(0, current.exit(), current.err());
        assertTrue(current.out().startsWith("loomtunnel/"), current.out());
    }

    @Test
    void versionAndHelp() throws Exception {
        Run v = loomtunnel("--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("loomtunnel/"), v.out());
        Run h = loomtunnel("--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("demo") && h.out().contains("keygen") && h.out().contains("Exit codes"), h.out());
        for (String command : List.of("demo", "keygen", "id")) {
            Run sub = loomtunnel(command, "--help");
            assertEquals(0, sub.exit(), command);
            assertTrue(sub.out().contains("Example"), command + " --help shows an example: " + sub.out());
        }
    }

    @Test
    void keygenWritesPrivateKeyAndIdReadsItBack(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("server.key");
        Run gen = loomtunnel("keygen", "--out", key.toString());
        assertEquals(0, gen.exit(), gen.err());
        String id = gen.out().trim();
        assertTrue(ID.matcher(id).matches(), id);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Run read = loomtunnel("id", "--key", key.toString());
        assertEquals(0, read.exit(), read.err());
        assertEquals(id, read.out().trim());

        Run again = loomtunnel("keygen", "--out", key.toString());
        assertEquals(ExitCode.USAGE, again.exit());
        assertTrue(again.err().contains("already exists"), again.err());
        assertOneLine(again.err());
    }

    @Test
    void keygenRefusesAMissingDirectoryInOneLine(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nonexistent").resolve("dir");
        Run gen = loomtunnel("keygen", "--out", missing.resolve("x.key").toString());
        assertEquals(ExitCode.USAGE, gen.exit(), gen.err());
        assertTrue(gen.err().contains(missing.toString()) && gen.err().contains("does not exist"), gen.err());
        assertOneLine(gen.err());
        assertFalse(Files.exists(missing.getParent()), "created " + missing.getParent());
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Run unknown = loomtunnel("demo", "--no-such-flag");
        assertEquals(ExitCode.USAGE, unknown.exit());
        assertTrue(unknown.err().contains("--no-such-flag"), unknown.err());

        Run missing = loomtunnel("id", "--key", dir.resolve("nope.key").toString());
        assertEquals(ExitCode.USAGE, missing.exit());
        assertOneLine(missing.err());

        Path loose = dir.resolve("loose.key");
        assertEquals(0, loomtunnel("keygen", "--out", loose.toString()).exit());
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        Run refused = loomtunnel("id", "--key", loose.toString());
        assertEquals(ExitCode.USAGE, refused.exit());
        assertTrue(refused.err().contains("chmod 600"), refused.err());
        assertOneLine(refused.err());

        Run badDuration = loomtunnel("demo", "--duration", "soon");
        assertEquals(ExitCode.USAGE, badDuration.exit());
        assertTrue(badDuration.err().contains("not a duration"), badDuration.err());
    }

    @Test
    void demoExposesTheSampleAppOverHttpAndTcp() throws Exception {
        try (JarProcess demo = JarProcess.start(java.util.Map.of(), "demo", "--http-port", "0", "--duration", "60s")) {
            java.util.regex.Matcher http = demo.await("http\\s+http://demo\\.localhost:(\\d+)/", java.time.Duration.ofSeconds(60));
            java.util.regex.Matcher tcp = demo.await("tcp\\s+localhost:(\\d+)", java.time.Duration.ofSeconds(10));
            demo.await("curl http://demo\\.localhost", java.time.Duration.ofSeconds(10));
            String page = io.loomtunnel.internal.tunnel.Probes.httpGet(Integer.parseInt(http.group(1)), "demo.localhost", "/hi");
            assertTrue(page.startsWith("HTTP/1.1 200"), page);
            assertTrue(page.contains("Hello from the loomtunnel demo app") && page.contains("GET /hi")
                    && page.contains("X-Forwarded-Host=demo.localhost"), page);
            byte[] echoed = io.loomtunnel.internal.tunnel.Probes.roundTrip(Integer.parseInt(tcp.group(1)), "hello".getBytes(StandardCharsets.UTF_8));
            assertEquals("hello", new String(echoed, StandardCharsets.UTF_8));
            java.util.regex.Matcher suggested = demo.await("  (bash -c '.*')$", java.time.Duration.ofSeconds(10));
            Process tryIt = new ProcessBuilder("bash", "-c", suggested.group(1)).redirectErrorStream(true).start();
            tryIt.getOutputStream().close();
            assertTrue(tryIt.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the suggested TCP command did not end: " + suggested.group(1));
            assertEquals("hello", new String(tryIt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            demo.terminate();
            demo.exitCode(java.time.Duration.ofSeconds(30));
            assertFalse(demo.output().contains("Exception"), demo.output());
        }
    }

    private static void assertOneLine(String err) {
        assertEquals(1, err.strip().lines().count(), "one line, no stack trace: " + err);
        assertTrue(err.startsWith("loomtunnel: ") || err.contains("Usage"), err);
    }
}
