package io.loomtunnel.server;

import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * A TCP tunnel's public port: every accepted connection becomes a stream to the client.
 *
 * <p>Threads: the port's own ({@code "loomtunnel tcp tunnel NAME :PORT: accept"} and one per
 * connection, which relays it). Connections in flight outlive a {@code close_tunnel}
 * (docs/protocol/TUNNEL.md 8.4) but not the client's session: {@link #close} after the session
 * ended ends and joins them. No lock.
 */
final class TcpIngress implements ExposedTunnel {
    private final int id;
    private final ServerSocket server;
    private final String address;
    private final OwnedThreads threads;
    private final ClientLink link;

    private TcpIngress(ClientLink link, int id, ServerSocket server, String address, String tunnel) {
        this.link = link;
        this.id = id;
        this.server = server;
        this.address = address;
        this.threads = new OwnedThreads("tcp tunnel " + tunnel + " :" + server.getLocalPort());
    }

    /** Binds the port (throws BindException when taken) and starts accepting. */
    static TcpIngress open(ClientLink link, int id, String tunnel, InetAddress bindHost, int port, String publicHost,
                           TunnelCounters counters) throws IOException {
        ServerSocket server = new ServerSocket(port, 1024, bindHost);
        TcpIngress ingress = new TcpIngress(link, id, server, publicHost + ":" + server.getLocalPort(), tunnel);
        ingress.threads.start("accept", () -> ingress.acceptLoop(tunnel, counters));
        return ingress;
    }

    private void acceptLoop(String tunnel, TunnelCounters counters) {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketException closed) {
                return; // the tunnel was closed
            } catch (IOException e) {
                continue; // one failed accept (e.g. the peer reset) does not end the tunnel
            }
            try {
                socket.setTcpNoDelay(true); // a proxy's small writes (replies, prompts) must not wait for Nagle
            } catch (IOException closedAlready) {
                continue;
            }
            if (!threads.startIfOpen("connection from " + socket.getRemoteSocketAddress(), () -> link.relay(socket, tunnel, counters))) {
                closeQuietly(socket);
                return; // closed meanwhile
            }
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String address() {
        return address;
    }

    /**
     * Frees the port at once. While the client's session is open, connections in flight go on
     * until they end; once it has closed (the tunnel is released with it), their relays are
     * interrupted, which closes their sockets, and joined within {@link OwnedThreads#DEFAULT_GRACE}.
     */
    @Override
    public void close() {
        closeQuietly(server);
        if (link.session().mux().isClosed()) {
            threads.close();
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a socket does not fail in a way we could act on
        }
    }
}
