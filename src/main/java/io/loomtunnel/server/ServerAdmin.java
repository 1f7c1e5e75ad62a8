package io.loomtunnel.server;

import io.loomtunnel.internal.admin.AdminException;
import io.loomtunnel.internal.admin.AdminKeys;
import io.loomtunnel.internal.admin.AdminTarget;
import io.loomtunnel.internal.admin.EventHub;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.observe.Status;
import java.util.ArrayList;
import java.util.List;

/** A server as the admin endpoint sees it: its status and counters, and kicking a client's session from the console. */
final class ServerAdmin implements AdminTarget {
    private final TunnelServer server;

    ServerAdmin(TunnelServer server) {
        this.server = server;
    }

    @Override
    public EndpointMetrics metrics() {
        return server.counters();
    }

    @Override
    public EventHub events() {
        return server.hub();
    }

    /** The client keys it lets in, each with what its grant allows, and the defaults for the rest (never the tokens). */
    @Override
    public AdminKeys keys() {
        ServerSettings s = server.settings();
        List<AdminKeys.AuthorizedKey> keys = s.authorizedKeys().stream().map(g -> new AdminKeys.AuthorizedKey(g.credential(),
                "ports " + (g.ports() == null ? "default" : g.ports()) + ", hosts " + (g.hosts() == null ? "default" : g.hosts())))
                .toList();
        List<String> allow = new ArrayList<>();
        allow.add("ports " + s.allowPorts());
        allow.add("hosts " + (s.allowHosts() == null ? "*." + s.domain() : String.join(", ", s.allowHosts())));
        return new AdminKeys(server.id().toString(), "server", null, keys, allow);
    }

    @Override
    public Status status() {
        return server.status();
    }

    @Override
    public void kick(String sessionId) throws AdminException {
        if (!server.kick(sessionId)) {
            throw new AdminException(AdminException.NOT_FOUND, "no session " + sessionId + " (sessions lists them)");
        }
    }
}
