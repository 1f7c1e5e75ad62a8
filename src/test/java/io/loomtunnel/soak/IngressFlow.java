package io.loomtunnel.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Traffic through the server's HTTP ingress on connections that carry many exchanges: one
 * {@link Payload} of {@code minSize} to {@code maxSize} bytes per round (a request, a frame), up to
 * {@code perConnection} rounds on a connection before it is closed and a new one opened. What
 * comes back wrong is a corruption ({@link Garbled}); a connection that fails is a loss, excused
 * only while a fault hits the path.
 */
abstract class IngressFlow extends Flow {
    static final int TIMEOUT_MS = 30_000;

    /** What came back is not what was sent: thrown by an exchange, reported as corrupted data. */
    static final class Garbled extends IOException {
        Garbled(String what) {
            super(what);
        }
    }

    final InetSocketAddress ingress;
    final String host;
    private final int minSize;
    private final int maxSize;
    private final int perConnection;
    private final long pauseMs;
    private Socket socket;
    private int used;

    IngressFlow(String name, Set<Part> path, Env env, long maxRounds, InetSocketAddress ingress, String host, int minSize,
            int maxSize, int perConnection, long pauseMs) {
        super(name, path, env, maxRounds);
        this.ingress = ingress;
        this.host = host;
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.perConnection = perConnection;
        this.pauseMs = pauseMs;
    }

    /** A connection to {@code ingress}, connect and every read bounded by {@code timeoutMs}. */
    static Socket connect(InetSocketAddress ingress, int timeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(ingress, timeoutMs);
            s.setSoTimeout(timeoutMs);
            return s;
        } catch (IOException e) {
            TcpExchange.closeQuietly(s);
            throw e;
        }
    }

    /** A new connection, ready for exchanges. */
    abstract Socket open(SplittableRandom random) throws IOException;

    /**
     * One exchange of {@code payload} on {@code s}, checked; {@code last}: the connection's last.
     * Returns whether the connection may carry another.
     */
    abstract boolean exchange(Socket s, long n, byte[] payload, SplittableRandom random, boolean last) throws IOException;

    /** How a round is named in a failure: "request 12", "frame 12". */
    abstract String round(long n, int size);

    @Override
    final void round(long n) throws InterruptedException {
        long seed = seed(n);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] payload = Payload.of(seed, minSize + random.nextInt(maxSize - minSize + 1));
        long start = env.clock().now();
        try {
            if (socket == null) {
                socket = open(random);
                used = 0;
            }
            boolean last = ++used >= perConnection;
            boolean more = exchange(socket, n, payload, random, last);
            ok.incrementAndGet();
            bytesChecked.addAndGet(payload.length);
            if (last || !more) {
                close();
            }
        } catch (Garbled e) {
            close();
            corrupt(round(n, payload.length) + ": " + e.getMessage());
        } catch (IOException e) {
            close();
            endedEarly(start, round(n, payload.length) + ": " + e.getMessage());
        }
        if (pauseMs > 0) {
            Thread.sleep(pauseMs);
        }
    }

    private void close() {
        if (socket != null) {
            TcpExchange.closeQuietly(socket);
            socket = null;
        }
    }

    @Override
    void finish() {
        close();
    }
}
