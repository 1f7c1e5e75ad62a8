package io.loomtunnel.server;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.limits.RefusalLog;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.protocol.StreamPreface;
import io.loomtunnel.internal.tunnel.IdleWatch;
import io.loomtunnel.internal.tunnel.ServiceFailure;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.session.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The streams the server opens to one client, one per public connection (TCP) or HTTP request,
 * each introduced by its stream preface (docs/protocol/TUNNEL.md 8.2) and counted until it closes
 * against the client's stream limit and against its tunnel's {@link Share} of it. With n TCP and
 * HTTP tunnels open, a tunnel's fair share is limit/n: a tunnel within it gets a stream whenever
 * the client has one left; a tunnel past it gets one only while a fair share stays free for the
 * others. So a tunnel full of idle connections cannot starve the client's other tunnels. A
 * connection over a limit is dropped at once; a TCP connection that moves no byte for the idle
 * timeout is aborted ({@link IdleWatch}).
 *
 * <p>Locking: {@code this} guards {@code used}, {@code tunnels} and each share's {@code used} and
 * {@code closed}. Nothing blocks under it and no other lock is taken under it. The idle watch is
 * the server's, shared by every client (one thread for all), and closed by the server.
 */
final class ClientStreams {
    /** How long an ingress connection waits for room in the client's accept backlog. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final Session session;
    private final EndpointMetrics metrics;
    private final int limit;
    private final IdleWatch idle;
    private final RefusalLog serviceLog;
    private int used;
    private int tunnels;

    /**
     * @param idle the server's idle watch, on which this client's TCP connections are watched
     * @param serviceLog the server's rate-limited log of TCP connections whose local service the client could not reach
     */
    ClientStreams(Session session, EndpointMetrics metrics, int limit, IdleWatch idle, RefusalLog serviceLog) {
        this.session = session;
        this.metrics = metrics;
        this.limit = limit;
        this.idle = idle;
        this.serviceLog = serviceLog;
    }

    /** A TCP or HTTP tunnel was opened: from now on it has a fair share of the streams. */
    synchronized Share share(String tunnel, TunnelCounters counters) {
        tunnels++;
        return new Share(tunnel, counters);
    }

    /** Takes a stream for {@code share}, or says (for the log, not for strangers) why it may not have one. */
    private synchronized String admit(Share share) {
        if (used >= limit) {
            return "client " + session.peer().abbreviated() + " has " + limit + " streams, its limit";
        }
        int fair = Math.max(1, limit / Math.max(1, tunnels));
        if (share.used >= fair && limit - used - 1 < fair) {
            return "tunnel '" + share.tunnel + "' of client " + session.peer().abbreviated() + " has " + share.used + " of its "
                    + limit + " streams, its fair share with " + tunnels + " tunnels open";
        }
        used++;
        share.used++;
        return null;
    }

    private synchronized void release(Share share) {
        used--;
        share.used--;
    }

    /** One tunnel's part of the client's streams. */
    final class Share {
        private final String tunnel;
        private final TunnelCounters counters;
        private int used;
        private boolean closed;

        private Share(String tunnel, TunnelCounters counters) {
            this.tunnel = tunnel;
            this.counters = counters;
        }

        /** Whether the client's session has ended (its tunnels' connections then end too). */
        boolean sessionClosed() {
            return session.mux().isClosed();
        }

        /** The tunnel was closed: it no longer counts among the tunnels that share; its streams in flight go on. */
        void close() {
            synchronized (ClientStreams.this) {
                if (!closed) {
                    closed = true;
                    tunnels--;
                }
            }
        }

        /**
         * Relays one public TCP connection through a new stream, {@code first} (a policy's PROXY
         * header, or nothing) ahead of the visitor's bytes; returns when the connection ends.
         */
        void relay(Socket socket, byte[] first) {
            if (admit(this) != null) {
                metrics.streamRefused(Reasons.STREAM_LIMIT);
                closeQuietly(socket); // over a limit
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
                    if (first.length > 0) {
                        stream.output().write(first);
                        stream.output().flush();
                    }
                    clean = Splice.run(socket, stream, counters.bytesIn(), counters.bytesOut(), idle,
                            code -> resetByClient(code, socket));
                } finally {
                    counters.streamsClosed().increment();
                    if (!clean) {
                        counters.streamsReset().increment();
                    }
                }
            } catch (IOException e) {
                closeQuietly(socket);
            } finally {
                release(this);
            }
        }

        /**
         * The client reset the connection's stream: when it says that it could not reach the local
         * service, the operator's log says so in words (the visitor's connection is closed as before).
         */
        private void resetByClient(ErrorCode code, Socket socket) {
            ServiceFailure failure = ServiceFailure.of(code);
            if (failure != null) {
                serviceLog.refused(((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress().getHostAddress(),
                        "tunnel " + tunnel + " of client " + session.peer().abbreviated() + ": " + failure.sentence());
            }
        }

        /** Opens a stream for one HTTP request, counted until closed; the exception's message is for the log only. */
        StreamUpstream openUpstream() throws IOException {
            String refusal = admit(this);
            if (refusal != null) {
                metrics.streamRefused(Reasons.STREAM_LIMIT);
                throw new IOException(refusal);
            }
            try {
                MuxStream stream = session.mux().open(OPEN_TIMEOUT);
                new StreamPreface(tunnel, "http").writeTo(stream.output());
                counters.streamsOpened().increment();
                return new StreamUpstream(stream, counters, () -> {
                    counters.streamsClosed().increment();
                    release(this);
                });
            } catch (IOException | RuntimeException e) {
                metrics.streamRefused(Reasons.OPEN_FAILED);
                release(this);
                throw e;
            }
        }
    }

    private static String address(Socket s) {
        InetSocketAddress a = (InetSocketAddress) s.getRemoteSocketAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
