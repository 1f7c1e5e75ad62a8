package io.loomtunnel.client;

import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ErrorReply;
import io.loomtunnel.internal.protocol.TunnelClosed;
import io.loomtunnel.internal.protocol.TunnelOpened;
import io.loomtunnel.internal.protocol.TunnelRefused;
import io.loomtunnel.internal.protocol.TunnelReply;
import io.loomtunnel.internal.protocol.TunnelRequest;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's requests to the server after registration (open_tunnel and close_tunnel while
 * running, docs/protocol/TUNNEL.md 8.4): each gets a request number, and one virtual thread per session
 * reads the server's control messages and hands each answer to the request it names. An
 * {@code error} answer (from a server that does not know the request) fails every request
 * waiting, since it names none; messages that answer no request of ours are ignored.
 */
final class ControlChannel {
    private final MuxSession mux;
    private final AtomicInteger nextRequest;
    private final Map<Integer, CompletableFuture<TunnelReply>> pending = new ConcurrentHashMap<>();

    /** @param firstRequest above every request number registration used */
    ControlChannel(MuxSession mux, int firstRequest) {
        this.mux = mux;
        this.nextRequest = new AtomicInteger(firstRequest);
        Thread.ofVirtual().name("client-control").start(this::readAnswers);
    }

    int newRequest() {
        return nextRequest.getAndIncrement();
    }

    /** Sends a request and waits for its answer. */
    TunnelReply call(TunnelRequest message, Duration timeout) throws IOException {
        int request = message.request();
        String type = message.type();
        CompletableFuture<TunnelReply> answer = new CompletableFuture<>();
        pending.put(request, answer);
        try {
            mux.sendControl(ControlCodec.encode(message));
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no answer to " + type + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for an answer to " + type);
        } finally {
            pending.remove(request);
        }
    }

    private void readAnswers() {
        IOException end;
        try {
            while (true) {
                if (ControlCodec.decode(mux.receiveControl(Duration.ZERO)) instanceof TunnelReply reply) {
                    switch (reply) {
                        case ErrorReply error -> {
                            IOException refused = new IOException("server: " + (error.reason() == null ? "error" : error.reason()));
                            pending.values().forEach(f -> f.completeExceptionally(refused));
                        }
                        case TunnelOpened opened -> answered(opened.request(), opened);
                        case TunnelRefused refused -> answered(refused.request(), refused);
                        case TunnelClosed closed -> answered(closed.request(), closed);
                    }
                } // else: not an answer (docs/protocol/TUNNEL.md 8.4)
            }
        } catch (ProtocolException e) {
            mux.close(e.code(), e.getMessage());
            end = e;
        } catch (IOException e) {
            end = e; // the session ended
        }
        IOException cause = end;
        pending.values().forEach(f -> f.completeExceptionally(cause));
    }

    private void answered(int request, TunnelReply reply) {
        CompletableFuture<TunnelReply> waiting = pending.get(request);
        if (waiting != null) {
            waiting.complete(reply);
        } // else: an answer that came after its request gave up
    }
}
