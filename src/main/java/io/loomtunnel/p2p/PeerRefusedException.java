package io.loomtunnel.p2p;

import java.io.IOException;

/** The sharing peer refused the session; the message carries its reason, for the user to read. */
public final class PeerRefusedException extends IOException {
    /** Why the share refused. */
    private final RefusalCode code;

    /**
     * A refusal.
     *
     * @param code why, as a code
     * @param message the share's reason, for people
     */
    public PeerRefusedException(RefusalCode code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * Why the share refused.
     *
     * @return the code
     */
    public RefusalCode code() {
        return code;
    }
}
