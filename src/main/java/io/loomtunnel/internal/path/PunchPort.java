package io.loomtunnel.internal.path;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * One local TCP port that listens and dials out at once (SO_REUSEADDR and SO_REUSEPORT on every
 * socket bound to it). Dialing from the port the peer was told about is what TCP hole punching
 * needs: a NAT maps the outgoing SYN to the public port the peer dials, and when both sides dial
 * each other at the same time the two SYNs cross and TCP's simultaneous open joins them into one
 * connection. Listening as well catches the peer's SYN when ours has not left yet.
 *
 * <p>Threads: accepting runs on threads of the caller's {@link OwnedThreads} (one that accepts,
 * one per connection in set-up), which the caller ends and joins; {@link #close} only stops
 * the listener, which wakes the accepting thread. No lock; {@code setups} bounds the set-ups.
 */
public final class PunchPort implements Closeable {
    /** Connections taken from the listen queue and still in set-up; more wait in the queue. */
    static final int MAX_CONCURRENT_SETUPS = 64;

    private final ServerSocket listener;
    private final InetSocketAddress local;
    private final Semaphore setups = new Semaphore(MAX_CONCURRENT_SETUPS);

    private PunchPort(ServerSocket listener) {
        this.listener = listener;
        this.local = (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Binds {@code address} (port 0: any free port) and listens on it; accepting starts with {@link #startAccepting}. */
    public static PunchPort bind(InetSocketAddress address) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            listener.bind(address, 128);
        } catch (BindException e) {
            listener.close();
            throw new BindException("cannot bind the punch port " + Candidates.text(address) + ": " + e.getMessage());
        } catch (IOException | UnsupportedOperationException e) {
            listener.close();
            throw e instanceof IOException io ? io : new IOException("SO_REUSEPORT is not supported here: " + e.getMessage(), e);
        }
        return new PunchPort(listener);
    }

    /** The bound address: the port every candidate of ours carries. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * Accepts on a thread of {@code threads} (none once they are closed) until {@link #close}; each connection is handed to
     * {@code handler} on a thread of its own there, at most {@value #MAX_CONCURRENT_SETUPS} at once.
     *
     * @param name what the port serves, the start of its threads' task names (e.g. {@code "punch"})
     */
    public void startAccepting(Consumer<Socket> handler, OwnedThreads threads, String name) {
        threads.startIfOpen(name + " accept :" + local.getPort(), () -> {
            while (!listener.isClosed()) {
                try {
                    setups.acquire();
                    Socket socket = listener.accept();
                    boolean started = threads.startIfOpen(name + " from " + socket.getRemoteSocketAddress(), () -> {
                        try {
                            handler.accept(socket);
                        } finally {
                            setups.release();
                        }
                    });
                    if (!started) {
                        socket.close(); // the owner is closing
                        setups.release();
                        return;
                    }
                } catch (SocketException closed) {
                    setups.release();
                    return;
                } catch (IOException e) {
                    setups.release(); // one failed accept (the peer reset) does not stop the port
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /** Connects to {@code remote} from this port; the socket is the caller's. */
    public Socket dial(InetSocketAddress remote, Duration timeout) throws IOException {
        return dialFrom(local, remote, timeout);
    }

    /**
     * Connects to {@code remote} from {@code local}, sharing the port with whatever else is bound
     * there with SO_REUSEADDR and SO_REUSEPORT (a punch port, while it listens or after).
     */
    public static Socket dialFrom(InetSocketAddress local, InetSocketAddress remote, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReuseAddress(true);
            socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            socket.bind(new InetSocketAddress(local.getAddress(), local.getPort()));
            socket.connect(remote, (int) Math.max(1, timeout.toMillis()));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Stops listening; connections made from or to the port stay open. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listener does not fail in a way we could act on
        }
    }
}
