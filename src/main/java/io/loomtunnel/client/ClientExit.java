package io.loomtunnel.client;

/**
 * Why a client stopped, with the CLI's exit code.
 *
 * @param code 0 closed on request, 2 a tunnel was refused at start, 3 authentication refused,
 *     4 the server's key did not match the pinned id, 10 could not connect (without reconnect), 11 connection lost and not reconnecting
 * @param reason why, one line for the operator
 */
public record ClientExit(int code, String reason) {
    public static final int CLOSED = 0;
    public static final int TUNNEL_REFUSED = 2;
    public static final int AUTH_REFUSED = 3;
    /** The server presented a key other than the pinned server id: a possible impostor, never retried. */
    public static final int SERVER_KEY_MISMATCH = 4;
    public static final int CONNECT_FAILED = 10;
    public static final int CONNECTION_LOST = 11;
}
