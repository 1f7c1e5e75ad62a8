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
 * TLS), the service, and the path it takes. Each has its own lifecycle: closing one never touches another.
 *
 * <p>On the connecting side a relayed session may move to a direct path found later
 * (docs/P2P.md, "Paths and the path report"): new streams and datagrams take the new path, while
 * streams open on the old one finish there. No lock: the path is a volatile reference, replaced
 * only by the connecting side's upgrade thread.
 */
public final class PeerSession implements Closeable {
    private final String id;
    private final PeerId peer;
    private final String service;
    private final TunnelType type;
    private volatile PeerPath path;
    /** The path this session left, while its streams drain; null if none. */
    private volatile PeerPath previous;
    private volatile int pathChanges; // written only by moveTo, on connect's one direct-path looker
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
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            PeerPath p = path;
            long left = deadline - System.nanoTime();
            // In slices: the path may move meanwhile, and then the old one's end is not this session's.
            if (p.session().mux().awaitClosed(Duration.ofNanos(Math.max(0, Math.min(left, MOVE_CHECK.toNanos())))) && p == path) {
                return true;
            }
            if (left <= MOVE_CHECK.toNanos() && p == path) {
                return false;
            }
        }
    }

    /** How often a wait for the end looks whether the session moved to another path. */
    private static final Duration MOVE_CHECK = Duration.ofSeconds(1);

    /**
     * Moves the session to {@code next}: new streams and datagrams take it from now on. Returns
     * the path left, whose open streams may finish; its owner shuts it down.
     */
    PeerPath moveTo(PeerPath next) {
        PeerPath left = path;
        previous = left;
        path = next;
        pathChanges++;
        return left;
    }

    /**
     * How often the session moved to another path: connect's relayed session that went direct.
     *
     * @return the moves since the session started
     */
    public int pathChanges() {
        return pathChanges;
    }

    /** The path left has ended: nothing to close with this session any more. */
    void forgetPrevious(PeerPath left) {
        if (previous == left) {
            previous = null;
        }
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
        PeerPath left = previous;
        if (left != null) {
            left.session().close();
        }
        path.session().close();
    }

    @Override
    public String toString() {
        return "PeerSession[" + shortId() + ", peer " + peer.abbreviated() + ", " + service + ", " + path() + "]";
    }
}
