package io.loomtunnel.internal.protocol;

/**
 * Connect to share, the first control message on a peer-to-peer session, sent on the one
 * connection the connecting side nominates: which signaled session this connection is, and the
 * service it is for (docs/protocol/P2P.md 9.3).
 */
public record SessionRequest(String session, String service) implements PeerSessionMessage {}
