package io.loomtunnel.p2p;

/** Share to connect: this connection is the session's path; streams or datagrams may follow. */
public record SessionAccepted(String session, String service, String serviceType) {
    public static final String TYPE = "p2p_accepted";
}
