package io.loomtunnel.internal.path;

import java.io.IOException;

/** No candidate connection to the peer was set up before the deadline; the message lists what each attempt met. */
public final class NoPathException extends IOException {
    public NoPathException(String message) {
        super(message);
    }
}
