package io.loomtunnel.tls;

import java.io.IOException;

/** A TLS handshake that failed; the message names the peer's address and the reason in one line. */
public final class TlsHandshakeException extends IOException {
    /**
     * A handshake that failed.
     *
     * @param message what failed
     * @param cause the underlying failure
     */
    public TlsHandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
