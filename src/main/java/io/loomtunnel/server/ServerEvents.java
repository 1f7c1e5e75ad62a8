package io.loomtunnel.server;

import io.loomtunnel.tls.PeerId;

/** What a running server reports, for the console, logs and tests. Every method has a no-op default. */
public interface ServerEvents {
    /**
     * A client authenticated and its session is up.
     *
     * @param client the client's key id
     * @param principal how the server knows it: "token 1", "key abcd…"
     * @param address where it connected from
     */
    default void clientConnected(PeerId client, String principal, String address) {}

    /**
     * A client could not set up a session: bad key or token, a failed handshake, the server full,
     * the control port's limits. Before authentication the server reports the first refusal from a
     * source in each interval and then one summary of its others, such as "2,913 connections from
     * 192.0.2.7 in the last 10 s (invalid_token 10, penalized 2,903)", never one line per attempt.
     *
     * @param reason why, one line
     */
    default void clientRefused(String reason) {}

    /**
     * A client's tunnel is exposed.
     *
     * @param client the client's key id
     * @param tunnel the tunnel's name
     * @param publicAddress where the public reaches it
     */
    default void tunnelOpened(PeerId client, String tunnel, String publicAddress) {}

    /**
     * A client's tunnel was refused (port not allowed or taken, host taken, too many tunnels).
     *
     * @param client the client's key id
     * @param tunnel the tunnel's name
     * @param reason why, one line
     */
    default void tunnelRefused(PeerId client, String tunnel, String reason) {}

    /**
     * The client closed the tunnel (close_tunnel); its port or host is free.
     *
     * @param client the client's key id
     * @param tunnel the tunnel's name
     */
    default void tunnelClosed(PeerId client, String tunnel) {}

    /**
     * A client's session ended; its tunnels are closed.
     *
     * @param client the client's key id
     * @param reason why, one line
     */
    default void clientDisconnected(PeerId client, String reason) {}

    /**
     * A share entered the peer-to-peer directory; {@code observed} is where the server sees it.
     *
     * @param share the share's key id
     * @param allowedPeers how many peers it allows
     * @param observed host:port
     */
    default void shareRegistered(PeerId share, int allowedPeers, String observed) {}

    /**
     * The relay joined the two peers of a peer-to-peer session.
     *
     * @param session the peer-to-peer session's id
     * @param connect the connecting peer's key id
     * @param share the share's key id
     */
    default void relayOpened(String session, PeerId connect, PeerId share) {}

    /**
     * A relayed session ended after carrying {@code bytes}, both directions.
     *
     * @param session the peer-to-peer session's id
     * @param bytes what it carried
     */
    default void relayClosed(String session, long bytes) {}

    /**
     * A relay stream was refused: an unknown session, a peer's limit, or the other peer did not come.
     *
     * @param peer the peer whose stream was refused
     * @param reason why, one line
     */
    default void relayRefused(PeerId peer, String reason) {}

    /** Events that go nowhere. */
    ServerEvents NONE = new ServerEvents() {};
}
