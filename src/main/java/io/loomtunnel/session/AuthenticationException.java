package io.loomtunnel.session;

import java.io.IOException;

/** The other side refused our credentials (token or key), or we refused theirs. */
public final class AuthenticationException extends IOException {
    public AuthenticationException(String message) {
        super(message);
    }
}
