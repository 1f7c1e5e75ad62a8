package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs h2load (Debian's nghttp2-client) and checks that every request got a 2xx answer. */
public final class H2Load {
    private static final Pattern REQUESTS =
            Pattern.compile("requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");

    private H2Load() {
    }

    public static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "h2load"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code h2load -n requests ARGS...}: asserts all succeeded, none failed or errored, all 2xx; returns its report. */
    public static String assertAllAnswered(int requests, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("h2load", "-n", Integer.toString(requests)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
        Matcher m = REQUESTS.matcher(out);
        assertTrue(m.find(), out);
        assertEquals(Integer.toString(requests), m.group(3), out);
        assertEquals("0", m.group(4), out);
        assertEquals("0", m.group(5), out);
        assertTrue(out.contains("status codes: " + requests + " 2xx"), out);
        return out;
    }
}
