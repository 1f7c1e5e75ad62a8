package io.loomtunnel.server;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.protocol.StreamPreface;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.session.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The streams the server opens to one client, one per public connection (TCP) or HTTP request,
 * each introduced by its stream preface (docs/protocol/TUNNEL.md 8.2) and counted against the
 * client's stream limit until it closes. A connection over the limit is dropped at once.
 *
 * <p>Thread safety: no lock; {@code permits} (a semaphore, never waited on) is the only state.
 */
final class ClientStreams {
    /** How long an ingress connection waits for room in the client's accept backlog. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final Session session;
    private final EndpointMetrics metrics;
    private final int limit;
    private final Semaphore permits;

    ClientStreams(Session session, EndpointMetrics metrics, int limit) {
        this.session = session;
        this.metrics = metrics;
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** Relays one public TCP connection through a new stream; returns when the connection ends. */
    void relay(Socket socket, String tunnel, TunnelCounters counters) {
        if (!permits.tryAcquire()) {
            metrics.streamRefused(Reasons.STREAM_LIMIT);
            closeQuietly(socket); // over this client's connection limit
            return;
        }
        try {
            MuxStream stream;
            try {
                stream = session.mux().open(OPEN_TIMEOUT);
            } catch (IOException e) {
                metrics.streamRefused(Reasons.OPEN_FAILED);
                throw e;
            }
            counters.streamsOpened().increment();
            boolean clean = false;
            try {
                new StreamPreface(tunnel, address(socket)).writeTo(stream.output());
                clean = Splice.run(socket, stream, counters.bytesIn(), counters.bytesOut());
            } finally {
                counters.streamsClosed().increment();
                if (!clean) {
                    counters.streamsReset().increment();
                }
            }
        } catch (IOException e) {
            closeQuietly(socket);
        } finally {
            permits.release();
        }
    }

    /** Opens a stream for one HTTP request, counted against the client's stream limit until closed. */
    StreamUpstream openUpstream(String tunnel, TunnelCounters counters) throws IOException {
        if (!permits.tryAcquire()) {
            metrics.streamRefused(Reasons.STREAM_LIMIT);
            throw new IOException("client " + session.peer().abbreviated() + " has " + limit + " connections, its limit");
        }
        try {
            MuxStream stream = session.mux().open(OPEN_TIMEOUT);
            new StreamPreface(tunnel, "http").writeTo(stream.output());
            counters.streamsOpened().increment();
            return new StreamUpstream(stream, counters, () -> {
                counters.streamsClosed().increment();
                permits.release();
            });
        } catch (IOException | RuntimeException e) {
            metrics.streamRefused(Reasons.OPEN_FAILED);
            permits.release();
            throw e;
        }
    }

    private static String address(Socket s) {
        InetSocketAddress a = (InetSocketAddress) s.getRemoteSocketAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
