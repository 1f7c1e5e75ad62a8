package io.loomtunnel.server;

/**
 * What the server's relay has done (docs/P2P.md, "Relay").
 *
 * @param active relayed sessions running now
 * @param total relayed sessions ever joined
 * @param refused relay streams refused (unknown session, a peer's limit, the other peer did not come)
 * @param bytes bytes carried, both directions, all peers
 */
public record RelayStats(int active, long total, long refused, long bytes) {}
