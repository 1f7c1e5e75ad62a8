package io.loomtunnel.internal.http;

import java.io.IOException;

/** Writing to a relay's destination failed; tells it apart from a failure to read the source. */
final class WriteFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailedException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
