package io.loomtunnel.session;

import java.io.IOException;

/**
 * The other side refused our credentials (token or key), or we refused theirs. The reason is a
 * fixed word for metrics ({@code no_credentials}, {@code invalid_token}, {@code refused}); the
 * message is for people.
 */
public final class AuthenticationException extends IOException {
    /** Reason: the authenticator refused the peer. */
    public static final String REFUSED = "refused";
    /** Reason: the peer presented neither a known key nor a token. */
    public static final String NO_CREDENTIALS = "no_credentials";
    /** Reason: the token is not one the acceptor knows. */
    public static final String INVALID_TOKEN = "invalid_token";

    /** A fixed word for metrics. */
    private final String reason;

    /**
     * Refused, with reason {@link #REFUSED}.
     *
     * @param message what the peer is told
     */
    public AuthenticationException(String message) {
        this(message, REFUSED);
    }

    /**
     * Refused for {@code reason}.
     *
     * @param message what the peer is told
     * @param reason a fixed word for metrics, e.g. {@link #INVALID_TOKEN}
     */
    public AuthenticationException(String message, String reason) {
        super(message);
        this.reason = reason;
    }

    /**
     * A fixed word saying why, for the {@code reason} tag of loomtunnel.auth.failures.
     *
     * @return the fixed word
     */
    public String reason() {
        return reason;
    }
}
