package io.loomtunnel.internal.protocol;

/**
 * Share to connect: no session on this connection, and why (docs/protocol/P2P.md 9.3).
 *
 * @param code a refusal code's wire name ({@code io.loomtunnel.p2p.RefusalCode})
 * @param reason one line to print
 */
public record SessionRefused(String session, String code, String reason) implements PeerSessionMessage {}
