package io.loomtunnel.tls;

import java.io.IOException;

/** A key file that cannot be used as an identity; the message is one line fit to show a user. */
public final class IdentityException extends IOException {
    /**
     * A key file that cannot be used.
     *
     * @param message what is wrong, naming the file
     */
    public IdentityException(String message) {
        super(message);
    }

    /**
     * A key file that cannot be used.
     *
     * @param message what is wrong, naming the file
     * @param cause the underlying failure
     */
    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
