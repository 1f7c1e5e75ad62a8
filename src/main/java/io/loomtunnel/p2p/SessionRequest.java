package io.loomtunnel.p2p;

/**
 * Connect to share, the first control message on a peer-to-peer session, sent on the one
 * connection the connecting side nominates: which signaled session this connection is, and the
 * service it is for (docs/protocol/SESSION.md, "Peer-to-peer").
 */
public record SessionRequest(String session, String service) {
    public static final String TYPE = "p2p_request";
}
