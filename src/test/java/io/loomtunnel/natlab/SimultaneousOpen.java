package io.loomtunnel.natlab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;

/**
 * TCP hole punching by simultaneous open, the reference the lab tests: both peers bind the same
 * local port they told each other about (EIM NATs keep it as the public port) and keep
 * connecting to the other's public address until a connection forms or the deadline passes.
 * Each attempt is a fresh socket (a failed connect closes Java's socket) bound with SO_REUSEADDR
 * and SO_REUSEPORT, so it can share the port with another socket from the same port, e.g. a
 * connection to a signaling server that taught us our public address. No listener is needed:
 * the peer's SYN meets our connecting socket's exact 4-tuple.
 */
public final class SimultaneousOpen {
    /** A formed connection and how many connect attempts it took. */
    public record Punched(Socket socket, int attempts) {}

    /** The deadline passed: how many attempts were made and how the last one failed. */
    public static final class GaveUp extends IOException {
        private final int attempts;

        GaveUp(int attempts, IOException last) {
            super("no connection after " + attempts + " attempts; last: " + last, last);
            this.attempts = attempts;
        }

        public int attempts() {
            return attempts;
        }
    }

    private SimultaneousOpen() {}

    /**
     * Connects from {@code localPort} to {@code peer} until it works or {@code deadline} passes;
     * each attempt waits at most {@code attemptTimeout}, and after an attempt fails fast (the
     * peer's RST: nothing was listening yet) we pause {@code pause} before the next.
     */
    public static Punched connect(int localPort, InetSocketAddress peer, Duration deadline, Duration attemptTimeout,
            Duration pause) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        int attempts = 0;
        IOException last = null;
        while (System.nanoTime() < end) {
            attempts++;
            Socket s = bound(localPort);
            long started = System.nanoTime();
            try {
                long left = Math.max(1, Duration.ofNanos(end - started).toMillis());
                s.connect(peer, (int) Math.min(attemptTimeout.toMillis(), left));
                return new Punched(s, attempts);
            } catch (IOException e) {
                s.close();
                last = e;
            }
            long spent = System.nanoTime() - started;
            if (spent < pause.toNanos()) {
                Thread.sleep(Duration.ofNanos(pause.toNanos() - spent));
            }
        }
        throw new GaveUp(attempts, last == null ? new IOException("no time for an attempt") : last);
    }

    /** A socket bound to {@code localPort} on every address, sharing the port with our other sockets. */
    public static Socket bound(int localPort) throws IOException {
        Socket s = new Socket();
        try {
            s.setReuseAddress(true);
            s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            s.bind(new InetSocketAddress(localPort));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
