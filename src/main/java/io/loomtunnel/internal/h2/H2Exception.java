package io.loomtunnel.internal.h2;

import java.io.IOException;

/**
 * A connection error (RFC 9113 5.4.1): the connection ends with a GOAWAY carrying {@link #code}.
 * The message is for the log only.
 */
public class H2Exception extends IOException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public H2Exception(int code, String message) {
        super(message);
        this.code = code;
    }

    /** The {@link H2Error} code for the GOAWAY. */
    public int code() {
        return code;
    }
}
