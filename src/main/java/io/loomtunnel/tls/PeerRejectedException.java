package io.loomtunnel.tls;

import java.io.IOException;

/** A peer whose identity a {@link PeerVerifier} refused; the message says why. */
public final class PeerRejectedException extends IOException {
    /**
     * A peer key the verifier does not accept.
     *
     * @param message which key, and what was expected
     */
    public PeerRejectedException(String message) {
        super(message);
    }
}
