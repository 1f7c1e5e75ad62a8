package io.loomtunnel.internal.protocol;

/** Server to client: the tunnel is closed; its port or host is free (docs/protocol/TUNNEL.md 8.4). */
public record TunnelClosed(int request, String name) implements TunnelReply {}
