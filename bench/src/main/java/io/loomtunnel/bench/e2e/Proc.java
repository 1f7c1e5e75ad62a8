package io.loomtunnel.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One started process with its output (stdout and stderr merged) collected line by line. */
final class Proc {
    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>(); // guarded by itself
    private final Thread collector;

    Proc(String name, Process process) {
        this.name = name;
        this.process = process;
        this.collector = Thread.ofVirtual().start(this::collect);
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
            // killed; what it printed so far stays
        }
    }

    /** Waits for a line containing a match of {@code regex}; fails with the output when the process dies or time is up. */
    Matcher await(String regex, Duration timeout) throws Exception {
        return awaitAll(regex, 1, timeout).get(0);
    }

    /** Waits for {@code count} lines that contain a match of {@code regex}; returns their matches in order. */
    List<Matcher> awaitAll(String regex, int count, Duration timeout) throws Exception {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Matcher> found = new ArrayList<>();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size() && found.size() < count; seen++) {
                    Matcher m = p.matcher(lines.get(seen));
                    if (m.find()) {
                        found.add(m);
                    }
                }
                if (found.size() == count) {
                    return found;
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException(name + ": " + found.size() + " of " + count + " lines matching /" + regex
                            + "/: " + tail());
                }
                lines.wait(100);
            }
        }
    }

    /** Waits until 127.0.0.1:{@code port} accepts a connection. */
    void awaitListening(int port, Duration timeout) throws Exception {
        awaitReady(port, timeout, () -> new Socket(Echo.LOOPBACK, port).close());
    }

    /** Waits until a datagram to 127.0.0.1:{@code port} comes back (the relay is up and the UDP echo answers). */
    void awaitUdpEcho(int port, Duration timeout) throws Exception {
        awaitReady(port, timeout, () -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(200);
                s.connect(Echo.LOOPBACK, port);
                s.send(new DatagramPacket(new byte[1], 1));
                s.receive(new DatagramPacket(new byte[1], 1));
            }
        });
    }

    private interface Probe {
        void run() throws IOException;
    }

    private void awaitReady(int port, Duration timeout, Probe probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                probe.run();
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException(name + ": port " + port + " not ready (" + notYet.getMessage() + "): " + tail());
                }
                Thread.sleep(50);
            }
        }
    }

    /** The process id, for memory readings. */
    long pid() {
        return process.pid();
    }

    /** Waits for the exit, killing the process when it takes longer than {@code timeout}; returns its output. */
    List<String> finish(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new IOException(name + ": still running after " + timeout.toSeconds() + " s, killed: " + tail());
        }
        // the last lines (the load generator's JSON) may still be on their way to the collector
        collector.join(Duration.ofSeconds(10));
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The last lines, for error messages. */
    String tail() {
        synchronized (lines) {
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        }
    }

    /** SIGKILL to the process and everything it started (sshd forks one child per connection). */
    void kill() throws InterruptedException {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
