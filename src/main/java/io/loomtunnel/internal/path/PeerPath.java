package io.loomtunnel.internal.path;

import io.loomtunnel.session.Session;
import java.net.InetSocketAddress;

/**
 * A connected, pinned session between two peers and how it travels, for the path report:
 * {@code direct 192.0.2.7:40001} or {@code relay via tunnel.example.org:7835}.
 */
public record PeerPath(Session session, String description) {
    /** A direct path to the peer at {@code address}. */
    public static PeerPath direct(Session session) {
        return new PeerPath(session, "direct " + Candidates.text((InetSocketAddress) session.remoteAddress()));
    }

    /** A path through the relay named {@code via}: the relay sees the session's ciphertext only. */
    public static PeerPath relayed(Session session, String via) {
        return new PeerPath(session, "relay via " + via);
    }

    /** True for a relayed path. */
    public boolean relayed() {
        return description.startsWith("relay ");
    }
}
