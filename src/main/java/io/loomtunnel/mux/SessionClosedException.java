package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import java.io.IOException;

/** The session is closed, or going away: no stream, datagram or control message can pass any more. */
public final class SessionClosedException extends IOException {
    /** Why the session closed. */
    private final ErrorCode code;

    /**
     * A session closed with {@code code}.
     *
     * @param code why, as GO_AWAY carries it
     * @param message what happened, for people
     */
    public SessionClosedException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * Why the session ended: NO_ERROR for a normal close, else the error sent or received.
     *
     * @return the code
     */
    public ErrorCode code() {
        return code;
    }
}
