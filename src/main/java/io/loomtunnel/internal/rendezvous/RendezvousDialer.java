package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.path.Candidates;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerVerifier;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * How a peer reaches the loomtunnel server it signals through (and is relayed by): the peer's own
 * identity, where the server is, its pinned id, and the token it expects if the peer's key is not
 * authorized there; it dials sessions to it, authenticated exactly as tunnel clients are. (The
 * server side of rendezvous is {@code io.loomtunnel.server.PeerDirectory} and {@code RelayHub}.)
 *
 * @param address host and port, resolved at each dial
 * @param token null when the server authorizes the peer's key
 */
public record RendezvousDialer(Identity identity, InetSocketAddress address, PeerId serverId, String token,
                               SessionOptions session) {
    public RendezvousDialer {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(address, "address");
        if (serverId == null) {
            throw new IllegalArgumentException("no server id: give the server's id (--server-id ID)");
        }
    }

    /**
     * Sets up a session to the server from local address {@code from} (a punch port, shared with
     * SO_REUSEPORT, so the server sees that port's public mapping), or from any port when null.
     */
    public Session dial(InetSocketAddress from) throws IOException {
        SessionDialer dialer = new SessionDialer(identity, PeerVerifier.pinned(serverId), token, session);
        InetSocketAddress to = HostPort.resolved(address);
        try {
            if (from == null) {
                return dialer.dial(to);
            }
            return dialer.over(PunchPort.dialFrom(from, to, session.tls().handshakeTimeout()));
        } catch (ConnectException e) {
            // the JDK's message names no address ("Connection refused")
            throw new ConnectException("could not connect to the server " + via() + ": " + e.getMessage());
        }
    }

    /** The server as the path report names it: {@code relay via HOST:PORT}, as given. */
    public String via() {
        return HostPort.text(address);
    }

    /** The address in an {@code observed} member, or none when it is missing or not an IP:port. */
    static List<InetSocketAddress> observed(String text) {
        if (text == null) {
            return List.of();
        }
        try {
            InetSocketAddress a = HostPort.parseBind(text);
            return a.getPort() == 0 ? List.of() : List.of(a);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** An address as an {@code observed} member carries it. */
    public static String observedText(InetSocketAddress a) {
        return Candidates.text(a);
    }
}
