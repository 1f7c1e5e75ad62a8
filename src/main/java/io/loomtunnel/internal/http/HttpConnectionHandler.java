package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One client connection, on its own virtual thread: reads requests one after another, routes each
 * by its host, relays it over a fresh upstream and the response back, until the connection cannot
 * or should not carry another request.
 *
 * <p>Threads: {@link #run} is the only user of the streams; {@link #close} may come from any
 * thread (the ingress closing) and only closes, which wakes whatever {@code run} is blocked on.
 */
final class HttpConnectionHandler implements Runnable, Closeable {
    private static final System.Logger LOG = System.getLogger(HttpConnectionHandler.class.getName());
    private static final int SCRATCH_BYTES = 16 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** After an error page on a connection with request bytes still coming: how long to read and drop them. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int LINGER_BYTES = 1 << 20;

    private final Socket socket;
    private final HttpRouter router;
    private final HttpIngressConfig config;
    private final Consumer<HttpConnectionHandler> onDone;
    private final String clientIp;
    private final BufferedInput clientIn;
    private final OutputStream clientOut;
    private final byte[] scratch = new byte[SCRATCH_BYTES];
    private volatile Upstream upstream;
    private volatile boolean closed;

    HttpConnectionHandler(Socket socket, HttpRouter router, HttpIngressConfig config,
            Consumer<HttpConnectionHandler> onDone) throws IOException {
        this.socket = socket;
        this.router = router;
        this.config = config;
        this.onDone = onDone;
        this.clientIp = ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress().getHostAddress();
        this.clientIn = new BufferedInput(socket.getInputStream(),
                t -> socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, t.toMillis())), config.maxHeadBytes());
        this.clientOut = new BufferedOutputStream(socket.getOutputStream(), SCRATCH_BYTES);
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "http connection from " + clientIp + " ended: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(socket);
            onDone.accept(this);
        }
    }

    /** Closes the client socket and the current upstream; the connection's thread then ends. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
        Upstream u = upstream;
        if (u != null) {
            closeQuietly(u);
        }
    }

    private void serve() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + config.headerTimeout().toNanos(); // the first head counts from accept
        boolean first = true;
        while (true) {
            if (!first) {
                clientIn.setTimeout(config.idleTimeout());
                try {
                    if (!clientIn.fill()) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    return; // idle keep-alive connection: closed quietly
                }
                deadline = System.nanoTime() + config.headerTimeout().toNanos();
            }
            first = false;
            RequestHead request;
            try {
                byte[] head = clientIn.readHead(deadline);
                if (head == null) {
                    return;
                }
                request = HeadParser.parseRequest(head);
            } catch (HeadTooLargeException e) {
                failHead(431, "The request head is larger than " + config.maxHeadBytes() + " bytes.");
                return;
            } catch (MalformedHttpException e) {
                failHead(400, "The request is malformed: " + e.getMessage() + ".");
                return;
            } catch (SocketTimeoutException e) {
                failHead(408, "The request head did not arrive within " + seconds(config.headerTimeout()) + ".");
                return;
            }
            if (!exchange(request)) {
                return;
            }
        }
    }

    /** One request and its response; true if the connection may carry another request. */
    private boolean exchange(RequestHead request) throws IOException, InterruptedException {
        BodyFraming body;
        Authority authority;
        try {
            if (request.method().equals("CONNECT")) {
                throw new MalformedHttpException("CONNECT is not supported");
            }
            body = BodyFraming.forRequest(request);
            authority = Authority.of(request);
        } catch (MalformedHttpException e) {
            return error(request, 400, "The request is malformed: " + e.getMessage() + ".", true);
        }
        HttpRoute route = router.route(authority.host());
        if (route == null) {
            return error(request, 404, "No tunnel serves the host " + authority.host() + ".", !body.empty());
        }
        Upstream opened;
        try {
            opened = route.open();
        } catch (IOException e) {
            return error(request, 502, "The tunnel " + route.name() + " is not reachable: " + e.getMessage() + ".",
                    !body.empty());
        }
        upstream = opened;
        try (opened) {
            if (closed) {
                return false; // close() ran before it could see this upstream
            }
            return forward(request, body, authority, route, opened);
        } finally {
            upstream = null;
        }
    }

    private boolean forward(RequestHead request, BodyFraming body, Authority authority, HttpRoute route, Upstream up)
            throws IOException, InterruptedException {
        BufferedInput upIn = new BufferedInput(up.input(), up::setReadTimeout, config.maxHeadBytes());
        OutputStream upOut = new BufferedOutputStream(up.output(), SCRATCH_BYTES);
        boolean requestSent = true; // false when the app stopped taking the request; its answer may still come
        try {
            upOut.write(ProxyHeaders.forUpstream(request, authority, clientIp, config.scheme()).encode());
            if (request.expectsContinue() && request.http11() && !body.empty()) {
                clientOut.write(CONTINUE);
                clientOut.flush();
            }
            clientIn.setTimeout(config.idleTimeout());
            BodyRelay.relay(body, clientIn, upOut, scratch, true);
        } catch (WriteFailedException e) {
            requestSent = false;
        } catch (MalformedHttpException e) {
            return error(request, 400, "The request body is malformed: " + e.getMessage() + ".", true);
        } catch (SocketTimeoutException e) {
            return error(request, 408, "The request body stalled for " + seconds(config.idleTimeout()) + ".", true);
        }

        ResponseHead response;
        try {
            response = readFinalHead(request, upIn);
        } catch (SocketTimeoutException e) {
            return error(request, 504, "The tunnel " + route.name() + " did not answer within "
                    + seconds(config.upstreamTimeout()) + ".", !requestSent);
        } catch (IOException e) {
            return error(request, 502, "The tunnel " + route.name() + " gave no valid response: " + e.getMessage() + ".",
                    true);
        }
        if (response.status() == 101) {
            if (!request.upgrade()) {
                return error(request, 502, "The tunnel " + route.name() + " switched protocols unasked.", true);
            }
            clientOut.write(ProxyHeaders.forClient(response, false, "upgrade").encode());
            clientOut.flush();
            UpgradeSplice.run(socket, clientIn, clientOut, up, upIn, Thread.currentThread().getName() + "-upgrade");
            return false;
        }
        BodyFraming framing;
        try {
            framing = BodyFraming.forResponse(request, response);
        } catch (MalformedHttpException e) {
            return error(request, 502, "The tunnel " + route.name() + " sent a malformed response: " + e.getMessage() + ".",
                    true);
        }
        boolean decode = framing == BodyFraming.CHUNKED && !request.http11(); // HTTP/1.0 clients know no chunks
        boolean close = !request.keepAlive() || !requestSent || framing == BodyFraming.CLOSE || decode;
        clientOut.write(ProxyHeaders.forClient(response, decode, connection(request, close)).encode());
        upIn.setTimeout(config.upstreamTimeout());
        BodyRelay.relay(framing, upIn, clientOut, scratch, !decode);
        return !close;
    }

    /** The first non-interim response head, relaying 1xx heads (other than 101) to HTTP/1.1 clients. */
    private ResponseHead readFinalHead(RequestHead request, BufferedInput upIn) throws IOException {
        long deadline = System.nanoTime() + config.upstreamTimeout().toNanos();
        while (true) {
            byte[] head = upIn.readHead(deadline);
            if (head == null) {
                throw new EOFException("the connection closed before a response");
            }
            ResponseHead response = HeadParser.parseResponse(head);
            if (!response.interim() || response.status() == 101) {
                return response;
            }
            if (request.http11()) {
                clientOut.write(ProxyHeaders.forClient(response, false, null).encode());
                clientOut.flush();
            }
        }
    }

    /** Sends an error page for a request; true if the connection may continue. */
    private boolean error(RequestHead request, int status, String detail, boolean mustClose) throws IOException {
        boolean close = mustClose || !request.keepAlive();
        boolean html = request.fields().tokens("Accept").stream().anyMatch(t -> t.startsWith("text/html"));
        clientOut.write(ErrorPages.response(status, detail, html, request.method().equals("HEAD"), connection(request, close)));
        clientOut.flush();
        if (close) {
            linger();
        }
        return !close;
    }

    /** An error before a request could be parsed: plain text, and the connection ends. */
    private void failHead(int status, String detail) throws IOException {
        clientOut.write(ErrorPages.response(status, detail, false, false, "close"));
        clientOut.flush();
        linger();
    }

    /**
     * Half-closes and drops what the client still sends for a little while, so that closing with
     * unread bytes does not reset the connection and destroy the error page in flight (RFC 9112 9.6).
     */
    private void linger() throws IOException {
        socket.shutdownOutput();
        socket.setSoTimeout((int) LINGER.toMillis());
        long end = System.nanoTime() + LINGER.toNanos();
        long dropped = 0;
        try {
            for (int n; dropped < LINGER_BYTES && System.nanoTime() < end
                    && (n = socket.getInputStream().read(scratch)) >= 0; ) {
                dropped += n;
            }
        } catch (IOException e) {
            // timed out or reset: either way there is nothing more to wait for
        }
    }

    /** The Connection field for the client: close, keep-alive (HTTP/1.0 asks for it to be said), or none. */
    private static String connection(RequestHead request, boolean close) {
        return close ? "close" : request.http11() ? null : "keep-alive";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
