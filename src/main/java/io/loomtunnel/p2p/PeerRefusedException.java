package io.loomtunnel.p2p;

import java.io.IOException;

/** The sharing peer refused the session; the message carries its reason, for the user to read. */
public final class PeerRefusedException extends IOException {
    private final RefusalCode code;

    public PeerRefusedException(RefusalCode code, String message) {
        super(message);
        this.code = code;
    }

    public RefusalCode code() {
        return code;
    }
}
