package io.loomtunnel.natlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose output a test watches: stdout and stderr are collected line by line so
 * the test can wait for what it prints; closing kills it. A lab starts these inside namespaces
 * ({@code ip netns exec NS command...} execs the command, so the pid is the command's own) and
 * kills the ones still running when it closes; cli's JarProcess is one in the root namespace.
 *
 * <p>Locking: {@code lines} guards itself and {@code ended}.
 */
public class WatchedProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean ended; // guarded by lines: the output is closed and every line collected

    /** Watches {@code process}, whose input the caller has closed; {@code label} names it in failures. */
    protected WatchedProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        Thread.ofVirtual().name("output-" + label).start(this::collect);
    }

    /**
     * Starts {@code command}, output and errors merged, input closed, with the test JVM's
     * environment less LOOMTUNNEL_* variables (a test states the configuration it means) plus {@code env}.
     */
    public static Process launch(List<String> command, Map<String, String> env) throws IOException {
        return launch(command, env, false);
    }

    /** Like {@link #launch(List, Map)}; with {@code keepInput}, standard input stays open for {@link #type}. */
    public static Process launch(List<String> command, Map<String, String> env, boolean keepInput) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LOOMTUNNEL_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!keepInput) {
            p.getOutputStream().close();
        }
        return p;
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
            // killed: what was read is kept
        }
        synchronized (lines) {
            ended = true;
            lines.notifyAll();
        }
    }

    /**
     * Waits for a line matching {@code pattern} (searched, not matched whole) and returns its
     * match; fails with the output so far when none comes within {@code timeout} or the output ends.
     */
    public Matcher await(String pattern, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(pattern);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = p.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new AssertionError(label + ": no line matching /" + pattern + "/ "
                            + (ended ? "before its output ended" : "within " + timeout.toMillis() + " ms")
                            + "; output:\n" + String.join("\n", lines));
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the process to exit and returns its exit code; fails with its output if it does not. */
    public int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(label + " still running after " + timeout.toMillis() + " ms; output:\n" + output());
        }
        return process.exitValue();
    }

    /** Writes {@code text} to its standard input (launched with the input kept open). */
    public void type(String text) throws IOException {
        synchronized (process) {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }
    }

    /** Closes its standard input: it reads end of input. */
    public void closeInput() throws IOException {
        synchronized (process) {
            process.getOutputStream().close();
        }
    }

    /** Every line it printed so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Everything it printed so far. */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGTERM: it may shut down gracefully. Through ProcessHandle, because Process.destroy() also
     * closes our end of its output, losing its last lines.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL, and waits (bounded) until it is gone. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
