package io.loomtunnel.tls;

import java.io.IOException;

/** A peer whose identity a {@link PeerVerifier} refused; the message says why. */
public final class PeerRejectedException extends IOException {
    public PeerRejectedException(String message) {
        super(message);
    }
}
