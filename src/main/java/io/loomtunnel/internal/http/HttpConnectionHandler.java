package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import io.loomtunnel.plugin.RequestAction;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * One client connection, on its own virtual thread: reads requests one after another, routes each
 * by its authority, reads the start of its body (all of a small one) before contacting the app,
 * relays it over an upstream (one its route kept from an earlier request, else a fresh one) and
 * the response back, until the connection cannot or should not carry another request. A kept
 * upstream that ends before answering gets the request again on a fresh one when the request can
 * go again (docs/HTTP.md, "Pooled upstreams").
 *
 * <p>Threads: {@link #run} is the only user of the streams; {@link #close} may come from any
 * thread (the ingress closing) and only closes, which wakes whatever {@code run} is blocked on;
 * {@link #expire} comes from the ingress's watchdog and only ends a write or read past its deadline
 * (closes the socket, shuts its input, or ends the upstream's read without blocking).
 *
 * <p>Read timeouts: on a connection the watchdog watches (a plain TCP visitor), the two waits
 * every request has, for the next request on a kept-alive connection and for each response, are
 * untimed under a {@link ReadDeadline} the watchdog enforces; the rest (a head or body arriving in
 * pieces) and everything on a TLS visitor or an HTTP/2 stream time themselves (SO_TIMEOUT, the
 * upstream's read timeout). Why not every read: an expired deadline shuts the socket's input, and
 * an error page after it could not be followed by reading what the visitor still sends, so the
 * close would reset the connection and the page with it. JDK's SSLSocket does not promise that
 * shutting its input from another thread ends a read in progress.
 */
final class HttpConnectionHandler implements Runnable, Closeable {
    private static final System.Logger LOG = System.getLogger(HttpConnectionHandler.class.getName());
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** After an error page on a connection with request bytes still coming: how long to read and drop them. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int LINGER_BYTES = 1 << 20;

    /** The idempotent methods of RFC 9110 9.2.2, the ones a failed kept upstream may send again. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    /** What a relayed response leaves: whether the visitor's connection and the upstream may carry another request. */
    private record Relayed(boolean again, boolean reusable) {}

    /**
     * A kept upstream ended before any byte of an answer, with a request that may go again: it goes
     * on a fresh one. Unchecked, as only a call with {@code retry} can throw it and only its caller catches it.
     */
    private static final class StaleUpstream extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleUpstream() {
            super("a kept upstream ended before answering", null, false, false);
        }
    }

    private final Socket socket;
    private final HttpRouter router;
    private final HttpIngressConfig config;
    private final IngressLog log;
    private final Consumer<HttpConnectionHandler> onDone;
    private final String clientIp;
    private final PacedInput pacedIn;
    private final BufferedInput clientIn;
    private final VisitorOutput clientOut;
    private final Pace bodyPace;
    private final byte[] scratch;
    /** The buffer of each response head read, one after another: allocating it per request cost a tenth of the CPU. */
    private final byte[] upstreamHead;
    /** The wait for the visitor's next request, or null when it times itself (see the class comment). */
    private final ReadDeadline idleDeadline;
    /** Each upstream's read deadline (it ends the upstream's read), or null as idleDeadline. */
    private final ReadDeadline upstreamDeadline;
    private volatile Upstream upstream;
    /** The HTTP/2 connection this visitor's connection became, or null. */
    private volatile H2Connection http2;
    private volatile boolean closed;
    /** A gRPC request's body still going to the upstream while the response is relayed, or null. */
    private DuplexBody duplex;

    /**
     * A visitor's connection.
     *
     * @param watched whether a watchdog calls {@link #expire} a few times per timeout (the
     *                ingress's does), so that reads may wait untimed under deadlines
     */
    HttpConnectionHandler(Socket socket, HttpRouter router, HttpIngressConfig config, IngressLog log,
            Consumer<HttpConnectionHandler> onDone, boolean watched) throws IOException {
        this(socket, router, config, log, onDone, HandlerBuffers.allocate(config.maxHeadBytes()), watched);
    }

    /** With {@code buffers} lent to it until {@code onDone} (an HTTP/2 stream's: H2StreamBuffers); not watched. */
    HttpConnectionHandler(Socket socket, HttpRouter router, HttpIngressConfig config, IngressLog log,
            Consumer<HttpConnectionHandler> onDone, HandlerBuffers buffers) throws IOException {
        this(socket, router, config, log, onDone, buffers, false);
    }

    private HttpConnectionHandler(Socket socket, HttpRouter router, HttpIngressConfig config, IngressLog log,
            Consumer<HttpConnectionHandler> onDone, HandlerBuffers buffers, boolean watched) throws IOException {
        this.socket = socket;
        this.router = router;
        this.config = config;
        this.log = log;
        this.onDone = onDone;
        this.clientIp = ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress().getHostAddress();
        boolean deadlines = watched && !(socket instanceof SSLSocket);
        this.idleDeadline = deadlines ? new ReadDeadline() : null;
        this.upstreamDeadline = deadlines ? new ReadDeadline() : null;
        BufferedInput.TimeoutSetter timeouts = t -> socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, t.toMillis()));
        InputStream visitorIn = deadlines ? idleDeadline.guard(socket.getInputStream(), this::shutdownVisitorInput)
                : socket.getInputStream();
        this.pacedIn = new PacedInput(visitorIn, timeouts);
        this.clientIn = new BufferedInput(pacedIn, timeouts, buffers.head());
        this.scratch = buffers.scratch();
        this.upstreamHead = buffers.upstreamHead();
        this.bodyPace = new Pace(config.bodyTimeout(), config.minBodyRate());
        this.clientOut = new VisitorOutput(socket, new Pace(config.sendTimeout(), config.minBodyRate()), buffers.output());
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

    /**
     * From the watchdog: ends a write to the visitor, or a read from the visitor or the upstream,
     * that is past its deadline (true if it did); on an HTTP/2 connection, trims its idle stream buffers.
     */
    boolean expire(long nowNanos) {
        boolean expired = clientOut.expire(nowNanos);
        H2Connection h2 = http2;
        if (h2 != null) {
            h2.trimIdleBuffers(nowNanos);
        }
        if (idleDeadline != null) {
            expired |= idleDeadline.expire(nowNanos) | upstreamDeadline.expire(nowNanos);
        }
        return expired;
    }

    /** Ends the wait for the visitor's next request. */
    private void shutdownVisitorInput() {
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            closeQuietly(socket); // closed or reset already: the read has ended or will
        }
    }

    /** Ends the wait for {@code up}'s response from the watchdog, without blocking; the connection's thread then closes it. */
    private static void abortRead(Upstream up) {
        try {
            up.abortRead();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "ending a late upstream read: " + e);
        }
    }

    private void serve() throws IOException, InterruptedException {
        if (socket instanceof SSLSocket tls && "h2".equals(tls.getApplicationProtocol())) {
            serveHttp2(false); // negotiated by ALPN: the whole preface comes first
            return;
        }
        long deadline = System.nanoTime() + config.headerTimeout().toNanos(); // the first head counts from accept
        boolean first = true;
        while (true) {
            if (!first) {
                try {
                    if (!awaitNextRequest()) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    return; // idle keep-alive connection: closed quietly
                }
                deadline = System.nanoTime() + config.headerTimeout().toNanos();
            }
            boolean opening = first;
            first = false;
            RequestHead request;
            try {
                byte[] head = clientIn.readHead(deadline);
                if (head == null) {
                    return;
                }
                if (opening && Arrays.equals(head, H2Connection.PREFACE_HEAD)) {
                    serveHttp2(true); // h2c with prior knowledge (RFC 9113 3.3)
                    return;
                }
                request = HeadParser.parseRequest(head);
            } catch (HeadTooLargeException e) {
                failHead(Refusal.headTooLarge());
                return;
            } catch (MalformedHttpException e) {
                failHead(Refusal.malformed(e));
                return;
            } catch (SocketTimeoutException e) {
                failHead(Refusal.headTooSlow());
                return;
            }
            boolean goOn;
            try {
                goOn = exchange(request);
            } catch (Refusal r) {
                goOn = error(request, r);
            }
            if (!goOn) {
                return;
            }
        }
    }

    /** Waits up to the idle timeout for the first bytes of the next request; false at end of stream. */
    private boolean awaitNextRequest() throws IOException {
        if (idleDeadline == null) {
            clientIn.setTimeout(config.idleTimeout());
            return clientIn.fill();
        }
        clientIn.setTimeout(Duration.ZERO); // the deadline times this wait; the head's reads set their own timeouts
        idleDeadline.set(config.idleTimeout());
        try {
            return clientIn.fill();
        } finally {
            idleDeadline.set(Duration.ZERO);
        }
    }

    /** The connection is HTTP/2 from here on: each of its streams is served as one exchange (H2Connection). */
    private void serveHttp2(boolean prefaceHeadRead) throws IOException {
        H2Connection h2 = new H2Connection(socket, clientIn, clientOut, router, config, log, clientIp);
        http2 = h2; // the watchdog trims its spare stream buffers
        h2.serve(prefaceHeadRead);
    }

    /** One request and its response; true if the connection may carry another request. */
    private boolean exchange(RequestHead request) throws IOException, InterruptedException, Refusal {
        RequestTarget target;
        BodyFraming framing;
        Authority authority;
        try {
            if (request.method().equals("CONNECT")) {
                throw new MalformedHttpException("CONNECT is not supported");
            }
            target = RequestTarget.parse(request.method(), request.target());
            framing = BodyFraming.forRequest(request);
            authority = Authority.of(request, target);
        } catch (UnsupportedCodingException e) {
            throw Refusal.unsupportedCoding(e);
        } catch (MalformedHttpException e) {
            throw Refusal.malformed(e);
        }
        HttpRoute route = router.route(authority.host());
        if (route == null) {
            throw Refusal.unknownHost(authority.host(), !framing.empty());
        }
        PolicyExchange policies = PolicyExchange.begin(route, (InetSocketAddress) socket.getRemoteSocketAddress(), request,
                target.forUpstream());
        if (policies == null) {
            return forward(request, target, framing, authority, route, null);
        }
        try {
            return policed(request, framing, authority, route, policies);
        } catch (Refusal r) {
            policies.refused(r.status, r.appCaused());
            throw r;
        } finally {
            policies.complete();
        }
    }

    /** A request of a tunnel with policies: they may refuse it, answer it, or change it before it is forwarded. */
    private boolean policed(RequestHead request, BodyFraming framing, Authority authority, HttpRoute route,
            PolicyExchange policies) throws IOException, InterruptedException, Refusal {
        switch (policies.action()) {
            case RequestAction.Reject r -> throw Refusal.policy(r.status(), !framing.empty());
            case RequestAction.Respond r -> {
                boolean close = !request.keepAlive() || !framing.empty(); // its body unread: the connection ends
                byte[] answer = PolicyExchange.encode(r.response(), request.method().equals("HEAD"), connection(request, close));
                clientOut.write(answer);
                clientOut.flush();
                policies.answered(r.response().status());
                policies.sent(r.response().body().length);
                if (close) {
                    linger();
                }
                return !close;
            }
            default -> { }
        }
        RequestHead changed = policies.upstreamHead(request);
        RequestTarget target;
        try {
            target = RequestTarget.parse(changed.method(), changed.target());
        } catch (MalformedHttpException e) {
            throw Refusal.policy(500, !framing.empty());
        }
        return forward(changed, target, framing, authority, route, policies);
    }

    /** Forwards one request to its tunnel and relays the answer; {@code policies} null for a tunnel without. */
    private boolean forward(RequestHead request, RequestTarget target, BodyFraming framing, Authority authority, HttpRoute route,
            PolicyExchange policies) throws IOException, InterruptedException, Refusal {
        BodyReader body = new BodyReader(framing, clientIn);
        pacedIn.paced(bodyPace);
        try {
            BodyPrefix prefix = DuplexBody.applies(socket, request, framing) ? BodyPrefix.STREAMED : readPrefix(request, framing, body);
            BodyFilter filter = policies == null ? BodyFilter.NONE : policies.requestBody();
            Upstream kept = route.reuse();
            if (kept != null) {
                try {
                    // a filter has seen the body once: a request with one never goes again
                    boolean retry = replayable(request, prefix) && filter == BodyFilter.NONE;
                    return exchangeOn(kept, retry, request, target, authority, framing, body, prefix, route, policies, filter);
                } catch (StaleUpstream e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "a kept upstream of tunnel " + route.name() + " ended before answering;"
                            + " the request goes again on a fresh one");
                }
            }
            Upstream opened;
            try {
                opened = route.open();
            } catch (IOException e) {
                throw Refusal.unreachable(route, e, !prefix.complete());
            }
            return exchangeOn(opened, false, request, target, authority, framing, body, prefix, route, policies, filter);
        } finally {
            pacedIn.unpaced();
        }
    }

    /**
     * The request and its response over {@code up}, which goes back to the route when it may carry
     * another request and is closed otherwise; true if the visitor's connection may carry another.
     *
     * @param retry whether a failure before the first response byte throws {@link StaleUpstream} (a kept
     *              upstream, a request that can go again) rather than an error page
     */
    private boolean exchangeOn(Upstream up, boolean retry, RequestHead request, RequestTarget target, Authority authority,
            BodyFraming framing, BodyReader body, BodyPrefix prefix, HttpRoute route, PolicyExchange policies, BodyFilter filter)
            throws IOException, InterruptedException, Refusal {
        upstream = up;
        boolean reusable = false;
        try {
            if (closed) {
                return false; // close() ran before it could see this upstream
            }
            boolean sent = sendRequest(request, target, authority, framing, body, prefix, up, filter);
            Relayed relayed = relayResponse(request, route, up, sent, retry, policies);
            reusable = relayed.reusable;
            return relayed.again;
        } finally {
            boolean bodyWhole = finishDuplex();
            upstream = null;
            if (reusable && bodyWhole && !closed) {
                route.keep(up);
            } else {
                closeQuietly(up);
            }
        }
    }

    /** Waits for (or cuts) a gRPC request's body still going; true if there was none or it went whole. */
    private boolean finishDuplex() {
        DuplexBody d = duplex;
        duplex = null;
        return d == null || d.finish();
    }

    /**
     * Whether a request may be sent again when a kept upstream fails before any answer (RFC 9110
     * 9.2.2, as Go's Transport decides): its body is all in hand and its method idempotent, or it
     * carries an Idempotency-Key.
     */
    private static boolean replayable(RequestHead request, BodyPrefix prefix) {
        return prefix.complete() && (IDEMPOTENT.contains(request.method()) || request.fields().has("Idempotency-Key"));
    }

    /** Answers 100-continue when asked, then reads the body up to bodyBufferBytes, before any app is contacted. */
    private BodyPrefix readPrefix(RequestHead request, BodyFraming framing, BodyReader body) throws IOException, Refusal {
        try {
            if (request.expectsContinue() && request.http11() && !framing.empty()) {
                clientOut.write(CONTINUE);
                clientOut.flush();
            }
            return BodyPrefix.read(body, config.bodyBufferBytes());
        } catch (SocketTimeoutException e) {
            throw Refusal.bodyTooSlow(e);
        } catch (MalformedHttpException e) {
            throw Refusal.malformedBody(e);
        }
    }

    /**
     * Writes the request head, the body read so far and the rest of the body to the app; false if
     * the app stopped taking it (its answer may still come). The body is no longer paced after.
     */
    private boolean sendRequest(RequestHead request, RequestTarget target, Authority authority, BodyFraming framing,
            BodyReader body, BodyPrefix prefix, Upstream up, BodyFilter filter) throws IOException, Refusal {
        boolean filtered = filter != BodyFilter.NONE && !framing.empty(); // a filter may change the length: chunked
        boolean chunked = filtered || (!prefix.complete() && framing.kind() == BodyFraming.Kind.CHUNKED);
        Field framingField = filtered ? new Field("Transfer-Encoding", "chunked") : ProxyHeaders.framing(request, framing, prefix);
        RequestHead head = ProxyHeaders.forUpstream(request, target, authority, framingField, clientIp, config.scheme());
        try {
            if (filter != BodyFilter.NONE && !filtered) {
                filter.end(); // no body: its end is all the filter sees (what it adds is dropped)
            }
            byte[] encoded = head.encode();
            if (prefix.complete() && !filtered) { // the usual case: head and body leave in one write, through no buffer of their own
                byte[] whole = Arrays.copyOf(encoded, encoded.length + prefix.length());
                System.arraycopy(prefix.bytes(), 0, whole, encoded.length, prefix.length());
                BodyRelay.write(up.output(), whole);
                BodyRelay.flush(up.output());
                return true;
            }
            OutputStream upOut = new BufferedOutputStream(up.output(), HandlerBuffers.SCRATCH_BYTES);
            BodyRelay.write(upOut, encoded);
            if (filtered) {
                FilteredBody.relay(prefix.bytes(), prefix.length(), body, upOut, scratch, true, filter);
                return true;
            }
            if (chunked) {
                BodyRelay.chunk(upOut, prefix.bytes(), prefix.length());
            } else {
                BodyRelay.write(upOut, prefix.bytes(), prefix.length());
            }
            if (prefix == BodyPrefix.STREAMED) { // a gRPC call: its body flows while the response is relayed
                BodyRelay.flush(upOut);
                pacedIn.unpaced();
                clientIn.setTimeout(Duration.ZERO);
                duplex = DuplexBody.start(socket, up, body, upOut, chunked, Thread.currentThread().getName() + "-body");
                return true;
            }
            BodyRelay.relay(body, upOut, scratch, chunked); // request trailers are dropped
            return true;
        } catch (BodyRejectedException e) {
            throw Refusal.policy(e.status(), !body.finished()); // the last chunk never went: the app saw no whole body
        } catch (WriteFailedException e) {
            return false;
        } catch (SocketTimeoutException e) {
            throw Refusal.bodyTooSlow(e);
        } catch (MalformedHttpException e) {
            throw Refusal.malformedBody(e);
        } finally {
            pacedIn.unpaced();
        }
    }

    /**
     * Relays the app's response (or splices an upgrade): whether the visitor's connection may carry
     * another request, and whether the upstream may (the app's response read to its end, its
     * framing and version letting the app's connection stay open).
     */
    private Relayed relayResponse(RequestHead request, HttpRoute route, Upstream up, boolean requestSent, boolean retry,
            PolicyExchange policies) throws IOException, InterruptedException, Refusal {
        BufferedInput upIn;
        if (upstreamDeadline != null) {
            up.setReadTimeout(Duration.ZERO); // the deadline times each read (a kept upstream may come with a timeout of its own)
            upIn = new BufferedInput(upstreamDeadline.guard(up.input(), () -> abortRead(up)), upstreamDeadline, upstreamHead);
        } else {
            upIn = new BufferedInput(up.input(), up::setReadTimeout, upstreamHead);
        }
        ResponseHead response;
        BodyFraming framing;
        try {
            response = readFinalHead(request, upIn);
            framing = BodyFraming.forResponse(request, response);
        } catch (WriteFailedException e) {
            throw e;
        } catch (IOException e) {
            if (retry && !upIn.started() && !(e instanceof SocketTimeoutException)) {
                throw new StaleUpstream(); // ended (or reset) with not one byte of an answer: it never took the request
            }
            throw refusal(route, e, requestSent);
        }
        clientOut.resetPace();
        if (response.status() == 101) {
            if (!request.upgrade()) {
                throw Refusal.badAnswer(route, new MalformedHttpException("switched protocols unasked"));
            }
            clientOut.write(ProxyHeaders.forClient(response, framing, false, "upgrade").encode());
            clientOut.flush();
            UpgradeSplice.run(socket, clientIn, clientOut, up, upIn, Thread.currentThread().getName() + "-upgrade");
            return new Relayed(false, false);
        }
        boolean decode = framing == BodyFraming.CHUNKED && !request.http11(); // HTTP/1.0 clients know no chunks
        boolean close = !request.keepAlive() || !requestSent || framing == BodyFraming.CLOSE || decode;
        BodyFilter filter = BodyFilter.NONE;
        if (policies != null) {
            PolicyChain.ResponseDecision d = policies.onResponse(response);
            if (d.replacement() != null) { // the app's body is never read: its upstream closes after this
                boolean closeAfter = !request.keepAlive() || !requestSent;
                clientOut.write(PolicyExchange.encode(d.replacement(), request.method().equals("HEAD"),
                        connection(request, closeAfter)));
                clientOut.flush();
                policies.answered(d.replacement().status());
                policies.sent(d.replacement().body().length);
                return new Relayed(!closeAfter, false);
            }
            response = PolicyExchange.merged(response, d.head());
            policies.answered(response.status());
            filter = policies.responseBody(response);
        }
        if (filter != BodyFilter.NONE && framing.empty()) {
            try {
                filter.end(); // no body (HEAD, 204, 304): its end is all the filter sees
            } catch (BodyRejectedException e) {
                throw Refusal.policy(e.status(), false);
            }
        }
        boolean filtered = filter != BodyFilter.NONE && !framing.empty();
        boolean chunkedOut = filtered ? request.http11() : framing == BodyFraming.CHUNKED && !decode;
        close |= filtered && !chunkedOut; // a filtered body to an HTTP/1.0 client ends with the connection
        ResponseHead out = ProxyHeaders.forClient(response, framing, decode || filtered, connection(request, close));
        if (filtered) {
            Fields f = out.fields().without(x -> x.is("Content-Length") || x.is("Transfer-Encoding"));
            out = new ResponseHead(out.status(), out.reason(), chunkedOut ? f.with("Transfer-Encoding", "chunked") : f);
        }
        clientOut.hold(out.encode());
        // A message stream's pauses are the app's to choose (a gRPC watch, an event feed). Only for
        // an HTTP/2 visitor: its connection's reader sees the visitor's reset or end and closes the
        // upstream, where an HTTP/1.1 visitor's socket is not read while its answer is relayed.
        boolean untimed = socket instanceof H2StreamSocket && response.messageStream(); // HTTP/1.1 answers never scan their fields
        upIn.setTimeout(untimed ? Duration.ZERO : config.upstreamTimeout());
        if (untimed) {
            clientOut.flush(); // the head at once (an EventSource's open, gRPC's headers): a quiet body must not hold it back
        }
        try {
            BodyReader reader = new BodyReader(framing, upIn);
            if (policies == null) {
                BodyRelay.relay(reader, clientOut, scratch, chunkedOut, request.fields().tokens("TE").contains("trailers"));
            } else {
                policies.sent(FilteredBody.relay(scratch, 0, reader, clientOut, scratch, chunkedOut, filter));
            }
        } catch (BodyRejectedException e) {
            if (!clientOut.holding()) {
                throw new IOException("a policy refused the response body: " + e.getMessage()); // the close tells the visitor
            }
            clientOut.discardHeld();
            throw Refusal.policy(e.status(), true);
        } catch (WriteFailedException e) {
            throw e; // the visitor is gone or too slow: the connection ends
        } catch (IOException e) {
            if (!clientOut.holding()) {
                throw e; // mid-body: the visitor learns of it by the close
            }
            clientOut.discardHeld();
            throw e instanceof SocketTimeoutException ? Refusal.noAnswer(route, e, true) : Refusal.badAnswer(route, e);
        }
        boolean reusable = requestSent && !request.upgrade() && response.keepAlive() && framing != BodyFraming.CLOSE
                && upIn.buffered() == 0;
        return new Relayed(!close, reusable);
    }

    /** The error page for an upstream that gave no response head. */
    private static Refusal refusal(HttpRoute route, IOException e, boolean requestSent) {
        return switch (e) {
            case SocketTimeoutException t -> Refusal.noAnswer(route, t, !requestSent);
            case ServiceUnreachableException u -> Refusal.serviceUnreachable(route, u, !requestSent);
            default -> Refusal.badAnswer(route, e);
        };
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
                BodyRelay.write(clientOut, ProxyHeaders.forClient(response, BodyFraming.NONE, false, null).encode());
                BodyRelay.flush(clientOut);
            }
        }
    }

    /** Logs and sends the error page of a refused request; true if the connection may continue. */
    private boolean error(RequestHead request, Refusal r) throws IOException {
        log.refused(clientIp, r);
        boolean close = r.mustClose || !request.keepAlive();
        boolean html = request.fields().tokens("Accept").stream().anyMatch(t -> t.startsWith("text/html"));
        clientOut.write(ErrorPages.response(r.status, r.page, html, request.method().equals("HEAD"), connection(request, close)));
        clientOut.flush();
        if (close) {
            linger();
        }
        return !close;
    }

    /** An error before a request could be parsed: logged, plain text, and the connection ends. */
    private void failHead(Refusal r) throws IOException {
        log.refused(clientIp, r);
        clientOut.write(ErrorPages.response(r.status, r.page, false, false, "close"));
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
}
