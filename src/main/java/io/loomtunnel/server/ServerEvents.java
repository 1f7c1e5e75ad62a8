package io.loomtunnel.server;

import io.loomtunnel.tls.PeerId;

/** What a running server reports, for the console, logs and tests. Every method has a no-op default. */
public interface ServerEvents {
    default void clientConnected(PeerId client, String principal, String address) {}

    default void clientRefused(String reason) {}

    default void tunnelOpened(PeerId client, String tunnel, String publicAddress) {}

    default void tunnelRefused(PeerId client, String tunnel, String reason) {}

    /** The client closed the tunnel (close_tunnel); its port or host is free. */
    default void tunnelClosed(PeerId client, String tunnel) {}

    default void clientDisconnected(PeerId client, String reason) {}

    /** A share entered the peer-to-peer directory; {@code observed} is where the server sees it. */
    default void shareRegistered(PeerId share, int allowedPeers, String observed) {}

    /** The relay joined the two peers of a peer-to-peer session. */
    default void relayOpened(String session, PeerId connect, PeerId share) {}

    /** A relayed session ended after carrying {@code bytes}, both directions. */
    default void relayClosed(String session, long bytes) {}

    /** A relay stream was refused: an unknown session, a peer's limit, or the other peer did not come. */
    default void relayRefused(PeerId peer, String reason) {}

    /** Events that go nowhere. */
    ServerEvents NONE = new ServerEvents() {};
}
