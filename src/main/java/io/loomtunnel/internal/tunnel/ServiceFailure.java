package io.loomtunnel.internal.tunnel;

import io.loomtunnel.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Why a stream's local service could not be connected, in the classes the far side is told by the
 * stream's RST code (docs/protocol/TUNNEL.md 8.2): each class has its code and the few words a
 * visitor's error page and the operator's log show. The words never hold the service's address,
 * which stays on the side that connects it.
 */
public enum ServiceFailure {
    /** Nothing listens at the service's port. */
    REFUSED(ErrorCode.SERVICE_REFUSED, "connection refused"),
    /** The service did not answer the connect in time. */
    TIMED_OUT(ErrorCode.SERVICE_TIMED_OUT, "connection timed out"),
    /** No route to the service's host or network. */
    UNREACHABLE(ErrorCode.SERVICE_UNREACHABLE, "host unreachable"),
    /** The service's host name does not resolve. */
    UNKNOWN_HOST(ErrorCode.SERVICE_UNKNOWN_HOST, "unknown host");

    /** The RST code that tells the far side. */
    public final ErrorCode code;
    /** What happened, a few words without an address: "connection refused". */
    public final String words;

    ServiceFailure(ErrorCode code, String words) {
        this.code = code;
        this.words = words;
    }

    /**
     * The class of a failed connect, or null for a failure of none of them (its stream is reset with
     * CANCEL). The JDK says refused and a kernel timeout with ConnectException, no route to a host
     * with NoRouteToHostException, and an unreachable network with a plain SocketException.
     */
    public static ServiceFailure of(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return switch (e) {
            case SocketTimeoutException t -> TIMED_OUT;
            case UnknownHostException u -> UNKNOWN_HOST;
            case NoRouteToHostException n -> UNREACHABLE;
            case ConnectException c -> message.contains("timed out") ? TIMED_OUT : REFUSED;
            default -> message.contains("unreachable") ? UNREACHABLE : null;
        };
    }

    /** What the far side's operator reads: "the client could not reach its local service (connection refused)". */
    public String sentence() {
        return "the client could not reach its local service (" + words + ")";
    }

    /** The class an RST code names, or null for a code of no class here. */
    public static ServiceFailure of(ErrorCode code) {
        for (ServiceFailure f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
