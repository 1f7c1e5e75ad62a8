package io.loomtunnel.client;

import io.loomtunnel.Version;
import io.loomtunnel.internal.admin.AdminException;
import io.loomtunnel.internal.admin.AdminKeys;
import io.loomtunnel.internal.admin.EventHub;
import io.loomtunnel.internal.admin.AdminTarget;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.tunnel.TunnelFlags;
import io.loomtunnel.observe.Status;
import io.loomtunnel.session.Session;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A client as the admin endpoint sees it: its status, and opening and closing tunnels from the console. */
final class ClientAdmin implements AdminTarget {
    private final TunnelClient client;

    ClientAdmin(TunnelClient client) {
        this.client = client;
    }

    @Override
    public EndpointMetrics metrics() {
        return client.counters();
    }

    @Override
    public EventHub events() {
        return client.hub();
    }

    /** Its tunnels, also while it reconnects (the status lists them only with the session). */
    @Override
    public List<Status.Tunnel> tunnels() {
        return client.tunnels().status();
    }

    @Override
    public AdminKeys keys() {
        return new AdminKeys(client.identity().id().toString(), "client", client.serverId().toString(), List.of(), List.of());
    }

    @Override
    public Status status() {
        ServerConnection c = client.currentConnection();
        ClientTunnels tunnels = client.tunnels();
        List<Status.Session> sessions = new ArrayList<>();
        if (c != null) {
            Session s = c.session();
            Duration rtt = s.mux().rtt();
            sessions.add(new Status.Session("1", s.peer().abbreviated(), s.principal(), String.valueOf(s.remoteAddress()),
                    rtt == null ? null : rtt.toNanos() / 1e6, (System.nanoTime() - c.connectedNanos()) / 1e9,
                    s.mux().streamCount(), tunnels.status()));
        }
        EndpointMetrics m = client.counters();
        return new Status("client", Version.SOFTWARE, client.identity().id().toString(), m.uptime().toNanos() / 1e9,
                m.total().totals(sessions.size(), tunnels.liveCount()), m.total().throughput(),
                sessions);
    }

    @Override
    public Status.Tunnel open(String type, String spec) throws AdminException {
        TunnelSpec parsed;
        try {
            parsed = switch (type) {
                case "tcp" -> TunnelFlags.tcp(spec);
                case "udp" -> TunnelFlags.udp(spec);
                case "http" -> TunnelFlags.http(spec);
                default -> throw new IllegalArgumentException("type must be tcp, udp or http, got '" + type + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.BAD_REQUEST, e.getMessage());
        }
        try {
            PublicTunnel t = client.openTunnel(parsed);
            return client.tunnels().counters(parsed).tunnelStatus(parsed.name(), type, t.address(), parsed.local());
        } catch (IOException e) {
            throw new AdminException(AdminException.CONFLICT, e.getMessage());
        }
    }

    @Override
    public void close(String tunnel) throws AdminException {
        if (!client.tunnels().has(tunnel)) {
            throw new AdminException(AdminException.NOT_FOUND, "there is no tunnel named '" + tunnel + "'");
        }
        try {
            client.closeTunnel(tunnel);
        } catch (IOException e) {
            throw new AdminException(AdminException.CONFLICT, e.getMessage());
        }
    }
}
