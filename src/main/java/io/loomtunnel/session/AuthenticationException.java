package io.loomtunnel.session;

import java.io.IOException;

/**
 * The other side refused our credentials (token or key), or we refused theirs. The reason is a
 * fixed word for metrics ({@code no_credentials}, {@code invalid_token}, {@code refused}); the
 * message is for people.
 */
public final class AuthenticationException extends IOException {
    public static final String REFUSED = "refused";
    public static final String NO_CREDENTIALS = "no_credentials";
    public static final String INVALID_TOKEN = "invalid_token";

    private final String reason;

    public AuthenticationException(String message) {
        this(message, REFUSED);
    }

    public AuthenticationException(String message, String reason) {
        super(message);
        this.reason = reason;
    }

    /** A fixed word saying why, for the {@code reason} tag of loomtunnel.auth.failures. */
    public String reason() {
        return reason;
    }
}
