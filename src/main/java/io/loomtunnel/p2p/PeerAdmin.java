package io.loomtunnel.p2p;

import io.loomtunnel.Version;
import io.loomtunnel.internal.admin.AdminException;
import io.loomtunnel.internal.admin.AdminKeys;
import io.loomtunnel.internal.admin.AdminTarget;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tls.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A share or connect as the admin endpoint sees it (docs/METRICS.md, "Status JSON"): its running
 * peer-to-peer sessions, each with its path, RTT, streams and the counts of its service; kick ends one.
 */
final class PeerAdmin implements AdminTarget {
    /** How each side knows the other: by the key it pinned (the share's allow list, the connect's --peer). */
    static final String PRINCIPAL = "pinned key";

    private final String role;
    private final PeerId id;
    private final PeerMetering meters;
    private final Supplier<List<PeerSession>> sessions;
    private final Function<PeerSession, String> address;
    private final Function<PeerSession, String> local;
    private final List<String> allow;

    /**
     * @param role share or connect
     * @param sessions the running sessions now
     * @param address where a session's service is reached from (the tunnel's {@code address})
     * @param local what a session's service reaches (the tunnel's {@code local}), or null
     * @param allow whom it trusts, for {@code /api/keys}: the share's allowed peers, the connect's pinned peer
     */
    PeerAdmin(String role, PeerId id, PeerMetering meters, Supplier<List<PeerSession>> sessions,
              Function<PeerSession, String> address, Function<PeerSession, String> local, List<String> allow) {
        this.role = role;
        this.id = id;
        this.meters = meters;
        this.sessions = sessions;
        this.address = address;
        this.local = local;
        this.allow = List.copyOf(allow);
    }

    /** The meters; only asked for when something watches (Observability), so never null then. */
    @Override
    public EndpointMetrics metrics() {
        return meters.metrics();
    }

    @Override
    public Status status() {
        List<Status.Session> out = new ArrayList<>();
        List<PeerSession> running = sessions.get();
        for (PeerSession s : running) {
            Duration rtt = s.mux().rtt();
            Status.Tunnel service = s.counters().tunnelStatus(s.service(), s.type().wireName(), address.apply(s), local.apply(s));
            out.add(new Status.Session(s.id(), s.peer().abbreviated(), PRINCIPAL, where(s), rtt == null ? null : rtt.toNanos() / 1e6,
                    s.uptimeSeconds(), s.mux().streamCount(), List.of(service), PeerMetering.pathOf(s), s.pathChanges()));
        }
        return new Status(role, Version.SOFTWARE, id.toString(), meters.uptimeSeconds(), meters.totals(running),
                meters.throughput(), out);
    }

    @Override
    public AdminKeys keys() {
        return new AdminKeys(id.toString(), role, null, List.of(), allow);
    }

    /** A share's allowed peers as {@code /api/keys} lists them: {@code ID: service, ...} or {@code ID: every service}. */
    static List<String> allowed(AllowList list) {
        return list.peers().entrySet().stream().map(e -> e.getKey() + ": "
                + (e.getValue().isEmpty() ? "every service" : String.join(", ", new java.util.TreeSet<>(e.getValue())))).sorted().toList();
    }

    /** Ends the session with that id (or its first 8 characters, as logs show it) at once. */
    @Override
    public void kick(String sessionId) throws AdminException {
        for (PeerSession s : sessions.get()) {
            if (s.id().equals(sessionId) || s.shortId().equals(sessionId)) {
                s.close();
                return;
            }
        }
        throw new AdminException(AdminException.NOT_FOUND, "there is no session '" + sessionId + "'");
    }

    @Override
    public Status.Tunnel open(String type, String spec) throws AdminException {
        throw new AdminException(AdminException.BAD_REQUEST, "open registers a client's tunnel: a " + role + " has none");
    }

    @Override
    public void close(String tunnel) throws AdminException {
        throw new AdminException(AdminException.BAD_REQUEST, "close ends a client's tunnel: a " + role + " has none");
    }

    /** The other end of the path: the peer's address, or the relaying server's ({@code direct ADDRESS}, {@code relay via ADDRESS}). */
    private static String where(PeerSession s) {
        String path = s.path();
        return path.substring(path.lastIndexOf(' ') + 1);
    }
}
