package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/2 stream seen as a socket carrying one HTTP/1.1 exchange, so that the ingress's
 * {@link HttpConnectionHandler} serves it as it serves a visitor's connection (same parser, routing,
 * policies, upstreams). Reading gives the request's HTTP/1.1 head, then its body from the
 * stream's DATA (in chunked coding when its length is unknown), then end of stream; what is
 * written is the HTTP/1.1 response, which {@link H2Connection} turns into frames. Only the methods
 * the handler uses are implemented; it has no file descriptor of its own.
 *
 * <p>Threads: the handler's thread reads and writes; {@link #close} may come from any thread.
 */
final class H2StreamSocket extends Socket {
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final int CHUNK_BYTES = 8192;

    private final SocketAddress remote;
    private final byte[] head;
    private final BytePipe body;
    private final BytePipe response;
    private final boolean chunked;
    private final InputStream in = new SourceInput(new RequestInput()::read);
    private final OutputStream out = new ResponseOutput();
    private volatile boolean closed;

    /**
     * @param body     the request body as DATA frames bring it (finished at END_STREAM)
     * @param response where the handler's HTTP/1.1 response goes
     */
    H2StreamSocket(SocketAddress remote, H2Request request, BytePipe body, BytePipe response) throws SocketException {
        super((java.net.SocketImpl) null);
        this.remote = remote;
        this.head = request.head();
        this.chunked = request.chunked();
        this.body = body;
        this.response = response;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return remote;
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
        body.setTimeoutMillis(timeout);
    }

    /** The response is complete: the frames' side sees end of stream. */
    @Override
    public void shutdownOutput() {
        response.finish();
    }

    /** The request body is no longer wanted (the answer is complete): its reader fails, its DATA are dropped. */
    @Override
    public void shutdownInput() {
        body.abort();
    }

    /** Ends the exchange: the response is finished (what was written stays readable), the request side fails. */
    @Override
    public void close() {
        closed = true;
        response.finish();
        body.abort();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    /** The head, then the body (chunked when its length is unknown), then -1. */
    private final class RequestInput {
        private int headAt;
        private byte[] pending = new byte[0];
        private int pendingAt;
        private boolean ended;
        private byte[] chunk; // made for the first chunk: most requests have no body, or one of known length

        int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (headAt < head.length) {
                int n = Math.min(len, head.length - headAt);
                System.arraycopy(head, headAt, b, off, n);
                headAt += n;
                return n;
            }
            if (!chunked) {
                return body.read(b, off, len);
            }
            if (pendingAt == pending.length) {
                if (ended) {
                    return -1;
                }
                if (chunk == null) {
                    chunk = new byte[CHUNK_BYTES];
                }
                int n = body.read(chunk, 0, chunk.length);
                if (n < 0) {
                    ended = true;
                    pending = LAST_CHUNK;
                } else {
                    byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    pending = new byte[size.length + n + 2];
                    System.arraycopy(size, 0, pending, 0, size.length);
                    System.arraycopy(chunk, 0, pending, size.length, n);
                    pending[pending.length - 2] = '\r';
                    pending[pending.length - 1] = '\n';
                }
                pendingAt = 0;
            }
            int n = Math.min(len, pending.length - pendingAt);
            System.arraycopy(pending, pendingAt, b, off, n);
            pendingAt += n;
            return n;
        }
    }

    private final class ResponseOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            response.write(b, off, len);
        }
    }
}
