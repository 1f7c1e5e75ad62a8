package io.loomtunnel.client;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.protocol.CloseTunnel;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ErrorReply;
import io.loomtunnel.internal.protocol.OpenTunnel;
import io.loomtunnel.internal.protocol.TunnelClosed;
import io.loomtunnel.internal.protocol.TunnelOpened;
import io.loomtunnel.internal.protocol.TunnelRefused;
import io.loomtunnel.internal.protocol.TunnelReply;
import io.loomtunnel.internal.protocol.TunnelRequest;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.MuxSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's requests to the server and their answers, the one mechanism for both the
 * registration at each connect and the changes while running (open_tunnel and close_tunnel,
 * docs/protocol/TUNNEL.md 8.1 and 8.4): each request gets a number, and one thread per session
 * reads the server's control messages and hands each answer to the request it names. An
 * {@link ErrorReply} (from a server that does not know the request) fails every request waiting,
 * since it names none; messages that answer no request of ours are ignored.
 *
 * <p>Thread safety: no lock. {@code pending} is a concurrent map, written by the requesting
 * threads and read by the reader thread; each answer future completes once, by whichever comes
 * first: its answer, the end of the session, or its caller giving up. {@code end} (volatile) is
 * set once by the reader thread when the session ends, so a request sent after that fails at once.
 */
final class ControlChannel {
    private final MuxSession mux;
    private final String instance;
    private final AtomicInteger nextRequest = new AtomicInteger();
    private final Map<Integer, CompletableFuture<TunnelReply>> pending = new ConcurrentHashMap<>();
    private volatile IOException end;

    /** A request on its way: its answer is still to come. */
    record Call(TunnelRequest request, CompletableFuture<TunnelReply> answer) {}

    /**
     * Reads the session's control messages on a thread of {@code threads} until the session ends.
     *
     * @param instance the client's instance id, sent with every open_tunnel (docs/protocol/TUNNEL.md 8.1)
     */
    ControlChannel(MuxSession mux, OwnedThreads threads, String instance) {
        this.mux = mux;
        this.instance = instance;
        threads.start("control", this::readAnswers);
    }

    /**
     * Asks for a tunnel; see {@link #await}.
     *
     * @param preferredPort for a TCP or UDP tunnel with remote port 0: the port to have again if the server can (or null)
     * @param policies the built-in policies the server is to run on the tunnel, as open_tunnel carries them (or null)
     */
    Call open(TunnelSpec spec, Integer preferredPort, List<Map<String, Object>> policies) throws IOException {
        int request = nextRequest.getAndIncrement();
        return send(spec.type() == TunnelType.HTTP
                ? new OpenTunnel(request, spec.name(), spec.type().wireName(), null, spec.host(), null, instance, policies,
                        spec.passthrough() ? Boolean.TRUE : null)
                : new OpenTunnel(request, spec.name(), spec.type().wireName(), spec.remotePort(), null, preferredPort, instance,
                        policies));
    }

    /** Asks to close a tunnel; see {@link #await}. */
    Call close(String name) throws IOException {
        return send(new CloseTunnel(nextRequest.getAndIncrement(), name));
    }

    private Call send(TunnelRequest request) throws IOException {
        CompletableFuture<TunnelReply> answer = new CompletableFuture<>();
        pending.put(request.request(), answer);
        IOException ended = end;
        if (ended != null) {
            answer.completeExceptionally(ended); // the reader is gone: no answer will come
        }
        try {
            mux.sendControl(ControlCodec.encode(request));
        } catch (IOException | RuntimeException e) {
            pending.remove(request.request());
            throw e;
        }
        return new Call(request, answer);
    }

    /** Waits for the answer to {@code call}: TunnelOpened, TunnelRefused or TunnelClosed. */
    TunnelReply await(Call call, Duration timeout) throws IOException {
        try {
            return call.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no answer to " + call.request().type() + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an answer to " + call.request().type());
        } finally {
            pending.remove(call.request().request());
        }
    }

    private void readAnswers() {
        IOException ended;
        try {
            while (true) {
                if (ControlCodec.decode(mux.receiveControl(Duration.ZERO)) instanceof TunnelReply reply) {
                    switch (reply) {
                        case TunnelOpened opened -> answered(opened.request(), opened);
                        case TunnelRefused refused -> answered(refused.request(), refused);
                        case TunnelClosed closed -> answered(closed.request(), closed);
                        case ErrorReply error -> {
                            IOException refused = new IOException("server: " + (error.reason() == null ? "error" : error.reason()));
                            pending.values().forEach(f -> f.completeExceptionally(refused));
                        }
                    }
                } // else: not an answer (docs/protocol/TUNNEL.md 8.4)
            }
        } catch (ProtocolException e) {
            mux.close(e.code(), e.getMessage());
            ended = e;
        } catch (IOException e) {
            ended = e; // the session ended
        }
        end = ended;
        pending.values().forEach(f -> f.completeExceptionally(ended));
    }

    private void answered(int request, TunnelReply reply) {
        CompletableFuture<TunnelReply> waiting = pending.get(request);
        if (waiting != null) {
            waiting.complete(reply);
        } // else: an answer that came after its request gave up
    }
}
