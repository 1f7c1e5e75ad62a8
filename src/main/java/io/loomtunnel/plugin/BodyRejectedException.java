package io.loomtunnel.plugin;

import java.io.Serial;

/**
 * Thrown by a {@link BodyFilter} to refuse a body. For a request body the service never sees the
 * body complete (docs/PLUGINS.md) and the visitor gets {@link #status()}; for a response body the
 * visitor's connection is closed before the body ends.
 */
public final class BodyRejectedException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The status the visitor gets. */
    private final int status;

    /**
     * A refusal with the status the visitor gets.
     *
     * @param status the status code, 400 to 599
     * @param message why, for the log (never sent to the visitor)
     */
    public BodyRejectedException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection's status must be 400 to 599, got " + status);
        }
        this.status = status;
    }

    /**
     * The status the visitor gets, when it can still get one.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }
}
