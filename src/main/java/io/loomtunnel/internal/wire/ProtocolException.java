package io.loomtunnel.internal.wire;

import io.loomtunnel.ErrorCode;
import java.io.IOException;

/** The peer broke a rule of docs/protocol/SESSION.md; the session must end with this error code. */
public class ProtocolException extends IOException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The code to send in the GO_AWAY that ends the session. */
    public ErrorCode code() {
        return code;
    }
}
