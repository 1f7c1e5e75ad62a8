package io.loomtunnel.internal.rendezvous;

/**
 * Share to server: the offer of {@code session} cannot be used and gets no answer (forged,
 * expired, replayed...); the server tells the connecting peer.
 *
 * @param problem the SignalException problem, e.g. {@code EXPIRED}
 */
public record Unanswered(String session, String problem, String reason) {
    public static final String TYPE = "p2p_unanswered";
}
