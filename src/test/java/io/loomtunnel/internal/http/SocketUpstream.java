package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

/** An Upstream over a plain loopback socket: what a MuxStream adapter will be, for tests. */
final class SocketUpstream implements Upstream {
    private final Socket socket;
    private final InputStream input;
    private final OutputStream output;

    SocketUpstream(InetSocketAddress to) throws IOException {
        socket = new Socket();
        socket.connect(to, 5_000);
        input = socket.getInputStream();
        output = socket.getOutputStream();
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
