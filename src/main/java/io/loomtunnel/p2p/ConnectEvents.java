package io.loomtunnel.p2p;

import io.loomtunnel.tunnel.TunnelType;
import java.net.InetSocketAddress;
import java.time.Duration;
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
     * A local TCP connection was closed because no session came up for it: it waited for one
     * longer than the punch timeout, or too many connections were waiting already (docs/P2P.md,
     * "Sessions"). Called on that connection's thread.
     *
     * @param from the local application's address
     * @param reason why, one line
     */
    default void connectionRefused(InetSocketAddress from, String reason) {}

    /**
     * A session is running: {@link PeerSession#path()} says how it travels.
     *
     * @param session the session
     */
    default void sessionStarted(PeerSession session) {}

    /**
     * A relayed session moved to a direct path found later: new streams and datagrams take it,
     * streams already open finish on the relay. {@link PeerSession#path()} is the new path.
     *
     * @param session the session
     * @param from the path it left, as {@link PeerSession#path()} said before
     */
    default void pathChanged(PeerSession session, String from) {}

    /**
     * A look for a direct path while {@code session} runs relayed found none.
     *
     * @param session the relayed session
     * @param probe which look this was, from 1
     * @param probes how many there are at most
     * @param next the pause before the next, or null after the last
     * @param reason why none was found, one line
     */
    default void directProbeFailed(PeerSession session, int probe, int probes, Duration next, String reason) {}

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
