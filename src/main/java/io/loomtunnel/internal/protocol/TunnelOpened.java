package io.loomtunnel.internal.protocol;

/**
 * Server to client: the tunnel is exposed (docs/protocol/TUNNEL.md 8.1).
 *
 * @param tunnelId the server's number for the tunnel; UDP datagrams carry it
 * @param address where the public reaches it: {@code host:port} for tcp/udp, a URL for http
 * @param policies how many declared policies the server runs on the tunnel (null from a server that knows none,
 *     which a client with policies takes as a refusal)
 */
public record TunnelOpened(int request, String name, int tunnelId, String address, Integer policies) implements TunnelReply {}
