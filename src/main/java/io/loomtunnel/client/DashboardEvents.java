package io.loomtunnel.client;

import io.loomtunnel.internal.admin.EventHub;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tls.PeerId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client's events for its caller, and for the dashboard's event stream as well
 * (docs/DASHBOARD.md, "API"): tunnels opened and moved, the session up and reconnecting. Each
 * goes to the caller's {@link ClientEvents} first, then to the hub, which never blocks.
 */
final class DashboardEvents implements ClientEvents {
    private final ClientEvents caller;
    private final EventHub hub;
    private final ClientTunnels tunnels;

    DashboardEvents(ClientEvents caller, EventHub hub, ClientTunnels tunnels) {
        this.caller = caller;
        this.hub = hub;
        this.tunnels = tunnels;
    }

    /** A {@code tunnel} event: {@code {"action": ..., "tunnel": Status.Tunnel}}. */
    void tunnel(String action, Status.Tunnel t) {
        hub.publish("tunnel", Map.of("action", action, "tunnel", t));
    }

    private Status.Tunnel status(PublicTunnel t) {
        return tunnels.counters(t.spec()).tunnelStatus(t.spec().name(), t.spec().type().wireName(), t.address(), t.spec().local());
    }

    /** A {@code session} event: {@code {"action": ..., "session": {...}}}. */
    private void session(String action, Map<String, Object> session) {
        hub.publish("session", Map.of("action", action, "session", session));
    }

    @Override
    public void connected(PeerId server, String cipherSuite, boolean reconnected) {
        caller.connected(server, cipherSuite, reconnected);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("peer", server.abbreviated());
        s.put("cipherSuite", cipherSuite);
        s.put("reconnected", reconnected);
        session("up", s);
    }

    @Override
    public void tunnelOpened(PublicTunnel tunnel) {
        caller.tunnelOpened(tunnel);
        tunnel("opened", status(tunnel));
    }

    @Override
    public void tunnelMoved(PublicTunnel tunnel, String previous) {
        caller.tunnelMoved(tunnel, previous);
        tunnel("moved", status(tunnel));
    }

    @Override
    public void tunnelRefused(String name, String reason) {
        caller.tunnelRefused(name, reason);
    }

    @Override
    public void disconnected(String reason, Duration retryIn) {
        caller.disconnected(reason, retryIn);
        session("reconnecting", Map.of("reason", reason, "retryInMillis", retryIn.toMillis()));
    }

    /** The client is closing: its session ends for good. */
    void closing() {
        session("down", Map.of("reason", "closed"));
    }

    @Override
    public void localUnreachable(String tunnel, String local, String reason) {
        caller.localUnreachable(tunnel, local, reason);
    }
}
