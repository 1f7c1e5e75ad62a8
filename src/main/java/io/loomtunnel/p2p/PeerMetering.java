package io.loomtunnel.p2p;

import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.PathMeters;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.path.PeerPath;
import io.loomtunnel.observe.Meters;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tunnel.TunnelType;
import java.io.Closeable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A share's or connect's meters (docs/METRICS.md, roles {@code share} and {@code connect}),
 * started only when its settings ask for watching: an admin endpoint, a JSON file, OTLP, or the
 * application's registry. Metering a JVM (its memory, GC and thread meters) costs about a second
 * of start-up, which a share or connect that nobody watches need not pay. Either way each session
 * counts its own bytes, datagrams and streams, for {@code status()}.
 *
 * <p>Metered sessions are also counted by path ({@link PathMeters}: sessions, RTT and path
 * changes for {@code direct} and {@code relay}), each session's path read when scraped, so a
 * session that changes path moves between the series by itself; {@link #pathChanged} counts the move.
 *
 * <p>Threads: the meters' sampler when started ({@link EndpointMetrics}); {@link #close} joins it.
 * No lock: the meters and {@code running} are thread-safe and the fields final.
 */
final class PeerMetering implements Closeable {
    private final EndpointMetrics metrics; // null: nothing watches
    /** This endpoint as its meters' {@code client} label names it (as a client names itself): its id abbreviated. */
    private final String self;
    private final long startNanos = System.nanoTime();
    private final PathMeters paths; // null: nothing watches
    /** The metered sessions started and not yet ended, for the sessions-by-path gauges. */
    private final Set<PeerSession> running = ConcurrentHashMap.newKeySet();

    /**
     * @param role share or connect
     * @param self this endpoint's id, abbreviated
     */
    PeerMetering(String role, String self, ObserveSettings observe) {
        this.self = self;
        boolean watched = observe.registry() != null || observe.adminBind() != null || observe.metricsJson() != null
                || observe.otlpEndpoint() != null;
        this.metrics = watched ? EndpointMetrics.start(role, observe.registry()) : null;
        this.paths = watched ? new PathMeters(metrics, this::runningOn) : null;
    }

    /** {@link PathMeters#DIRECT} or {@link PathMeters#RELAY}: the path a session takes now. */
    static String pathOf(PeerSession s) {
        return s.relayed() ? PathMeters.RELAY : PathMeters.DIRECT;
    }

    private int runningOn(String path) {
        int n = 0;
        for (PeerSession s : running) {
            if (pathOf(s).equals(path)) {
                n++;
            }
        }
        return n;
    }

    /** The meters, or null when nothing watches (then nothing serves them either). */
    EndpointMetrics metrics() {
        return metrics;
    }

    /** The read-only view, or null when nothing watches. */
    Meters view() {
        return metrics == null ? null : metrics.view();
    }

    /** Counters for a new session's service: its name's meters' child, or counters of its own. */
    TunnelCounters counters(String service, TunnelType type) {
        return metrics == null ? new TunnelCounters() : metrics.openTunnel(self, service, type.wireName());
    }

    /** A session with counters from {@link #counters} is running. */
    void started(PeerSession s) {
        if (metrics != null) {
            metrics.sessionOpened();
            running.add(s);
            watchRtt(s);
        }
    }

    /**
     * Records the RTT that {@code s}'s multiplexed session measures, on the path {@code s} takes
     * when measured; called again when a session moves onto another multiplexed session (a
     * mux has one RTT listener, which runs on its reader thread and must not block or throw).
     */
    void watchRtt(PeerSession s) {
        if (metrics != null) {
            s.mux().onRtt(nanos -> {
                metrics.recordRtt(nanos);
                paths.recordRtt(pathOf(s), nanos);
            });
        }
    }

    /**
     * A running session moved from path {@code from} to {@code to}: counted in
     * {@code loomtunnel.p2p.path.changes} (docs/METRICS.md). The session's own path (what
     * {@link PeerSession#relayed()} says) decides the sessions-by-path gauges; call this once it
     * has changed (and {@link #watchRtt} if the session now runs on another multiplexed session).
     *
     * @param from {@link PathMeters#DIRECT} or {@link PathMeters#RELAY}
     * @param to the other one
     * @throws IllegalArgumentException another word, or the same path twice
     */
    void pathChanged(String from, String to) {
        PathMeters.checkChange(from, to);
        if (paths != null) {
            paths.pathChanged(from, to);
        }
    }

    /** A session {@link #started} ended; its counts stay in its service's and the totals. */
    void ended(PeerSession s) {
        if (metrics != null) {
            running.remove(s);
            metrics.sessionClosed(Reasons.sessionClosed(s.mux().closeCause()));
            metrics.release(s.counters());
        }
    }

    /** {@code s} moved from path {@code from} to {@code to}: counted, and its RTT watched on the new path. */
    void pathChanged(PeerSession s, PeerPath from, PeerPath to) {
        pathChanged(kind(from), kind(to));
        watchRtt(s);
    }

    private static String kind(PeerPath p) {
        return p.relayed() ? PathMeters.RELAY : PathMeters.DIRECT;
    }

    /** Time since the share or connect started. */
    double uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Since start over every session when metered; else over the running ones only. */
    Status.Totals totals(List<PeerSession> running) {
        int n = running.size();
        if (metrics != null) {
            return metrics.total().totals(n, n);
        }
        long streams = 0;
        long in = 0;
        long out = 0;
        long dIn = 0;
        long dOut = 0;
        long dropped = 0;
        for (PeerSession s : running) {
            TunnelCounters c = s.counters();
            streams += c.streamsActive();
            in += c.bytesIn().get();
            out += c.bytesOut().get();
            dIn += c.datagramsIn().get();
            dOut += c.datagramsOut().get();
            dropped += c.datagramsDropped().get();
        }
        return new Status.Totals(n, n, streams, in, out, dIn, dOut, dropped);
    }

    /** The throughput of the last seconds; none measured when nothing watches. */
    Status.Throughput throughput() {
        return metrics != null ? metrics.total().throughput() : new Status.Throughput(0, 0, 0, List.of());
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
