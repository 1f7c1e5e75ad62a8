package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import java.io.IOException;

/** The stream was aborted with RST, by the peer or by this side. */
public final class StreamResetException extends IOException {
    /** The RST's code. */
    private final ErrorCode code;
    /** Whether the peer sent the RST. */
    private final boolean byPeer;

    /**
     * A stream reset with {@code code}.
     *
     * @param streamId the stream
     * @param code the RST's code
     * @param byPeer true if the peer sent the RST
     */
    public StreamResetException(int streamId, ErrorCode code, boolean byPeer) {
        super("stream " + streamId + " reset by " + (byPeer ? "peer" : "this side") + ": " + code);
        this.code = code;
        this.byPeer = byPeer;
    }

    /**
     * The RST's code.
     *
     * @return the code
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * Whether the peer reset the stream (else this side did).
     *
     * @return true for the peer
     */
    public boolean byPeer() {
        return byPeer;
    }
}
