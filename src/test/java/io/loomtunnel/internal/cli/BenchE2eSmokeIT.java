package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomtunnel.internal.http.H2Load;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * scripts/bench-e2e --smoke (--quick against raw TCP and loomtunnel only) end to end: it finishes,
 * every scenario has figures for loomtunnel and (but memory and startup, which measure loomtunnel alone) raw
 * TCP, the http scenario's HTTPS and HTTP/2 rows ran without error, and the plot is written beside the JSON.
 */
@Isolated("runs every benchmark scenario; load from other tests would make its scenarios fail for the wrong reason")
@Timeout(600)
class BenchE2eSmokeIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path RESULTS = ROOT.resolve("bench/target/e2e");

    @Test
    void smokeRunRecordsEveryScenarioForLoomtunnelAndRawTcp() throws Exception {
        long before = System.currentTimeMillis();
        Path log = Files.createTempFile("bench-e2e", ".log");
        Process p = new ProcessBuilder(ROOT.resolve("scripts/bench-e2e").toString(), "--smoke")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(540, TimeUnit.SECONDS), "scripts/bench-e2e --smoke still running after 9 minutes");
            assertEquals(0, p.exitValue(), "scripts/bench-e2e --smoke failed:\n" + Files.readString(log));
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        File result = newestResult(before);
        JsonNode run = new ObjectMapper().readTree(result);
        List<String> scenarios = List.of("latency", "throughput", "connections", "streams", "memory", "http", "udp",
                "startup");
        for (String scenario : scenarios) {
            List<String> targets = scenario.equals("memory") || scenario.equals("startup") ? List.of("loomtunnel")
                    : List.of("raw TCP", "loomtunnel");
            for (String target : targets) {
                JsonNode figures = run.path("results").path(scenario).path(target);
                assertFalse(figures.isEmpty(), scenario + " has no figures for " + target + ":\n" + Files.readString(log));
            }
        }
        // with h2load installed, the http scenario's rows through loomtunnel over HTTPS and HTTP/2, each without error
        JsonNode http = run.path("results").path("http").path("loomtunnel");
        List<String> rows = List.of("h2load HTTP/1.1 ", "h2load HTTPS ", "h2load h2c ", "h2load h2c 1 conn x 8 streams ",
                "h2load h2 TLS ");
        for (String row : H2Load.installed() ? rows : List.<String>of()) {
            assertTrue(http.path(row + "requests/s").asDouble() > 0, "no figure '" + row + "requests/s':\n" + Files.readString(log));
            assertEquals(0.0, http.path(row + "errors").asDouble(-1), row + "errors:\n" + Files.readString(log));
        }
        // a scenario that failed part-way (e.g. the server refused the load generator's connections)
        // still records the figures it had: its errors are the check
        assertTrue(run.path("errors").isEmpty(), "scenarios recorded errors: " + run.path("errors") + "\n" + Files.readString(log));
        assertEquals(0.0, run.path("results").path("streams").path("loomtunnel").path("errors").asDouble(-1),
                "streams through loomtunnel had errors:\n" + Files.readString(log));
        Path plot = result.toPath().resolveSibling(result.getName().replace(".json", ".svg"));
        String svg = Files.readString(plot);
        assertTrue(svg.startsWith("<svg") && svg.contains(">loomtunnel<"), "no SVG plot with loomtunnel at " + plot);
        Files.delete(log);
    }

    private static File newestResult(long notBefore) throws Exception {
        try (Stream<Path> files = Files.list(RESULTS)) {
            return files.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> f.toFile().lastModified() >= notBefore - 1000)
                    .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no JSON result in " + RESULTS)).toFile();
        }
    }
}
