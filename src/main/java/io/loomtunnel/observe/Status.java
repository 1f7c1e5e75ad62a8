package io.loomtunnel.observe;

import java.util.List;

/**
 * What {@code /api/status} answers (docs/METRICS.md, "Status JSON"): the sessions of a server or
 * client, each with its tunnels, and the totals with the throughput of the last seconds.
 *
 * @param role server or client
 * @param version the software, e.g. loomtunnel/0.1.0
 * @param id this endpoint's key id
 */
public record Status(String role, String version, String id, double uptimeSeconds, Totals totals, Throughput throughput,
                     List<Session> sessions) {

    /**
     * @param id the number the server gave the session (what {@code kick} takes); "1" on a client
     * @param peer the peer's key id, abbreviated
     * @param principal how the server knows the client ("token 1", "key abcd…"); "server" on a client
     * @param rttMillis smoothed round-trip time, or null before the first PING came back
     */
    public record Session(String id, String peer, String principal, String address, Double rttMillis, double uptimeSeconds,
                          int streams, List<Tunnel> tunnels) {}

    /**
     * @param address where the public reaches it
     * @param local the service it reaches (client only; null on the server)
     * @param datagramsIn null for tcp and http tunnels
     */
    public record Tunnel(String name, String type, String address, String local, long streams, long bytesIn, long bytesOut,
                         double inPerSecond, double outPerSecond, Long datagramsIn, Long datagramsOut, Long datagramsDropped) {}

    /** Everything since start, over all tunnels (including those closed since). */
    public record Totals(int sessions, int tunnels, long streams, long bytesIn, long bytesOut, long datagramsIn,
                         long datagramsOut, long datagramsDropped) {}

    /**
     * @param windowSeconds the seconds the means cover (up to 10; fewer right after start)
     * @param perSecond each second's {@code [in, out]} bytes, oldest first
     */
    public record Throughput(int windowSeconds, double inPerSecond, double outPerSecond, List<long[]> perSecond) {}
}
