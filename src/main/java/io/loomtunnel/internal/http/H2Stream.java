package io.loomtunnel.internal.http;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.ReceiveWindow;
import io.loomtunnel.internal.h2.SendWindows;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/2 request stream of an {@link H2Connection}: its request body buffer (which holds its
 * whole receive window, so the connection's reader never waits on it), its send window, and its
 * two threads: the handler, which serves the request as one HTTP/1.1 exchange on an
 * {@link H2StreamSocket}, and the relay, which sends the handler's response as HEADERS and DATA.
 *
 * <p>Threads: the connection's reader calls {@link #received}, {@link #endRequest} and
 * {@link #abort}; the handler's thread gives credit as it reads the body; the relay's writes.
 */
final class H2Stream {
    private static final System.Logger LOG = System.getLogger(H2Stream.class.getName());

    /** What a stream needs of its connection. */
    interface Owner {
        H2Sender sender();

        /** The stream no longer counts against the connection's concurrent streams. */
        void released(H2Stream stream);

        /** Both threads of the stream have ended: nothing uses its {@link #buffers} any more. */
        void ended(H2Stream stream);

        /** Writing failed: the connection is broken and should end. */
        void broken();
    }

    final int id;
    final H2Request request;
    /** Borrowed from the connection for this stream's life (its handler's, its response pipe's, its relay's). */
    final H2StreamBuffers buffers;
    private final Owner owner;
    private final String clientIp;
    private final BytePipe body;
    private final BytePipe response;
    private final HttpConnectionHandler handler;
    private final SendWindows.Window window;
    private final ReceiveWindow receiveWindow = new ReceiveWindow(H2Connection.STREAM_WINDOW);
    private final AtomicInteger running = new AtomicInteger(2);
    private final AtomicBoolean counted = new AtomicBoolean(true);
    private long receivedBytes; // the reader's
    private volatile boolean requestEnded;
    private volatile boolean aborted;

    H2Stream(int id, H2Request request, boolean endStream, Owner owner, SocketAddress remote, String clientIp, HttpRouter router,
            HttpIngressConfig config, IngressLog log, H2StreamBuffers buffers) throws IOException {
        this.id = id;
        this.request = request;
        this.buffers = buffers;
        this.owner = owner;
        this.clientIp = clientIp;
        this.body = new BytePipe(H2Connection.STREAM_WINDOW, this::credit);
        this.response = new BytePipe(buffers.response(), n -> { });
        this.requestEnded = endStream;
        if (endStream) {
            body.finish();
        }
        this.handler = new HttpConnectionHandler(new H2StreamSocket(remote, request, body, response), router, config, log,
                h -> done(), buffers.handler());
        this.window = owner.sender().windows().open();
    }

    /** The handler's thread: the exchange, as on an HTTP/1.1 connection. */
    void handle() {
        handler.run();
    }

    /** The relay's thread: the handler's HTTP/1.1 response as HEADERS, DATA and END_STREAM. */
    void relay() {
        try {
            new H2Response(this, response, owner.sender()).send();
            if (!requestEnded) {
                owner.sender().reset(id, H2Error.NO_ERROR); // answered: the rest of the request is not needed (RFC 9113 8.1)
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "http2 stream " + id + " from " + clientIp + " ended: " + e);
            if (!aborted) {
                aborted = true;
                try {
                    owner.sender().reset(id, H2Error.INTERNAL_ERROR);
                } catch (IOException ignored) {
                    owner.broken();
                }
            }
        } finally {
            body.abort(); // a handler still waiting for a next request (or an unread body) ends
            response.abort();
            done();
        }
    }

    /** The send window, for the relay's DATA. */
    SendWindows.Window window() {
        return window;
    }

    boolean requestEnded() {
        return requestEnded;
    }

    /**
     * DATA of {@code length} bytes (padding included) holding {@code data}: false if it is beyond
     * the stream's window (FLOW_CONTROL_ERROR). The data go to the handler, or are dropped (and
     * credited) when it no longer reads.
     */
    boolean received(int length, byte[] data) {
        if (!receiveWindow.take(length)) {
            return false;
        }
        credit(length - data.length); // padding never reaches the handler
        receivedBytes += data.length;
        if (data.length > 0 && !body.offer(data, 0, data.length)) {
            credit(data.length);
        }
        return true;
    }

    /** Whether more body bytes came than the request's content-length says. */
    boolean overLength() {
        return request.contentLength() >= 0 && receivedBytes > request.contentLength();
    }

    /** END_STREAM from the visitor: false (and nothing done) if the body is shorter than its content-length. */
    boolean endRequest() {
        requestEnded = true;
        if (request.contentLength() >= 0 && receivedBytes != request.contentLength()) {
            return false;
        }
        body.finish();
        return true;
    }

    /** Reset by the visitor or by us: the handler and its upstream are closed, the relay stops. */
    void abort() {
        aborted = true;
        requestEnded = true;
        body.abort();
        response.abort();
        handler.close();
        owner.sender().windows().close(window);
    }

    /** No longer counted against the connection's concurrent streams; once only. */
    void release() {
        if (counted.compareAndSet(true, false)) {
            owner.released(this);
        }
    }

    /** Body bytes taken (or dropped): the visitor may send that many more once half a window is due. */
    private void credit(int bytes) {
        int increment = receiveWindow.consumed(bytes);
        if (increment > 0 && !requestEnded) {
            try {
                owner.sender().write(Frames.windowUpdate(id, increment));
            } catch (IOException e) {
                owner.broken();
            }
        }
    }

    private void done() {
        if (running.decrementAndGet() == 0) {
            release();
            owner.sender().windows().close(window);
            owner.ended(this);
        }
    }

    /** One response's conversion, on the relay's thread. */
    private static final class H2Response {
        private final H2Stream s;
        private final BytePipe pipe;
        private final H2Sender sender;

        H2Response(H2Stream s, BytePipe pipe, H2Sender sender) {
            this.s = s;
            this.pipe = pipe;
            this.sender = sender;
        }

        void send() throws IOException {
            BufferedInput in = new BufferedInput(new SourceInput(pipe::read), t -> { }, s.buffers.relayHead());
            ResponseHead response;
            long deadline = System.nanoTime() + 365L * 24 * 3600 * 1_000_000_000L; // the handler's own timeouts bound it
            do {
                byte[] head = in.readHead(deadline);
                if (head == null) {
                    throw new IOException("the exchange ended without a response");
                }
                response = HeadParser.parseResponse(head);
            } while (response.interim() && response.status() != 101); // 100 Continue is HTTP/1.1's business
            if (response.status() == 101) {
                throw new IOException("a 101 on an HTTP/2 stream");
            }
            RequestHead asked = new RequestHead(s.request.method(), "/", true, new Fields(List.of()));
            BodyFraming framing = BodyFraming.forResponse(asked, response);
            List<HeaderField> fields = H2Fields.response(response, framing);
            if (framing.empty()) {
                s.release(); // before the END_STREAM: the visitor may open the next stream as soon as it has it
                sender.writeHeaders(s.id, fields, true);
                return;
            }
            BodyReader reader = new BodyReader(framing, in);
            byte[] buf = s.buffers.frame();
            // the body's first bytes came with the head (the handler writes them together): one write
            // for HEADERS and the first DATA, which for a small response is all of it
            int n = in.buffered() > 0 ? reader.read(buf, 0, buf.length) : 0;
            if (n > 0) {
                boolean last = reader.finished();
                int sent = sender.writeHeadersAndData(s.id, fields, s.window, buf, n, last, s::release);
                if (sent < n) {
                    data(buf, sent, n, last);
                }
                if (last) {
                    return;
                }
            } else {
                sender.writeHeaders(s.id, fields, false);
            }
            while (n >= 0 && (n = reader.read(buf, 0, buf.length)) >= 0) {
                boolean last = reader.finished();
                data(buf, 0, n, last);
                if (last) {
                    return;
                }
            }
            List<HeaderField> trailers = H2Fields.trailers(reader.trailers()); // there only when the visitor said te: trailers
            if (trailers.isEmpty()) {
                data(buf, 0, 0, true);
            } else {
                s.release();
                sender.writeHeaders(s.id, trailers, true);
            }
        }

        /** DATA for {@code buf[off, n)} as the windows allow (one empty frame when off == n), the last ending the stream when {@code end}. */
        private void data(byte[] buf, int off, int n, boolean end) throws IOException {
            do {
                int k = off == n ? 0 : sender.acquire(s.window, n - off);
                boolean fin = end && off + k == n;
                if (fin) {
                    s.release();
                }
                sender.write(Frames.frame(Frame.DATA, fin ? Frame.END_STREAM : 0, s.id, buf, off, k));
                off += k;
            } while (off < n);
        }
    }
}
