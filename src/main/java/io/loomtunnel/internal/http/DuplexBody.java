package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.Joins;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The request body of a gRPC call from an HTTP/2 visitor, relayed to the upstream on a thread of
 * its own while the handler relays the response: gRPC streams both at once (bidirectional
 * streaming: a message answered before the next is sent), which the ingress's usual order (the
 * body, then the response) would deadlock. Such a body is not read ahead before the app is
 * contacted and not paced (a stream may idle between messages); the visitor's reset or the end of
 * the exchange stops it. Named after the handler's thread with {@code -body}, and joined by it.
 */
final class DuplexBody {
    /** A response is complete but the body goes on: how long it gets to end on its own before it is cut. */
    private static final long GRACE_MILLIS = 100;

    private final Socket visitor;
    private final Upstream upstream;
    private final Thread thread;
    private volatile boolean whole;

    /** Whether {@code request} is a gRPC call (content-type application/grpc...) with a body, on an HTTP/2 stream. */
    static boolean applies(Socket visitor, RequestHead request, BodyFraming framing) {
        return visitor instanceof H2StreamSocket && !framing.empty() && request.fields().contentTypeStartsWith("application/grpc");
    }

    private DuplexBody(Socket visitor, Upstream upstream, BodyReader body, OutputStream upOut, boolean chunked, String name) {
        this.visitor = visitor;
        this.upstream = upstream;
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> relay(body, upOut, chunked));
    }

    /** Starts relaying {@code body} (the head already sent) to {@code upOut}, in chunks if {@code chunked}. */
    static DuplexBody start(Socket visitor, Upstream upstream, BodyReader body, OutputStream upOut, boolean chunked, String name) {
        DuplexBody d = new DuplexBody(visitor, upstream, body, upOut, chunked, name);
        d.thread.start();
        return d;
    }

    /**
     * Waits for the body's end; a body still going a moment after the response (the app answered
     * early) is cut: the visitor's side stops and the upstream closes. True if the body went whole.
     */
    boolean finish() {
        try {
            thread.join(GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            abort();
            Joins.joinAborting(thread, this::abort);
        }
        return whole;
    }

    private void abort() {
        try {
            visitor.shutdownInput();
        } catch (IOException ignored) {
            // closed already
        }
        closeQuietly(upstream);
    }

    private void relay(BodyReader body, OutputStream upOut, boolean chunked) {
        try {
            BodyRelay.relay(body, upOut, new byte[16 * 1024], chunked); // request trailers are dropped
            whole = true;
        } catch (IOException e) {
            closeQuietly(upstream); // cut short: the app must not take a partial body for a whole one
        }
    }
}
