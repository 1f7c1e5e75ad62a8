package io.loomtunnel.internal.rendezvous;

/**
 * Server to a peer: what it asked for cannot be done (docs/protocol/P2P.md 9.5).
 *
 * @param session the offer's session id, when the error is about one
 * @param code a {@link RendezvousCode}'s wire name
 * @param problem with {@code unanswered}: the share's SignalException problem
 * @param reason one line for the user
 */
public record RendezvousError(String session, String code, String problem, String reason) {
    public static final String TYPE = "p2p_error";
}
