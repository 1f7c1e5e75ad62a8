package io.loomtunnel.internal.metrics;

/**
 * Every meter name and tag key loomtunnel registers (Micrometer's dotted names; docs/METRICS.md
 * lists each with its Prometheus name). Tag values are bounded: roles, clients and tunnel names
 * (capped together), tunnel types, directions, paths and fixed reason words, never addresses or stream ids.
 */
public final class MeterNames {
    public static final String SESSIONS_ACTIVE = "loomtunnel.sessions.active";
    public static final String SESSIONS_OPENED = "loomtunnel.sessions.opened";
    public static final String SESSIONS_CLOSED = "loomtunnel.sessions.closed";
    public static final String HANDSHAKE_FAILURES = "loomtunnel.handshake.failures";
    public static final String AUTH_FAILURES = "loomtunnel.auth.failures";
    public static final String RECONNECTS = "loomtunnel.reconnects";
    public static final String SESSION_RTT = "loomtunnel.session.rtt";
    public static final String UPTIME = "loomtunnel.uptime";
    public static final String TUNNELS_ACTIVE = "loomtunnel.tunnels.active";
    public static final String TUNNELS_REFUSED = "loomtunnel.tunnels.refused";
    public static final String STREAMS_ACTIVE = "loomtunnel.streams.active";
    public static final String STREAMS_OPENED = "loomtunnel.streams.opened";
    public static final String STREAMS_RESET = "loomtunnel.streams.reset";
    public static final String STREAMS_REFUSED = "loomtunnel.streams.refused";
    public static final String TUNNEL_BYTES = "loomtunnel.tunnel.bytes";
    public static final String TUNNEL_DATAGRAMS = "loomtunnel.tunnel.datagrams";
    public static final String RELAY_ACTIVE = "loomtunnel.relay.active";
    public static final String RELAY_OPENED = "loomtunnel.relay.opened";
    public static final String RELAY_REFUSED = "loomtunnel.relay.refused";
    public static final String RELAY_BYTES = "loomtunnel.relay.bytes";
    public static final String P2P_SESSIONS_ACTIVE = "loomtunnel.p2p.sessions.active";
    public static final String P2P_RTT = "loomtunnel.p2p.rtt";
    public static final String P2P_PATH_CHANGES = "loomtunnel.p2p.path.changes";
    public static final String VIRTUAL_THREADS_PREFIX = "jvm.threads.virtual.scheduler";

    public static final String ROLE = "role";
    /** A tunnel's client: its key id abbreviated (on a client, its own). */
    public static final String CLIENT = "client";
    public static final String TUNNEL = "tunnel";
    public static final String TYPE = "type";
    public static final String DIRECTION = "direction";
    public static final String REASON = "reason";
    /** A peer-to-peer session's path: {@code direct} or {@code relay}. */
    public static final String PATH = "path";
    public static final String FROM = "from";
    public static final String TO = "to";

    private MeterNames() {}
}
