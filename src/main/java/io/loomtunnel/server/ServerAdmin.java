package io.loomtunnel.server;

import io.loomtunnel.internal.admin.AdminException;
import io.loomtunnel.internal.admin.AdminTarget;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.observe.Status;

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
