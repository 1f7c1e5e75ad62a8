package io.loomtunnel.p2p;

import io.loomtunnel.tunnel.TunnelType;
import java.net.InetSocketAddress;
import java.util.List;

/** What a connecting peer reports, for the CLI, logs and tests. Every method has a no-op default. */
public interface ConnectEvents {
    /**
     * An offer is about to go out, with the candidates it carries.
     *
     * @param sessionId the new session's id
     * @param candidates the addresses the share may dial
     */
    default void offering(String sessionId, List<InetSocketAddress> candidates) {}

    /**
     * The local port is listening (once, at the first session).
     *
     * @param service the service's name
     * @param type tcp or udp
     * @param local the bound local address
     */
    default void listening(String service, TunnelType type, InetSocketAddress local) {}

    /**
     * A session is running: {@link PeerSession#path()} says how it travels.
     *
     * @param session the session
     */
    default void sessionStarted(PeerSession session) {}

    /**
     * A session ended.
     *
     * @param session the session
     * @param reason why, one line
     */
    default void sessionEnded(PeerSession session, String reason) {}

    /** Events that go nowhere. */
    ConnectEvents NONE = new ConnectEvents() {};
}
