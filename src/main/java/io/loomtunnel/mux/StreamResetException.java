package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import java.io.IOException;

/** The stream was aborted with RST, by the peer or by this side. */
public final class StreamResetException extends IOException {
    private final ErrorCode code;
    private final boolean byPeer;

    public StreamResetException(int streamId, ErrorCode code, boolean byPeer) {
        super("stream " + streamId + " reset by " + (byPeer ? "peer" : "this side") + ": " + code);
        this.code = code;
        this.byPeer = byPeer;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean byPeer() {
        return byPeer;
    }
}
