package io.loomtunnel.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * scripts/soak for two minutes on the jar and test classes this build made (docs/SOAK.md): every
 * kind of traffic, every fault this machine can inject (as root: on the emulated link too;
 * LOOMTUNNEL_NATLAB_REQUIRED=1 makes a link that cannot be built a failure), and all its checks.
 * It must pass, and leave soak.json (passed, with faults, flows and samples) and soak.png.
 */
@Isolated("a two-minute soak with faults on a schedule and network namespaces; its tolerances assume a machine of its own")
@Timeout(600)
class SoakIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void twoMinutesOfTrafficAndFaultsPass() throws Exception {
        Path out = ROOT.resolve("target/soak/it");
        Path log = Files.createDirectories(out).resolve("soak.log");
        Process p = new ProcessBuilder(ROOT.resolve("scripts/soak").toString(), "--minutes", "2", "--no-build", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(540, TimeUnit.SECONDS), "scripts/soak --minutes 2 still running after 9 minutes:\n" + tail(log));
        } finally {
            if (p.isAlive()) {
                p.toHandle().destroy(); // SIGTERM: its trap stops the cast and removes the namespaces
                p.waitFor(30, TimeUnit.SECONDS);
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        assertEquals(0, p.exitValue(), "scripts/soak --minutes 2 failed:\n" + tail(log));
        JsonNode report = new ObjectMapper().readTree(out.resolve("soak.json").toFile());
        assertTrue(report.path("pass").asBoolean(), report.path("reason").asText());
        assertTrue(report.path("faults").size() >= 5, "faults injected: " + report.path("faults"));
        assertTrue(report.path("samples").size() > 0 && report.path("growth").size() > 0, "no samples or judgements");
        for (JsonNode flow : report.path("flows")) {
            assertTrue(flow.path("ok").asLong() > 0, "a flow got nothing through: " + flow);
        }
        assertTrue(Files.size(out.resolve("soak.png")) > 10_000, "no plot");
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
