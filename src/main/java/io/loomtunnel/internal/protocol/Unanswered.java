package io.loomtunnel.internal.protocol;

/**
 * Share to server: the offer of {@code session} cannot be used and gets no answer (forged,
 * expired, replayed...); the server tells the connecting peer (docs/protocol/P2P.md 9.5).
 *
 * @param problem the SignalException problem, e.g. {@code EXPIRED}
 */
public record Unanswered(String session, String problem, String reason) implements DirectoryMessage {}
