package io.loomtunnel.session;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Listens for peers: accepts each TCP connection and sets up its session on a virtual thread of
 * its own, then hands the session to the handler on that same thread. Set-ups in progress at once
 * are bounded, so a flood of half-open connections cannot exhaust the process.
 *
 * <p>Threads: all of them are the listener's ({@code "loomtunnel listener :PORT: accept"} and one
 * {@code "...: peer ADDRESS"} per connection, which runs the handler for as long as it serves);
 * {@link #close} ends and joins them. No lock; {@code setups} bounds the set-ups in progress.
 */
public final class SessionListener implements Closeable {
    private static final System.Logger LOG = System.getLogger(SessionListener.class.getName());
    private static final int MAX_CONCURRENT_SETUPS = 256;

    private final ServerSocket server;
    private final Semaphore setups = new Semaphore(MAX_CONCURRENT_SETUPS);
    private final OwnedThreads threads;

    private SessionListener(ServerSocket server) {
        this.server = server;
        this.threads = new OwnedThreads("listener :" + server.getLocalPort());
    }

    /**
     * Binds {@code bind} and accepts connections, each set up as a session on a virtual thread of its own.
     *
     * @param onSession runs on the connection's own virtual thread with each new session
     * @param onFailure runs with each set-up failure (bad key, token, timeout ...)
     * @param bind where to listen
     * @param acceptor sets up each connection
     * @return the listener; close it to stop accepting
     * @throws IOException the address could not be bound
     */
    public static SessionListener start(InetSocketAddress bind, SessionAcceptor acceptor,
                                        Consumer<Session> onSession, Consumer<IOException> onFailure) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 1024);
        SessionListener listener = new SessionListener(server);
        listener.threads.start("accept", () -> listener.acceptLoop(acceptor, onSession, onFailure));
        return listener;
    }

    /**
     * The bound port.
     *
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * The bound address.
     *
     * @return the address
     */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop(SessionAcceptor acceptor, Consumer<Session> onSession, Consumer<IOException> onFailure) {
        while (!server.isClosed()) {
            try {
                setups.acquire();
                Socket socket = server.accept();
                boolean started = threads.startIfOpen("peer " + socket.getRemoteSocketAddress(), () -> {
                    Session session;
                    try {
                        session = acceptor.accept(socket);
                    } catch (IOException e) {
                        onFailure.accept(e);
                        return;
                    } finally {
                        setups.release();
                    }
                    onSession.accept(session);
                });
                if (!started) {
                    socket.close(); // closing: the listener takes no more peers
                    setups.release();
                    return;
                }
            } catch (SocketException closed) {
                setups.release();
                return; // close() closed the server socket
            } catch (IOException e) {
                setups.release();
                LOG.log(Level.WARNING, "accept on port {0} failed: {1}", port(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops accepting, then ends every thread of the listener within {@link OwnedThreads#DEFAULT_GRACE}:
     * set-ups in progress are interrupted, and so is a handler still serving a session (close the
     * sessions first for a clean end; an interrupted session read fails with InterruptedIOException).
     */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            threads.close();
        }
    }
}
