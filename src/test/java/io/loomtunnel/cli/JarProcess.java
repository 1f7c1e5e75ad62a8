package io.loomtunnel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fat jar running as a real process for tests: its output is collected line by line (stdout
 * and stderr merged) so a test can wait for what it prints; closing kills it.
 */
final class JarProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean ended; // guarded by lines: the output is closed and every line collected

    private JarProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().name("jar-output-" + process.pid()).start(this::collect);
    }

    static JarProcess start(Map<String, String> env, String... args) throws IOException {
        return start(false, env, args);
    }

    /** Like {@link #start}, with standard input left open for {@link #type}. */
    static JarProcess interactive(Map<String, String> env, String... args) throws IOException {
        return start(true, env, args);
    }

    private static JarProcess start(boolean input, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LOOMTUNNEL_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!input) {
            p.getOutputStream().close();
        }
        return new JarProcess(p);
    }

    static String jar() {
        String jar = System.getProperty("loomtunnel.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("the fat jar is missing (run through `mvn verify`): " + jar);
        }
        return jar;
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException gone) {
            // the process is gone
        }
        synchronized (lines) {
            ended = true;
            lines.notifyAll();
        }
    }

    /** Waits for a line matching {@code pattern} (searched, not matched whole) and returns its match. */
    Matcher await(String pattern, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(pattern);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = p.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (ended && seen == lines.size())) {
                    throw new AssertionError("no line matching /" + pattern + "/ within " + timeout.toSeconds()
                            + " s; output so far:\n" + String.join("\n", lines));
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
            }
        }
    }

    /** Writes {@code text} to the process's standard input (see {@link #interactive}). */
    void type(String text) throws IOException {
        synchronized (process) {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }
    }

    /** Every line printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for the process to exit and returns its exit code. */
    int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process still running after " + timeout.toSeconds() + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /**
     * SIGTERM: the process may shut down gracefully. Through ProcessHandle, because
     * Process.destroy() also closes our end of the process's output, losing its last lines.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
