package io.loomtunnel.p2p;

import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.path.PeerPath;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.mux.SessionClosedException;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.TunnelType;
import java.io.Closeable;
import java.time.Duration;

/**
 * One running peer-to-peer session, on either side: its id from signaling, the peer (pinned by
 * TLS), the service, and the path it took. Each has its own lifecycle: closing one never touches another.
 */
public final class PeerSession implements Closeable {
    private final String id;
    private final PeerId peer;
    private final String service;
    private final TunnelType type;
    private final PeerPath path;
    private final TunnelCounters counters;
    private final long startNanos = System.nanoTime();

    /** @param counters what passes through the session, for the status and meters (released by whoever made them) */
    PeerSession(String id, PeerId peer, String service, TunnelType type, PeerPath path, TunnelCounters counters) {
        this.id = id;
        this.peer = peer;
        this.service = service;
        this.type = type;
        this.path = path;
        this.counters = counters;
    }

    /**
     * The session id both blocks carried (22 characters).
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The first 8 characters of the id, for logs.
     *
     * @return 8 characters
     */
    public String shortId() {
        return id.substring(0, 8);
    }

    /**
     * The other peer's key id.
     *
     * @return the id
     */
    public PeerId peer() {
        return peer;
    }

    /**
     * The name of the service the session reaches.
     *
     * @return the service's name
     */
    public String service() {
        return service;
    }

    /**
     * TCP (streams) or UDP (datagrams).
     *
     * @return tcp or udp
     */
    public TunnelType type() {
        return type;
    }

    /**
     * How the session travels: {@code direct 192.0.2.7:40001}.
     *
     * @return the path, for people
     */
    public String path() {
        return path.description();
    }

    /**
     * The multiplexed session to the other peer, for streams and datagrams of one's own.
     *
     * @return the session
     */
    public MuxSession mux() {
        return path.session().mux();
    }

    /**
     * Waits up to {@code timeout} for the session to end; true if it has.
     *
     * @param timeout how long to wait
     * @return true if it ended
     * @throws InterruptedException interrupted while waiting
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return mux().awaitClosed(timeout);
    }

    /**
     * Why the session ended, or null while it runs.
     *
     * @return the reason, or null
     */
    public String endReason() {
        SessionClosedException cause = mux().closeCause();
        return cause == null ? null : cause.getMessage();
    }

    /** Bytes, datagrams and streams through this session; "in" is toward the shared service. */
    TunnelCounters counters() {
        return counters;
    }

    /** Time since the session was set up. */
    double uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Whether a server relays the session. */
    boolean relayed() {
        return path.relayed();
    }

    @Override
    public void close() {
        path.session().close();
    }

    @Override
    public String toString() {
        return "PeerSession[" + shortId() + ", peer " + peer.abbreviated() + ", " + service + ", " + path() + "]";
    }
}
