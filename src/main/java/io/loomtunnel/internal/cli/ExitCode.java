package io.loomtunnel.internal.cli;

/** The process exit codes of every loomtunnel command (README, "Exit codes"). */
public final class ExitCode {
    public static final int OK = 0;
    /** A bug or an unexpected failure; the message says what happened. */
    public static final int INTERNAL = 1;
    /** Bad usage, configuration or input files; also a Java too old to run loomtunnel ({@link Launcher}). */
    public static final int USAGE = 2;
    /** The peer refused our credentials. */
    public static final int AUTH_REFUSED = 3;
    /** The peer's key did not match the id pinned for it (--server-id, --peer-id): a possible impostor, not an outage. */
    public static final int PEER_KEY_MISMATCH = 4;
    /** The peer could not be reached. */
    public static final int CONNECT_FAILED = 10;
    /** The connection was lost and we are not reconnecting. */
    public static final int CONNECTION_LOST = 11;
    /** Peer-to-peer: the sharing peer does not offer the service asked for (or not to us). */
    public static final int SERVICE_REFUSED = 20;
    /** Peer-to-peer: the sharing peer is at its session limit (--max-sessions). */
    public static final int PEER_BUSY = 21;
    /** Peer-to-peer: a signaling block was cut off, damaged, altered, of the wrong kind or for someone else. */
    public static final int BAD_BLOCK = 22;
    /** Peer-to-peer: a signaling block had expired (or no answer came before the offer expired). */
    public static final int BLOCK_EXPIRED = 23;
    /** Peer-to-peer: a signaling block was used before (replayed). */
    public static final int BLOCK_REPLAYED = 24;
    /** Peer-to-peer, server signaling: the server knows no share with that id that allows us. */
    public static final int PEER_UNKNOWN = 25;

    private ExitCode() {}
}
