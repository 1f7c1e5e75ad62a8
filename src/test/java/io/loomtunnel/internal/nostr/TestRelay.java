package io.loomtunnel.internal.nostr;

import io.loomtunnel.natlab.WatchedProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Nostr relay in a node process: scripts/nostr-relay/relay.mjs (@nostr-relay/core 0.0.40 on
 * ws) on 127.0.0.1. scripts/test installs its packages and sets LOOMTUNNEL_NOSTR_RELAY_REQUIRED=1,
 * which turns a relay that cannot start into a failure; elsewhere tests that need one are skipped
 * with the reason. Its standard input stays open: it exits when the test JVM does.
 */
public final class TestRelay extends WatchedProcess {
    static final Path DIR = Path.of("scripts/nostr-relay");
    static final String REQUIRED_ENV = "LOOMTUNNEL_NOSTR_RELAY_REQUIRED";

    private final int port;

    private TestRelay(String label, Process process) throws InterruptedException {
        super(label, process);
        this.port = Integer.parseInt(await("listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)).group(1));
    }

    /** Starts a relay on {@code port} (0: any free port) with relay.mjs's {@code options}. */
    public static TestRelay start(int port, String... options) throws IOException, InterruptedException {
        return new TestRelay("relay " + String.join(" ", options), WatchedProcess.launch(command(port, options), Map.of(), true));
    }

    /**
     * The command that starts relay.mjs on {@code port} with {@code options}, for a test that runs
     * it elsewhere (e.g. inside the NAT lab with {@code --host ADDR --ignore-stdin}); skips or
     * fails the test as {@link #start} does when the relay is not installed.
     */
    public static List<String> command(int port, String... options) {
        requireInstalled();
        List<String> command = new ArrayList<>(List.of("node", DIR.resolve("relay.mjs").toAbsolutePath().toString(), String.valueOf(port)));
        command.addAll(List.of(options));
        return command;
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    private static void requireInstalled() {
        String missing = null;
        if (!Files.isDirectory(DIR.resolve("node_modules/@nostr-relay/core"))) {
            missing = "the test relay's npm packages are not installed (scripts/nostr-relay/install)";
        } else if (!onPath("node")) {
            missing = "node is not on the PATH";
        }
        if (missing != null) {
            if ("1".equals(System.getenv(REQUIRED_ENV))) {
                throw new AssertionError(missing + ", and " + REQUIRED_ENV + "=1");
            }
            Assumptions.abort(missing + "; scripts/test installs it");
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
