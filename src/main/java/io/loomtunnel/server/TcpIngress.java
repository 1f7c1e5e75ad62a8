package io.loomtunnel.server;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.limits.SourceLimit;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.plugin.Connection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * A TCP tunnel's public port: every accepted connection becomes a stream to the client, within
 * the tunnel's share of the client's streams and at most {@code perSource} connections at once
 * from one source ({@link SourceLimit}); a connection over either is closed at once.
 *
 * <p>Threads: the port's own ({@code "loomtunnel tcp tunnel NAME :PORT: accept"} and one per
 * connection, which relays it). Connections in flight outlive a {@code close_tunnel}
 * (docs/protocol/TUNNEL.md 8.4) but not the client's session: {@link #close} after the session
 * ended ends and joins them. No lock of its own ({@link SourceLimit}'s is a leaf).
 */
final class TcpIngress implements ExposedTunnel {
    private final int id;
    private final ServerSocket server;
    private final String address;
    private final OwnedThreads threads;
    private final ClientStreams.Share share;
    private final SourceLimit perSource;
    private final EndpointMetrics metrics;
    private final String tunnel;
    private final PolicyChain policies;

    private TcpIngress(ClientStreams.Share share, int id, ServerSocket server, String address, String tunnel, int perSource,
                       EndpointMetrics metrics, PolicyChain policies) {
        this.share = share;
        this.tunnel = tunnel;
        this.policies = policies;
        this.id = id;
        this.server = server;
        this.address = address;
        this.perSource = new SourceLimit(perSource);
        this.metrics = metrics;
        this.threads = new OwnedThreads("tcp tunnel " + tunnel + " :" + server.getLocalPort());
    }

    /**
     * Binds the port (throws BindException when taken) and starts accepting; each connection passes
     * the tunnel's {@code policies} (on its own thread) before it crosses the tunnel.
     */
    static TcpIngress open(ClientStreams.Share share, int id, String tunnel, InetAddress bindHost, int port, String publicHost,
                           int perSource, EndpointMetrics metrics, PolicyChain policies) throws IOException {
        ServerSocket server = new ServerSocket(port, 1024, bindHost);
        TcpIngress ingress = new TcpIngress(share, id, server, publicHost + ":" + server.getLocalPort(), tunnel, perSource, metrics,
                policies);
        ingress.threads.start("accept", ingress::acceptLoop);
        return ingress;
    }

    private void acceptLoop() {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketException closed) {
                return; // the tunnel was closed
            } catch (IOException e) {
                continue; // one failed accept (e.g. the peer reset) does not end the tunnel
            }
            SourceLimit.Slot slot = perSource.enter(socket.getInetAddress());
            if (slot == null) {
                metrics.streamRefused(Reasons.STREAM_LIMIT);
                closeQuietly(socket);
                continue;
            }
            try {
                socket.setTcpNoDelay(true); // a proxy's small writes (replies, prompts) must not wait for Nagle
            } catch (IOException closedAlready) {
                slot.close();
                continue;
            }
            if (!threads.startIfOpen("connection from " + socket.getRemoteSocketAddress(), () -> relay(socket, slot))) {
                slot.close();
                closeQuietly(socket);
                return; // closed meanwhile
            }
        }
    }

    private void relay(Socket socket, SourceLimit.Slot slot) {
        try (slot) {
            Connection connection = new Connection(tunnel, (InetSocketAddress) socket.getRemoteSocketAddress(),
                    (InetSocketAddress) socket.getLocalSocketAddress());
            // What a policy puts first on the stream (proxy-protocol's header) comes once all admitted it.
            byte[] first = policies.isEmpty() ? new byte[0] : policies.admit(connection) ? policies.preface(connection) : null;
            if (first == null) {
                metrics.streamRefused(Reasons.POLICY);
                closeQuietly(socket);
                return;
            }
            share.relay(socket, first);
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
        if (share.sessionClosed()) {
            threads.close();
        }
    }
}
