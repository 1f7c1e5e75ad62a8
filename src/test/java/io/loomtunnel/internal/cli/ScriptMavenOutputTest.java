package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12: the first {@code scripts/loomtunnel} run, which builds the jar, left {@code ESC[0m}
 * on stderr. The codes are colour resets that Maven's console library (jansi) writes before and
 * after Maven's own output, whatever the goals, where it cannot load its native library
 * (Debian's maven package). Building the jar here would take half a minute, so this runs Maven
 * the way the script does ({@code loomtunnel_mvn} from scripts/lib.sh, with {@code -q}) for
 * {@code --version} only, which shows the same codes, and MAVEN_OPTS cleared so that only what
 * lib.sh sets counts.
 */
@Timeout(120)
class ScriptMavenOutputTest {
    @Test
    void mavenAsTheScriptsRunItWritesNoEscapeCodes() throws Exception {
        Assumptions.assumeTrue(onPath("mvn") && onPath("bash"), "Maven and bash are installed");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", "source scripts/lib.sh && loomtunnel_mvn -q --version"));
        pb.environment().remove("MAVEN_OPTS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mvn --version finished");
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.isBlank(), "Maven printed its version");
        assertFalse(out.contains("\u001b"), "escape codes in: " + out.replace("\u001b", "ESC"));
    }

    private static boolean onPath(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
