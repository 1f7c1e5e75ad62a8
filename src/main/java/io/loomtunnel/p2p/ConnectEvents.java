package io.loomtunnel.p2p;

import io.loomtunnel.tunnel.TunnelType;
import java.net.InetSocketAddress;
import java.util.List;

/** What a connecting peer reports, for the CLI, logs and tests. Every method has a no-op default. */
public interface ConnectEvents {
    /** An offer is about to go out, with the candidates it carries. */
    default void offering(String sessionId, List<InetSocketAddress> candidates) {}

    /** The local port is listening (once, at the first session). */
    default void listening(String service, TunnelType type, InetSocketAddress local) {}

    /** A session is running: {@link PeerSession#path()} says how it travels. */
    default void sessionStarted(PeerSession session) {}

    default void sessionEnded(PeerSession session, String reason) {}

    /** Events that go nowhere. */
    ConnectEvents NONE = new ConnectEvents() {};
}
