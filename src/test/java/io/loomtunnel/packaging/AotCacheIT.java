package io.loomtunnel.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training run (scripts/lib.sh, {@code loomtunnel_aot_train}, which runs
 * {@code AotTraining}) with this machine's JDK 25 or newer: it makes a cache, and a {@code server}
 * command started from it, with the launcher's JVM options, loads its own classes and picocli's
 * from the cache instead of the jar; the training leaves no file in its temporary directory. Picocli's jar holds Java 5 classes, which a cache cannot
 * hold: the build compiles picocli for Java 21 into the fat jar (pom.xml, "picocli").
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AotCacheIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** Exit code of the script below when the JDK it found is older than 25 (no AOT cache there). */
    private static final int NO_AOT = 77;

    @Test
    void theServerCommandStartsFromTheTrainedCache(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.txt"), "aot-cache-it-token\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        Path cache = dir.resolve("loomtunnel.aot");
        Path classes = dir.resolve("classes.log");
        String script = """
                source scripts/lib.sh
                [ "$(loomtunnel_jdk_version "$JAVA_HOME")" -ge 25 ] || exit %d
                loomtunnel_jvm_options
                mkdir "$3/tmp"
                loomtunnel_aot_train "$JAVA_HOME/bin/java" "$PWD/target/loomtunnel.jar" "$1" "${LOOMTUNNEL_JVM_OPTIONS[@]}" \
                  -Djava.io.tmpdir="$3/tmp" || exit 1
                exec "$JAVA_HOME/bin/java" "${LOOMTUNNEL_JVM_OPTIONS[@]}" -XX:AOTCache="$1" -Xlog:class+load=info:file="$2" \\
                  -jar target/loomtunnel.jar server --bind 127.0.0.1:0 --key "$3/server.key" --tokens-file "$3/tokens.txt"
                """.formatted(NO_AOT);
        Process p = new ProcessBuilder("bash", "-c", script, "aot-cache-it", cache.toString(), classes.toString(), dir.toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("ready")) {
                    break;
                }
            }
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (p.exitValue() == NO_AOT) {
            Assumptions.abort("the JDK scripts/lib.sh finds is older than 25: no AOT cache");
        }
        assertTrue(output.toString().contains("ready"), "the server did not start from the cache:\n" + output);
        assertTrue(Files.size(cache) > 0, "no cache");
        try (var left = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), left.toList(), "the training left files behind (keys of its server and demo)");
        }
        List<String> log = Files.readAllLines(classes);
        for (String name : List.of("io.loomtunnel.internal.cli.ServerCommand", "io.loomtunnel.internal.config.ServerConfigLoader",
                "io.loomtunnel.server.TunnelServer", "picocli.CommandLine", "picocli.CommandLine$Model$CommandSpec")) {
            assertEquals(List.of(name + " source: shared objects file"),
                    log.stream().map(l -> l.substring(l.indexOf(']', l.indexOf("class,load")) + 2)).filter(l -> l.startsWith(name + " ")).toList(),
                    name + " was not loaded from the cache");
        }
    }
}
