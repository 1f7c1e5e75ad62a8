package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream seen as a connected {@link Socket}, for code written against sockets: a peer-to-peer
 * session set up inside a relayed stream (TLS, preamble and hello run over it unchanged), and the
 * relay's own splice between two streams. Like {@code SSLSocket}, it is a Socket with no OS
 * socket behind it: only what that code uses is implemented, each in terms of the stream.
 *
 * <ul>
 *   <li>{@code setSoTimeout} sets the stream's read timeout (a read that waits longer throws
 *       SocketTimeoutException, as a socket's does);
 *   <li>{@code shutdownOutput} half-closes the stream (FIN); {@code setSoLinger(true, 0)} makes
 *       the next close a reset, as on a socket;
 *   <li>{@code close} closes the stream (once) and then runs the close action, e.g. to let go of
 *       the session that carries it;
 *   <li>TCP options ({@code setTcpNoDelay}) do not apply and are ignored.
 * </ul>
 *
 * <p>Locking: none of its own (the stream's rules apply). {@code closed} makes close run once;
 * {@code resetOnClose} and the timeout are volatile, set by any thread before the close or read
 * they affect.
 */
public final class StreamSocket extends Socket {
    private final MuxStream stream;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress remote;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean resetOnClose;
    private volatile int timeoutMillis;

    /**
     * A socket over {@code stream}.
     *
     * @param in what reads see: the stream's input, or a wrapper around it (a meter)
     * @param out where writes go: the stream's output, or a wrapper around it
     * @param remote what {@link #getRemoteSocketAddress} reports: whoever carries the stream
     * @param onClose runs once, after the stream is closed
     * @param stream the stream
     * @throws IOException never in practice: {@link Socket}'s constructor declares it
     */
    public StreamSocket(MuxStream stream, InputStream in, OutputStream out, InetSocketAddress remote, Runnable onClose)
            throws IOException {
        super((SocketImpl) null);
        this.stream = stream;
        this.in = in;
        this.out = out;
        this.remote = remote;
        this.onClose = onClose;
    }

    /**
     * The stream's own input and output.
     *
     * @param stream the stream
     * @param remote what {@link #getRemoteSocketAddress} reports
     * @param onClose runs once, after the stream is closed
     * @return the socket
     * @throws IOException never in practice: {@link Socket}'s constructor declares it
     */
    public static StreamSocket of(MuxStream stream, InetSocketAddress remote, Runnable onClose) throws IOException {
        return new StreamSocket(stream, stream.input(), stream.output(), remote, onClose);
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public void setSoTimeout(int timeout) {
        timeoutMillis = timeout;
        stream.setReadTimeout(Duration.ofMillis(timeout));
    }

    @Override
    public int getSoTimeout() {
        return timeoutMillis;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
        // frames are written at once already: there is no Nagle to turn off
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
        resetOnClose = on && linger == 0;
    }

    @Override
    public void shutdownOutput() throws IOException {
        stream.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (resetOnClose) {
                stream.reset(ErrorCode.CANCEL);
            } else {
                stream.close();
            }
        } finally {
            onClose.run();
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return remote;
    }

    @Override
    public InetAddress getInetAddress() {
        return remote.getAddress();
    }

    @Override
    public int getPort() {
        return remote.getPort();
    }

    @Override
    public String toString() {
        return "StreamSocket[stream " + stream.id() + " via " + remote + "]";
    }
}
