package io.loomtunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * picocli, JLine and the OTLP registry are optional dependencies (pom.xml): the CLI, the console and
 * OTLP export need them, a library user does not. This runs {@link LibraryOnlyMain} in a JVM of its own
 * whose class path lacks them (and OTLP's protobuf), so a class of theirs loaded on the library's path
 * fails the run.
 */
class LibraryWithoutOptionalDependenciesTest {
    /** Jars left out, by a piece of their file name. */
    private static final List<String> OPTIONAL = List.of("picocli", "jline", "micrometer-registry-otlp",
            "opentelemetry-proto", "protobuf-java");
    /** Classes the run checks are missing, one of each left-out jar. */
    private static final List<String> ABSENT = List.of("picocli.CommandLine", "org.jline.reader.LineReader",
            "io.micrometer.registry.otlp.OtlpMeterRegistry", "com.google.protobuf.Message");

    @TempDir
    Path dir;

    @Test
    void serverAndClientRunWithoutTheCliDependencies() throws Exception {
        String testPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> path = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String entry : testPath.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (OPTIONAL.stream().anyMatch(name::contains)) {
                left.add(name);
            } else {
                path.add(entry);
            }
        }
        assertEquals(OPTIONAL.size(), left.stream().map(n -> OPTIONAL.stream().filter(n::contains).findFirst().orElseThrow())
                .distinct().count(), "every optional jar was on the test class path, and is left out: " + left);
        assertTrue(path.stream().anyMatch(p -> p.endsWith("classes")), "target/classes is on the path: " + path);

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, path), LibraryOnlyMain.class.getName()));
        command.addAll(ABSENT);
        Path log = dir.resolve("run.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the library run did not end:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("tunnel ok"), output);
        assertFalse(output.contains("NoClassDefFoundError"), output);
    }
}
