package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen.
 * Checks tab completion, the live {@code stats} view redrawing in place until a key stops it,
 * and history (the up arrow, and the history file).
 */
@Timeout(180)
class ConsoleTmuxIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Pattern UPTIME = Pattern.compile("client up (\\S+)");

    private final String session = "loomtunnel-it-" + ProcessHandle.current().pid();

    @Test
    void completionLiveStatsAndHistoryInARealTerminal(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(tmuxRuns(), "tmux cannot run here (scripts/test installs it; see docs/TESTING.md)");
        int[] echo = new int[1];
        Path history = dir.resolve("history");
        try (Closeable service = EchoServers.tcp(echo);
             ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0);
             JarProcess client = ReverseTunnelIT.client(dir, server, "--tcp", "echo=0:127.0.0.1:" + echo[0],
                     "--admin-bind", "127.0.0.1:0")) {
            String admin = client.await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", WAIT).group(1);
            tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50",
                    java() + " -jar " + JarProcess.jar() + " console --admin " + admin + " --history " + history);
            awaitScreen("the prompt", s -> lastLine(s).equals("loomtunnel>"));

            keys("tu", "Tab");
            awaitScreen("'tu' completed to 'tunnels'", s -> lastLine(s).equals("loomtunnel> tunnels"));
            keys("Enter");
            awaitScreen("the tunnels table", s -> s.contains("TUNNEL  SESSION") && s.matches("(?s).*\\necho +1 +tcp .*"));

            keys("stats", "Enter");
            String first = awaitScreen("the live view", s -> s.contains("(press any key to stop)"));
            String firstUptime = uptime(first);
            String later = awaitScreen("a refresh", s -> !uptime(s).equals(firstUptime));
            assertEquals(1, count(later, "(press any key to stop)"), "redrawn in place, not appended:\n" + later);
            assertEquals(1, count(later, "client up "), later);
            assertFalse(lastLine(later).startsWith("loomtunnel>"), "still live:\n" + later);

            keys("x");
            String stopped = awaitScreen("the prompt after a key", s -> lastLine(s).equals("loomtunnel>"));
            String frozen = uptime(stopped);
            Thread.sleep(2_500);
            assertEquals(frozen, uptime(screen()), "no more refreshes after the key");

            keys("Up");
            awaitScreen("history: the up arrow brings back stats", s -> lastLine(s).equals("loomtunnel> stats"));
            keys("C-u", "quit", "Enter");
            Probes.eventually(WAIT, "quit ended the console", () -> !tmuxQuiet("has-session", "-t", session));
            List<String> saved = Files.readAllLines(history);
            assertTrue(saved.stream().anyMatch(l -> l.endsWith("tunnels")) && saved.stream().anyMatch(l -> l.endsWith("stats")),
                    "history file: " + saved);
        } finally {
            tmuxQuiet("kill-session", "-t", session);
        }
    }

    private static String uptime(String screen) {
        Matcher m = UPTIME.matcher(screen);
        String last = "";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static String lastLine(String screen) {
        List<String> lines = screen.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private interface ScreenCheck {
        boolean ok(String screen);
    }

    /** Polls the pane until {@code check} holds; returns that screen. */
    private String awaitScreen(String what, ScreenCheck check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String s = "";
        while (System.nanoTime() < deadline) {
            s = screen();
            if (check.ok(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s; screen:\n" + s);
    }

    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", session);
    }

    private void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private static boolean tmuxQuiet(String... args) {
        try {
            tmux(args);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static boolean tmuxRuns() {
        return tmuxQuiet("-V");
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
