package io.loomtunnel.internal.signal;

import java.io.IOException;

/** A signaling block that cannot be used; the message is one line that says why, for the user to read. */
public final class SignalException extends IOException {
    /** What is wrong with the block; each maps to a documented exit code (docs/P2P.md). */
    public enum Problem {
        /** The block was cut off: no END line, or it ended inside its body. */
        TRUNCATED,
        /** The text is not a well-formed block: bad header, characters, base64url, checksum or body. */
        DAMAGED,
        /** A block format version this program does not read. */
        UNSUPPORTED_VERSION,
        /** The signature does not verify, or the key is not the sender's: altered after signing, or forged. */
        FORGED,
        /** An offer where an answer was expected, or the other way round. */
        WRONG_KIND,
        /** Addressed to another peer, or an answer to another session or from another peer. */
        MISADDRESSED,
        /** Past its expiry time (or no answer came before the offer expired). */
        EXPIRED,
        /** Its session id was seen before: a block may be used once. */
        REPLAYED,
        /** Too many recent offers are remembered to take another one now. */
        OVERLOADED
    }

    private final Problem problem;

    public SignalException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
