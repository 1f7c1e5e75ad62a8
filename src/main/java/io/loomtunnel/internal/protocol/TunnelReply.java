package io.loomtunnel.internal.protocol;

/**
 * Server to client: the answer to a {@link TunnelRequest} (docs/protocol/TUNNEL.md 8.1, 8.4), or the
 * {@link ErrorReply} to a message the server does not know.
 */
public sealed interface TunnelReply extends ControlMessage permits TunnelOpened, TunnelRefused, TunnelClosed, ErrorReply {}
