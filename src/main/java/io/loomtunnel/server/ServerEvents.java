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

    /** Events that go nowhere. */
    ServerEvents NONE = new ServerEvents() {};
}
