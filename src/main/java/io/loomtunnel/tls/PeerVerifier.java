package io.loomtunnel.tls;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/** Decides whether an authenticated peer (its key proven in the TLS handshake) may connect. */
@FunctionalInterface
public interface PeerVerifier {

    /** Returns normally to accept {@code peer}; throws to abort the handshake with an alert. */
    void verify(PeerId peer) throws PeerRejectedException;

    /** Accepts exactly one peer: the usual client setting, pinned to the server's known id. */
    static PeerVerifier pinned(PeerId expected) {
        Objects.requireNonNull(expected, "expected");
        return peer -> {
            if (!expected.equals(peer)) {
                // The full received id lets an operator pin it after checking it out of band.
                throw new PeerRejectedException("peer id mismatch: expected " + expected.abbreviated()
                        + "…, got " + peer);
            }
        };
    }

    /** Accepts any of the given peers. */
    static PeerVerifier allowed(Collection<PeerId> peers) {
        Set<PeerId> allowed = Set.copyOf(peers);
        return peer -> {
            if (!allowed.contains(peer)) {
                throw new PeerRejectedException("peer id " + peer + " is not among the " + allowed.size()
                        + " allowed ids");
            }
        };
    }

    /**
     * Accepts every peer that proves it holds some Ed25519 key. Only for servers that authenticate
     * clients another way (e.g. a token inside the tunnel); the channel is still encrypted.
     */
    static PeerVerifier anyPeer() {
        return peer -> { };
    }
}
