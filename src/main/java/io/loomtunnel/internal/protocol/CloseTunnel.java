package io.loomtunnel.internal.protocol;

/**
 * Client to server: stop exposing one of this session's tunnels (docs/protocol/TUNNEL.md 8.4). The
 * server frees its port or host and answers {@link TunnelClosed}, or {@link TunnelRefused} when
 * the session has no tunnel of that name.
 *
 * @param request echoed in the answer, to pair them
 */
public record CloseTunnel(int request, String name) implements TunnelRequest {}
