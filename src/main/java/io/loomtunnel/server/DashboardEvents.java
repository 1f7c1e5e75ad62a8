package io.loomtunnel.server;

import io.loomtunnel.internal.admin.EventHub;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tls.PeerId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A server's events for its caller, and for the dashboard's event stream as well
 * (docs/DASHBOARD.md, "API"): client sessions up and down, their tunnels opened and closed. Each
 * goes to the caller's {@link ServerEvents} first, then to the hub, which never blocks; every
 * other event goes to the caller only.
 */
final class DashboardEvents implements ServerEvents {
    private final ServerEvents caller;
    private final EventHub hub;
    private final Supplier<Status> status;

    DashboardEvents(ServerEvents caller, EventHub hub, Supplier<Status> status) {
        this.caller = caller;
        this.hub = hub;
        this.status = status;
    }

    @Override
    public void clientConnected(PeerId client, String principal, String address) {
        caller.clientConnected(client, principal, address);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("peer", client.abbreviated());
        s.put("principal", principal);
        s.put("address", address);
        hub.publish("session", Map.of("action", "up", "session", s));
    }

    @Override
    public void clientDisconnected(PeerId client, String reason) {
        caller.clientDisconnected(client, reason);
        hub.publish("session", Map.of("action", "down", "session", Map.of("peer", client.abbreviated(), "reason", reason)));
    }

    @Override
    public void tunnelOpened(PeerId client, String tunnel, String publicAddress) {
        caller.tunnelOpened(client, tunnel, publicAddress);
        tunnel("opened", client, tunnel, publicAddress);
    }

    @Override
    public void tunnelClosed(PeerId client, String tunnel) {
        caller.tunnelClosed(client, tunnel);
        tunnel("closed", client, tunnel, null);
    }

    /** {@code {"action", "client", "tunnel": Status.Tunnel}}: the tunnel as the status has it, else its name and address only. */
    private void tunnel(String action, PeerId client, String name, String address) {
        String peer = client.abbreviated();
        Status.Tunnel t = status.get().sessions().stream().filter(s -> s.peer().equals(peer))
                .flatMap(s -> s.tunnels().stream()).filter(x -> x.name().equals(name)).findFirst()
                .orElse(new Status.Tunnel(name, null, address, null, 0, 0, 0, 0, 0, null, null, null));
        hub.publish("tunnel", Map.of("action", action, "client", peer, "tunnel", t));
    }

    @Override
    public void clientRefused(String reason) {
        caller.clientRefused(reason);
    }

    @Override
    public void tunnelRefused(PeerId client, String tunnel, String reason) {
        caller.tunnelRefused(client, tunnel, reason);
    }

    @Override
    public void shareRegistered(PeerId share, int allowedPeers, String observed) {
        caller.shareRegistered(share, allowedPeers, observed);
    }

    @Override
    public void relayOpened(String session, PeerId connect, PeerId share) {
        caller.relayOpened(session, connect, share);
    }

    @Override
    public void relayClosed(String session, long bytes) {
        caller.relayClosed(session, bytes);
    }

    @Override
    public void relayRefused(PeerId peer, String reason) {
        caller.relayRefused(peer, reason);
    }
}
