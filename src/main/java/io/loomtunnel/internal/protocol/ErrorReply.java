package io.loomtunnel.internal.protocol;

/**
 * Server to client: a control message the server does not know (docs/protocol/TUNNEL.md 8.1). It
 * names no request, so a client fails every request waiting for an answer.
 *
 * @param reason one line for the user
 */
public record ErrorReply(String reason) implements TunnelReply {}
