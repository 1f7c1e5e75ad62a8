package io.loomtunnel.mux;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Two sessions joined by a plain loopback TCP connection: the multiplexer without TLS. */
record PlainPair(MuxSession dialer, MuxSession acceptor, Socket dialerSocket, Socket acceptorSocket)
        implements AutoCloseable {

    static PlainPair open(MuxConfig config) throws IOException {
        return open(config, config);
    }

    static PlainPair open(MuxConfig dialerConfig, MuxConfig acceptorConfig) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket d = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket a = server.accept();
            d.setTcpNoDelay(true);
            a.setTcpNoDelay(true);
            MuxSession ds = MuxSession.start(new BufferedInputStream(d.getInputStream(), 65_536), d.getOutputStream(),
                    d, MuxSession.Role.DIALER, dialerConfig, "dialer");
            MuxSession as = MuxSession.start(new BufferedInputStream(a.getInputStream(), 65_536), a.getOutputStream(),
                    a, MuxSession.Role.ACCEPTOR, acceptorConfig, "acceptor");
            return new PlainPair(ds, as, d, a);
        }
    }

    @Override
    public void close() {
        dialer.close();
        acceptor.close();
    }
}
