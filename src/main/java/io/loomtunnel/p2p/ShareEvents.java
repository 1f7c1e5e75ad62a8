package io.loomtunnel.p2p;

import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** What a sharing peer reports, for the CLI, logs and tests. Every method has a no-op default. */
public interface ShareEvents {
    /**
     * An offer was accepted and answered; the session is pending until the connecting side connects.
     *
     * @param peer the connecting peer
     * @param sessionId the session's id
     * @param service the service asked for
     */
    default void answered(PeerId peer, String sessionId, String service) {}

    /**
     * An offer got an answer that refuses it, or a connection was refused its session.
     *
     * @param peer the connecting peer
     * @param sessionId the session's id
     * @param code why, as a code
     * @param reason why, for people
     */
    default void sessionRefused(PeerId peer, String sessionId, RefusalCode code, String reason) {}

    /**
     * A block that got no answer: unreadable, forged, expired, replayed, addressed to someone else.
     *
     * @param problem what is wrong with it
     */
    default void offerRefused(IOException problem) {}

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

    /**
     * An answered session whose peer never connected in time.
     *
     * @param peer the connecting peer
     * @param sessionId the session's id
     * @param reason why, one line
     */
    default void pendingExpired(PeerId peer, String sessionId, String reason) {}

    /**
     * A stream of a session could not reach the service.
     *
     * @param service the service
     * @param reason why, one line
     */
    default void serviceUnreachable(SharedService service, String reason) {}

    /**
     * Registered at the rendezvous server ({@link SharePeer#serve(Rendezvous)}): connecting peers can
     * find this share from now on.
     *
     * @param server the server, as host:port
     * @param observed where the server sees this share's punch port
     */
    default void registered(String server, InetSocketAddress observed) {}

    /**
     * The session to the rendezvous server was lost; the share registers again.
     *
     * @param reason why, in a few words
     * @param retryIn when the next attempt is
     */
    default void lost(String reason, Duration retryIn) {}

    /** Events that go nowhere. */
    ShareEvents NONE = new ShareEvents() {};
}
