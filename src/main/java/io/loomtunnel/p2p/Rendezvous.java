package io.loomtunnel.p2p;

import io.loomtunnel.tls.PeerId;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The loomtunnel server two peers find each other through, and are relayed by when no direct path
 * works. Peers authenticate to it as tunnel clients do: by {@code token}, or by a key the server
 * authorizes.
 *
 * @param address the server's control address (host names are resolved at each dial)
 * @param serverId the server's key id; the TLS handshake fails for any other key
 * @param token the server's shared secret, or null when it authorizes the peer's key
 */
public record Rendezvous(InetSocketAddress address, PeerId serverId, String token) {
    /** Checks that address and id are given. */
    public Rendezvous {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(serverId, "serverId");
    }
}
