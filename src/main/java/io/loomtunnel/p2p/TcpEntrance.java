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

/**
 * The local TCP port of a connecting peer: each connection becomes a stream of the attached session.
 *
 * <p>Threads: the port's own ({@code "loomtunnel connect :PORT: accept"} and one per connection,
 * which relays it); {@link #close} ends and joins them. No lock: the attached session is an
 * atomic reference.
 */
final class TcpEntrance implements LocalEntrance {
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final ServerSocket server;
    private final String service;
    private final AtomicReference<PeerSession> current = new AtomicReference<>();
    private final OwnedThreads threads;

    private TcpEntrance(ServerSocket server, String service) {
        this.server = server;
        this.service = service;
        this.threads = new OwnedThreads("connect :" + server.getLocalPort());
    }

    static TcpEntrance open(InetSocketAddress listen, String service) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen, 1024);
        TcpEntrance entrance = new TcpEntrance(server, service);
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
        PeerSession session = current.get();
        try {
            socket.setTcpNoDelay(true); // an application's small writes must not wait for Nagle
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

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void attach(PeerSession session) {
        current.set(session);
    }

    @Override
    public void detach(PeerSession session) {
        current.compareAndSet(session, null);
    }

    /** Closes the port and every connection through it, and joins their threads within {@link OwnedThreads#DEFAULT_GRACE}. */
    @Override
    public void close() {
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
