package io.loomtunnel.internal.protocol;

/** Share to connect: this connection is the session's path; streams or datagrams may follow (docs/protocol/P2P.md 9.3). */
public record SessionAccepted(String session, String service, String serviceType) implements PeerSessionMessage {}
