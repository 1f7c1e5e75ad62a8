package io.loomtunnel.soak;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One role of the cast (the server, a client, the share, a connect) as a real process of the fat
 * jar, started again after each kill: its output goes line by line to {@code ROLE-N.log} and a
 * bounded ring the soak can wait on. A process that exits while nobody meant it to is a crash,
 * and fails the run with its last line.
 */
final class Member {
    private static final int KEPT_LINES = 2_000;

    /** One process of the role. Locking: {@code lines} guards itself and {@code ended}. */
    final class Instance {
        final Process process;
        final int generation;
        final long startedAt;
        private volatile boolean meantToEnd;
        private final ArrayDeque<String> lines = new ArrayDeque<>();
        private boolean ended;

        private Instance(Process process, int generation, Path log) throws IOException {
            this.process = process;
            this.generation = generation;
            this.startedAt = env.clock().now();
            BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
            Thread.ofVirtual().name("soak output " + label()).start(() -> collect(out));
            process.onExit().thenRun(this::exited);
        }

        String label() {
            return role + " (pid " + process.pid() + ")";
        }

        long pid() {
            return process.pid();
        }

        private void collect(BufferedWriter log) {
            try (log; BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.write(line);
                    log.newLine();
                    log.flush();
                    synchronized (lines) {
                        if (lines.size() == KEPT_LINES) {
                            lines.removeFirst();
                        }
                        lines.addLast(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException gone) {
                // the process is gone; what was read is kept
            }
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }

        private void exited() {
            if (!meantToEnd) {
                env.verdict().fail("crash: " + label() + " exited with code " + process.exitValue()
                        + " and no fault killed it; last line: " + lastLine());
            }
        }

        String lastLine() {
            awaitOutputEnd();
            synchronized (lines) {
                return lines.isEmpty() ? "(none)" : lines.getLast();
            }
        }

        private void awaitOutputEnd() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            synchronized (lines) {
                while (!ended && System.nanoTime() < deadline) {
                    try {
                        lines.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /** Waits for a line (of those kept) matching {@code regex}; fails with the last lines if none comes in time. */
        Matcher await(String regex, Duration timeout) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (true) {
                    for (String line : lines) {
                        Matcher m = p.matcher(line);
                        if (m.find()) {
                            return m;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || ended) {
                        throw new IllegalStateException(label() + " printed no line matching /" + regex + "/ "
                                + (ended ? "before it ended" : "within " + timeout.toSeconds() + " s")
                                + "; last: " + (lines.isEmpty() ? "(nothing)" : lines.getLast()));
                    }
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        /** SIGKILL, on purpose; waits (bounded) until it is gone. */
        void kill() throws InterruptedException {
            meantToEnd = true;
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }

        /** SIGTERM, on purpose; the exit code, or -1 when it is still running after {@code timeout} (then killed). */
        int terminate(Duration timeout) throws InterruptedException {
            meantToEnd = true;
            process.toHandle().destroy(); // not Process.destroy(), which would close our end of its output
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                awaitOutputEnd();
                return process.exitValue();
            }
            kill();
            return -1;
        }
    }

    final String role;
    final Part part;
    private final List<String> command;
    private final Path logDir;
    private final Env env;
    private int generation; // guarded by this
    private Instance current; // guarded by this

    Member(String role, Part part, List<String> command, Path logDir, Env env) {
        this.role = role;
        this.part = part;
        this.command = List.copyOf(command);
        this.logDir = logDir;
        this.env = env;
    }

    /** Starts a new process of this role (the previous one must be gone). */
    synchronized Instance start() throws IOException {
        generation++;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LOOMTUNNEL_"));
        Process p = pb.start();
        p.getOutputStream().close();
        current = new Instance(p, generation, logDir.resolve(role + "-" + generation + ".log"));
        return current;
    }

    synchronized Instance current() {
        return current;
    }
}
