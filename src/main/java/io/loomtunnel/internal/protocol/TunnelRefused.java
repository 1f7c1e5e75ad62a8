package io.loomtunnel.internal.protocol;

/** Server to client: the tunnel was not exposed (or closed), and why, for the client's user to read (docs/protocol/TUNNEL.md 8.1, 8.4). */
public record TunnelRefused(int request, String name, String reason) implements TunnelReply {}
