package io.loomtunnel.server;

import io.loomtunnel.internal.metrics.TunnelCounters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/** A TCP tunnel's public port: every accepted connection becomes a stream to the client. */
final class TcpIngress implements ExposedTunnel {
    private final int id;
    private final ServerSocket server;
    private final String address;

    private TcpIngress(int id, ServerSocket server, String address) {
        this.id = id;
        this.server = server;
        this.address = address;
    }

    /** Binds the port (throws BindException when taken) and starts accepting. */
    static TcpIngress open(ClientLink link, int id, String tunnel, InetAddress bindHost, int port, String publicHost,
                           TunnelCounters counters) throws IOException {
        ServerSocket server = new ServerSocket(port, 1024, bindHost);
        TcpIngress ingress = new TcpIngress(id, server, publicHost + ":" + server.getLocalPort());
        Thread.ofVirtual().name("tcp-ingress-" + server.getLocalPort()).start(() -> ingress.acceptLoop(link, tunnel, counters));
        return ingress;
    }

    private void acceptLoop(ClientLink link, String tunnel, TunnelCounters counters) {
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
            Thread.ofVirtual().name("tcp-" + tunnel + "-" + socket.getRemoteSocketAddress())
                    .start(() -> link.relay(socket, tunnel, counters));
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

    /** Frees the port at once; connections in flight end with the client's session. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a server socket does not fail in a way we could act on
        }
    }
}
