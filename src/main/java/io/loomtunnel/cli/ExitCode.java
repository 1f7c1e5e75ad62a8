package io.loomtunnel.cli;

/** The process exit codes of every loomtunnel command (README, "Exit codes"). */
public final class ExitCode {
    public static final int OK = 0;
    /** A bug or an unexpected failure; the message says what happened. */
    public static final int INTERNAL = 1;
    /** Bad usage, configuration or input files. */
    public static final int USAGE = 2;
    /** The peer refused our credentials. */
    public static final int AUTH_REFUSED = 3;
    /** The peer could not be reached. */
    public static final int CONNECT_FAILED = 10;
    /** The connection was lost and we are not reconnecting. */
    public static final int CONNECTION_LOST = 11;

    private ExitCode() {}
}
