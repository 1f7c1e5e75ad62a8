package io.loomtunnel.internal.admin;

import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.observe.Status;
import java.util.List;

/** What the admin endpoint watches and controls: a server or a client. The actions one of them lacks say so. */
public interface AdminTarget {
    Status status();

    EndpointMetrics metrics();

    /**
     * The live events the dashboard streams (tunnel, session, request); null when the target publishes none,
     * and the endpoint makes a hub of its own (its log lines only). Asked for once, at start.
     */
    default EventHub events() {
        return null;
    }

    /** The tunnels now ({@code GET /api/tunnels}): by default those of every session in the status. */
    default List<Status.Tunnel> tunnels() {
        return status().sessions().stream().flatMap(s -> s.tunnels().stream()).toList();
    }

    /** The keys this target trusts ({@code GET /api/keys}): by default its id and role only. */
    default AdminKeys keys() {
        Status s = status();
        return AdminKeys.basic(s.id(), s.role());
    }

    /** Ends a session at once (server). */
    default void kick(String sessionId) throws AdminException {
        throw new AdminException(AdminException.BAD_REQUEST, "kick ends a client's session: attach to a server");
    }

    /**
     * Opens a tunnel now (client).
     *
     * @param type tcp, udp or http
     * @param spec as the client's flags take it: {@code [NAME=]REMOTE_PORT:HOST:PORT} or {@code [NAME=]HOST:HOST:PORT}
     */
    default Status.Tunnel open(String type, String spec) throws AdminException {
        throw new AdminException(AdminException.BAD_REQUEST, "open registers a client's tunnel: attach to a client");
    }

    /** Closes a tunnel now (client); the server frees its port or host. */
    default void close(String tunnel) throws AdminException {
        throw new AdminException(AdminException.BAD_REQUEST, "close ends a client's tunnel: attach to a client");
    }
}
