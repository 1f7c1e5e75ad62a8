package io.loomtunnel.natlab;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short administrative command (ip, iptables, kill, tc) to completion: its exit code and merged output. The soak's link faults use it too. */
public final class Commands {
    /** Generous: a loaded two-core machine can take a second or two for one netns operation. */
    private static final long TIMEOUT_SECONDS = 30;

    /** What a finished command left behind. */
    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private Commands() {}

    /** Runs {@code command} with {@code stdin} (may be empty) as its input and waits for it to end. */
    static Result attempt(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            // The output is small (a few lines); reading it all before waiting cannot block the child.
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + TIMEOUT_SECONDS + " s: " + output);
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public static Result attempt(List<String> command) {
        return attempt(command, "");
    }

    /** Runs {@code command} and returns its output; throws {@link LabException} saying what failed when it exits non-zero. */
    static String run(List<String> command, String stdin) {
        Result r = attempt(command, stdin);
        if (!r.ok()) {
            throw new LabException("`" + String.join(" ", command) + "` failed (exit " + r.exit() + "): " + r.output());
        }
        return r.output();
    }

    static String run(List<String> command) {
        return run(command, "");
    }
}
