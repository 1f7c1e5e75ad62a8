package io.loomtunnel.internal.protocol;

/**
 * Server to a peer: what it asked for cannot be done (docs/protocol/P2P.md 9.5).
 *
 * @param session the offer's session id, when the error is about one
 * @param code a rendezvous code's wire name ({@code io.loomtunnel.internal.rendezvous.RendezvousCode})
 * @param problem with {@code unanswered}: the share's SignalException problem
 * @param reason one line for the user
 */
public record RendezvousError(String session, String code, String problem, String reason) implements DirectoryMessage {}
