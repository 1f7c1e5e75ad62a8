package io.loomtunnel.internal.protocol;

/**
 * Server to client: the tunnel is exposed (docs/protocol/TUNNEL.md 8.1).
 *
 * @param tunnelId the server's number for the tunnel; UDP datagrams carry it
 * @param address where the public reaches it: {@code host:port} for tcp/udp, a URL for http
 */
public record TunnelOpened(int request, String name, int tunnelId, String address) implements TunnelReply {}
