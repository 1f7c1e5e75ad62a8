package io.loomtunnel.session;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An attacker for tests: TCP connections to a port that never send a byte, each reopened (after
 * a pause) when the server closes it, from chosen loopback source addresses. Bounded: at most
 * {@code maxOpens} connections in all, and nothing after {@code lifetime}; {@link #close} stops it
 * and joins its threads.
 */
public final class SilentSockets implements AutoCloseable {
    private final InetSocketAddress target;
    private final int maxOpens;
    private final Duration pause;
    private final long endNanos;
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    private SilentSockets(InetSocketAddress target, int maxOpens, Duration pause, Duration lifetime) {
        this.target = target;
        this.maxOpens = maxOpens;
        this.pause = pause;
        this.endNanos = System.nanoTime() + lifetime.toNanos();
    }

    /**
     * Starts {@code perSource} silent connections from each of {@code sources}.
     *
     * @param maxOpens connections opened in all, reopenings included
     * @param pause how long a slot waits before it reopens a closed connection
     * @param lifetime nothing is opened after this
     */
    public static SilentSockets start(InetSocketAddress target, List<InetAddress> sources, int perSource, int maxOpens,
                                      Duration pause, Duration lifetime) {
        SilentSockets s = new SilentSockets(target, maxOpens, pause, lifetime);
        int n = 0;
        for (InetAddress source : sources) {
            for (int i = 0; i < perSource; i++) {
                s.threads.add(Thread.ofVirtual().name("test silent socket " + n++).start(() -> s.slot(source)));
            }
        }
        return s;
    }

    /** Addresses 127.0.{@code third}.1 to 127.0.{@code third}.{@code count}: that many sources on Linux loopback. */
    public static List<InetAddress> loopbackSources(int third, int count) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) i}));
        }
        return out;
    }

    /** Connections that were established, reopenings included. */
    public int connected() {
        return connected.get();
    }

    /** Connections the server closed (or reset) while they were silent. */
    public int closedByServer() {
        return closedByServer.get();
    }

    /** Connections open now. */
    public int openNow() {
        return open.size();
    }

    private boolean goOn() {
        return !stopped && System.nanoTime() < endNanos;
    }

    private void slot(InetAddress source) {
        while (goOn() && opens.incrementAndGet() <= maxOpens) {
            try (Socket s = new Socket()) {
                s.setSoLinger(true, 0); // no TIME_WAIT pile-up on the attacker's side
                s.bind(new InetSocketAddress(source, 0));
                s.connect(target, 2_000);
                connected.incrementAndGet();
                open.add(s);
                try {
                    waitForClose(s);
                } finally {
                    open.remove(s);
                }
            } catch (IOException e) {
                // refused, reset or timed out: reopen after the pause
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads (never writes) until the server closes; the reads' timeout only lets the slot see the end of its lifetime. */
    private void waitForClose(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        InputStream in = s.getInputStream();
        byte[] sink = new byte[512];
        while (goOn()) {
            try {
                if (in.read(sink) < 0) {
                    closedByServer.incrementAndGet();
                    return;
                }
            } catch (SocketTimeoutException quiet) {
                // still open: keep waiting
            } catch (IOException reset) {
                closedByServer.incrementAndGet();
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(10));
        }
    }
}
