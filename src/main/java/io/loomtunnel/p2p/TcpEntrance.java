package io.loomtunnel.p2p;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.internal.tunnel.Splice;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The local TCP port of a connecting peer: each connection becomes a stream of the attached session.
 * A connection that arrives while no session is attached (the first one is still being set up, or
 * a dropped one is being replaced) is held, as {@code ssh -L} holds one, until a session is
 * attached: at most {@link Hold#limit} at once, each for at most {@link Hold#timeout}; past
 * either it is closed and {@code refused} says why, in one line.
 *
 * <p>Threads: the port's own ({@code "loomtunnel connect :PORT: accept"} and one per connection,
 * which relays it); {@link #close} ends and joins them.
 *
 * <p>Locking: the attached session is an atomic reference, read without a lock; {@code lock} guards
 * {@code held} and {@code closed} and carries {@code attached}, which {@link #attach} and
 * {@link #close} signal. Held connections wait on it (bounded by the hold timeout); nothing else
 * blocks under it, and no other lock is taken under it.
 */
final class TcpEntrance implements LocalEntrance {
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How connections wait for a session.
     *
     * @param timeout how long one connection waits
     * @param limit how many wait at once
     */
    record Hold(Duration timeout, int limit) {
        /** Connections held at once by default: enough for a browser's burst, small enough to cost nothing. */
        static final int DEFAULT_LIMIT = 64;
    }

    private final ServerSocket server;
    private final String service;
    private final Hold hold;
    private final BiConsumer<InetSocketAddress, String> refused;
    private final AtomicReference<PeerSession> current = new AtomicReference<>();
    private final OwnedThreads threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition attached = lock.newCondition();
    private int held;
    private boolean closed;

    private TcpEntrance(ServerSocket server, String service, Hold hold, BiConsumer<InetSocketAddress, String> refused) {
        this.server = server;
        this.service = service;
        this.hold = hold;
        this.refused = refused;
        this.threads = new OwnedThreads("connect :" + server.getLocalPort());
    }

    /**
     * Binds {@code listen} and accepts from now on.
     *
     * @param refused told of each connection closed because no session came, with a one-line reason
     */
    static TcpEntrance open(InetSocketAddress listen, String service, Hold hold, BiConsumer<InetSocketAddress, String> refused)
            throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen, 1024);
        TcpEntrance entrance = new TcpEntrance(server, service, hold, refused);
        entrance.threads.start("accept", entrance::acceptLoop);
        return entrance;
    }

    private void acceptLoop() {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketException closed) {
                if (server.isClosed()) {
                    return;
                }
                continue;
            } catch (IOException e) {
                continue; // one failed accept (the client reset) does not end the port
            }
            if (!threads.startIfOpen("connection from " + socket.getRemoteSocketAddress(), () -> relay(socket))) {
                closeQuietly(socket);
                return; // closed meanwhile
            }
        }
    }

    private void relay(Socket socket) {
        try {
            socket.setTcpNoDelay(true); // an application's small writes must not wait for Nagle
            PeerSession session = current.get();
            if (session == null) {
                session = awaitSession((InetSocketAddress) socket.getRemoteSocketAddress());
            }
            if (session == null) {
                throw new IOException("no session");
            }
            MuxStream stream = session.mux().open(OPEN_TIMEOUT);
            TunnelCounters counters = session.counters();
            counters.streamsOpened().increment();
            boolean clean = Splice.run(socket, stream, counters.bytesIn(), counters.bytesOut());
            counters.streamsClosed().increment();
            if (!clean) {
                counters.streamsReset().increment();
            }
        } catch (IOException e) {
            closeQuietly(socket); // no session now, or it refused the stream: the application sees a closed connection
        }
    }

    /** Holds a connection from {@code from} until a session is attached; null (reported) when none came in time. */
    private PeerSession awaitSession(InetSocketAddress from) {
        String reason = null;
        PeerSession session = null;
        lock.lock();
        try {
            if (held >= hold.limit()) {
                reason = "no session yet, and " + hold.limit() + " connections already wait for one (the limit)";
            } else {
                held++;
                try {
                    long left = hold.timeout().toNanos();
                    while ((session = current.get()) == null && !closed && left > 0) {
                        left = attached.awaitNanos(left);
                    }
                } finally {
                    held--;
                }
                if (session == null && !closed) {
                    reason = "no session came up within " + seconds(hold.timeout());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the port is closing
        } finally {
            lock.unlock();
        }
        if (reason != null) {
            refused.accept(from, reason); // the application's code: outside the lock
        }
        return session;
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** How many connections wait for a session now (for tests). */
    int held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void attach(PeerSession session) {
        current.set(session);
        lock.lock();
        try {
            attached.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void detach(PeerSession session) {
        current.compareAndSet(session, null);
    }

    /** Closes the port and every connection through it, and joins their threads within {@link OwnedThreads#DEFAULT_GRACE}. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            attached.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(server);
        threads.close();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing does not fail in a way we could act on
        }
    }
}
