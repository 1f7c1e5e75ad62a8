package io.loomtunnel.p2p;

import io.loomtunnel.Version;
import io.loomtunnel.internal.admin.AdminException;
import io.loomtunnel.internal.admin.AdminKeys;
import io.loomtunnel.internal.admin.AdminTarget;
import io.loomtunnel.internal.admin.EventHub;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tls.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A share or connect as the admin endpoint sees it (docs/METRICS.md, "Status JSON"): its running
 * peer-to-peer sessions, each with its path, RTT, streams and the counts of its service; kick ends
 * one. Sessions going up, down and changing path are published on its hub for the dashboard's
 * event stream (docs/DASHBOARD.md, "API"); the hub never blocks.
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
    private final EventHub hub = new EventHub();
    /** The server key the signaling pins, once a transport through a server has been used; else null. */
    private volatile PeerId pinnedServer;

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
    public EventHub events() {
        return hub;
    }

    @Override
    public AdminKeys keys() {
        PeerId server = pinnedServer;
        return new AdminKeys(id.toString(), role, server == null ? null : server.toString(), List.of(), allow);
    }

    /** Remembers the server key the signaling pins, for {@code /api/keys}; null (manual, Nostr alone) changes nothing. */
    void pinnedServer(PeerId server) {
        if (server != null) {
            pinnedServer = server;
        }
    }

    /** A session came up: a {@code session} event {@code up} with its id, peer and path. */
    void started(PeerSession s) {
        Map<String, Object> session = event(s);
        session.put("address", s.path());
        hub.publish("session", Map.of("action", "up", "session", session));
    }

    /** A session moved to another path (a relayed one found a direct path): {@code path}, with the old one. */
    void pathChanged(PeerSession s, String from) {
        Map<String, Object> session = event(s);
        session.put("address", s.path());
        session.put("from", from);
        hub.publish("session", Map.of("action", "path", "session", session));
    }

    /** A session ended: {@code down}, with why. */
    void ended(PeerSession s, String reason) {
        Map<String, Object> session = event(s);
        session.put("reason", reason);
        hub.publish("session", Map.of("action", "down", "session", session));
    }

    private static Map<String, Object> event(PeerSession s) {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", s.shortId());
        session.put("peer", s.peer().abbreviated());
        session.put("service", s.service());
        return session;
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
