package io.loomtunnel.observe;

import java.util.List;

/**
 * A server's, client's or peer's state, as {@code /api/status} answers (docs/METRICS.md, "Status
 * JSON"): its sessions, each with its tunnels, and the totals with the throughput of the last seconds.
 *
 * @param role server, client, share or connect
 * @param version the software, e.g. loomtunnel/0.1.0
 * @param id this endpoint's key id
 * @param uptimeSeconds time since start
 * @param totals counts since start
 * @param throughput bytes per second of late
 * @param sessions the sessions now (a client has at most one; a share or connect, its running peer-to-peer sessions)
 */
public record Status(String role, String version, String id, double uptimeSeconds, Totals totals, Throughput throughput,
                     List<Session> sessions) {

    /**
     * One session.
     *
     * @param id the number the server gave the session (what {@code kick} takes); "1" on a client;
     *     the session id of a peer-to-peer session
     * @param peer the peer's key id, abbreviated
     * @param principal how the server knows the client ("token 1", "key abcd…"); "server" on a client;
     *     "pinned key" on a peer-to-peer session (each side pins the other's key)
     * @param rttMillis smoothed round-trip time, or null before the first PING came back
     * @param address the peer's address; on a relayed peer-to-peer session, the relaying server's
     * @param uptimeSeconds time since the session started
     * @param streams streams open now
     * @param tunnels the session's tunnels (on a peer-to-peer session, its one service)
     * @param path how a peer-to-peer session travels: {@code direct} or {@code relay}; null on a server's or client's session
     * @param pathChanges how often a peer-to-peer session moved to another path (a relayed one that went
     *     direct); null on a server's or client's session
     */
    public record Session(String id, String peer, String principal, String address, Double rttMillis, double uptimeSeconds,
                          int streams, List<Tunnel> tunnels, String path, Integer pathChanges) {
        /**
         * A server's or client's session, which has no {@code path}.
         *
         * @param id as {@link Session}
         * @param peer as {@link Session}
         * @param principal as {@link Session}
         * @param address as {@link Session}
         * @param rttMillis as {@link Session}
         * @param uptimeSeconds as {@link Session}
         * @param streams as {@link Session}
         * @param tunnels as {@link Session}
         */
        public Session(String id, String peer, String principal, String address, Double rttMillis, double uptimeSeconds,
                       int streams, List<Tunnel> tunnels) {
            this(id, peer, principal, address, rttMillis, uptimeSeconds, streams, tunnels, null, null);
        }
    }

    /**
     * One tunnel and its counts; "in" is from the public toward the service, "out" back.
     *
     * @param address where the public reaches it; on a connect, its local port; on a share, "peer ID…" (whom it serves)
     * @param local the service it reaches (client and share; null on the server and a connect)
     * @param datagramsIn null for tcp and http tunnels
     * @param name the tunnel's name
     * @param type tcp, udp or http
     * @param streams connections open now
     * @param bytesIn bytes in since it opened
     * @param bytesOut bytes out since it opened
     * @param inPerSecond bytes in per second of late
     * @param outPerSecond bytes out per second of late
     * @param datagramsOut null for tcp and http tunnels
     * @param datagramsDropped null for tcp and http tunnels
     */
    public record Tunnel(String name, String type, String address, String local, long streams, long bytesIn, long bytesOut,
                         double inPerSecond, double outPerSecond, Long datagramsIn, Long datagramsOut, Long datagramsDropped) {}

    /**
     * Everything since start, over all tunnels (including those closed since).
     *
     * @param sessions sessions now
     * @param tunnels tunnels now
     * @param streams streams open now
     * @param bytesIn bytes in
     * @param bytesOut bytes out
     * @param datagramsIn UDP datagrams in
     * @param datagramsOut UDP datagrams out
     * @param datagramsDropped UDP datagrams dropped
     */
    public record Totals(int sessions, int tunnels, long streams, long bytesIn, long bytesOut, long datagramsIn,
                         long datagramsOut, long datagramsDropped) {}

    /**
     * The throughput of the last seconds.
     *
     * @param windowSeconds the seconds the means cover (up to 10; fewer right after start)
     * @param perSecond each second's {@code [in, out]} bytes, oldest first
     * @param inPerSecond mean bytes in per second
     * @param outPerSecond mean bytes out per second
     */
    public record Throughput(int windowSeconds, double inPerSecond, double outPerSecond, List<long[]> perSecond) {}
}
