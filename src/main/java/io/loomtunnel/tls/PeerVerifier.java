package io.loomtunnel.tls;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/** Decides whether an authenticated peer (its key proven in the TLS handshake) may connect. */
@FunctionalInterface
public interface PeerVerifier {

    /**
     * Accepts {@code peer} or throws.
     *
     * @param peer the key id the handshake proved
     * @throws PeerRejectedException to refuse the peer
     */
    void verify(PeerId peer) throws PeerRejectedException;

    /**
     * Accepts exactly one key.
     *
     * @param expected the id to pin
     * @return the verifier
     */
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

    /**
     * Accepts the keys in {@code peers}.
     *
     * @param peers the ids
     * @return the verifier
     */
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
     *
     * @return the verifier
     */
    static PeerVerifier anyPeer() {
        return peer -> { };
    }
}
