package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/** The accept loop of the bench's TCP services: one virtual thread per connection, Nagle off. */
final class TcpServiceLoop {
    private TcpServiceLoop() {}

    /** Listens on 127.0.0.1:{@code port} (0 = any), prints {@code listening 127.0.0.1:PORT} and serves until killed. */
    static void run(int port, Consumer<Socket> serve) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(Echo.LOOPBACK, port), 4096);
            System.out.println("listening 127.0.0.1:" + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> serve.accept(s));
            }
        }
    }
}
