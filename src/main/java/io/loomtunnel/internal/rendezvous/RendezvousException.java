package io.loomtunnel.internal.rendezvous;

import java.io.IOException;

/** The server could not do what a peer asked; the message is the server's reason, for the user to read. */
public final class RendezvousException extends IOException {
    private final RendezvousCode code;

    public RendezvousException(RendezvousCode code, String message) {
        super(message);
        this.code = code;
    }

    public RendezvousCode code() {
        return code;
    }
}
