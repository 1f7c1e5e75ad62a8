package io.loomtunnel.soak;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP service for the soak: accepts on a virtual thread and serves each connection on its own,
 * every read bounded by {@link #IDLE_TIMEOUT_MS}; knows its open connections, so the run can check
 * that none is left once the traffic stops (a client that never closed its side would leave one),
 * and closes them all when it closes.
 */
final class Acceptor implements Closeable {
    /** A connection silent this long is dropped: no service thread waits forever. */
    static final int IDLE_TIMEOUT_MS = 120_000;

    /** What the service does with one connection; the acceptor closes it afterwards. */
    interface Handler {
        void serve(Socket s) throws IOException;
    }

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    Acceptor(String name, InetAddress bind, Handler handler) throws IOException {
        server = new ServerSocket(0, 1_024, bind);
        Thread.ofVirtual().name("soak " + name + " accept").start(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException closed) {
                    return;
                }
                open.add(s);
                Thread.ofVirtual().name("soak " + name).start(() -> {
                    try (s) {
                        s.setSoTimeout(IDLE_TIMEOUT_MS);
                        handler.serve(s);
                    } catch (IOException ended) {
                        // the other side went away, or reset on purpose
                    } finally {
                        open.remove(s);
                    }
                });
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections being served now. */
    int openConnections() {
        return open.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            TcpExchange.closeQuietly(s);
        }
    }
}
