package io.loomtunnel.server;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.tunnel.Sources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;

/**
 * A TCP tunnel's public port: every accepted connection becomes a stream to the client, within
 * the tunnel's share of the client's streams and at most {@code perSource} connections at once
 * from one source ({@link Sources}); a connection over either is closed at once.
 *
 * <p>Threads: the port's own ({@code "loomtunnel tcp tunnel NAME :PORT: accept"} and one per
 * connection, which relays it). Connections in flight outlive a {@code close_tunnel}
 * (docs/protocol/TUNNEL.md 8.4) but not the client's session: {@link #close} after the session
 * ended ends and joins them. {@code this} guards {@code bySource}; nothing blocks under it.
 */
final class TcpIngress implements ExposedTunnel {
    private final int id;
    private final ServerSocket server;
    private final String address;
    private final OwnedThreads threads;
    private final ClientStreams.Share share;
    private final int perSource;
    private final EndpointMetrics metrics;
    private final Map<String, Integer> bySource = new HashMap<>();

    private TcpIngress(ClientStreams.Share share, int id, ServerSocket server, String address, String tunnel, int perSource,
                       EndpointMetrics metrics) {
        this.share = share;
        this.id = id;
        this.server = server;
        this.address = address;
        this.perSource = perSource;
        this.metrics = metrics;
        this.threads = new OwnedThreads("tcp tunnel " + tunnel + " :" + server.getLocalPort());
    }

    /** Binds the port (throws BindException when taken) and starts accepting. */
    static TcpIngress open(ClientStreams.Share share, int id, String tunnel, InetAddress bindHost, int port, String publicHost,
                           int perSource, EndpointMetrics metrics) throws IOException {
        ServerSocket server = new ServerSocket(port, 1024, bindHost);
        TcpIngress ingress = new TcpIngress(share, id, server, publicHost + ":" + server.getLocalPort(), tunnel, perSource, metrics);
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
            String source = Sources.of(socket.getInetAddress());
            if (!enter(source)) {
                metrics.streamRefused(Reasons.STREAM_LIMIT);
                closeQuietly(socket);
                continue;
            }
            try {
                socket.setTcpNoDelay(true); // a proxy's small writes (replies, prompts) must not wait for Nagle
            } catch (IOException closedAlready) {
                leave(source);
                continue;
            }
            if (!threads.startIfOpen("connection from " + socket.getRemoteSocketAddress(), () -> relay(socket, source))) {
                leave(source);
                closeQuietly(socket);
                return; // closed meanwhile
            }
        }
    }

    private void relay(Socket socket, String source) {
        try {
            share.relay(socket);
        } finally {
            leave(source);
        }
    }

    /** Counts a connection from {@code source}; false when the source has its limit already. */
    private synchronized boolean enter(String source) {
        int n = bySource.getOrDefault(source, 0);
        if (n >= perSource) {
            return false;
        }
        bySource.put(source, n + 1);
        return true;
    }

    private synchronized void leave(String source) {
        bySource.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
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
