package io.loomtunnel.internal.metrics;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.SessionClosedException;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.SetupRefusedException;
import io.loomtunnel.tls.PeerRejectedException;
import io.loomtunnel.tls.TlsHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Turns failures into the few fixed words the {@code reason} tags use (docs/METRICS.md), so tag values stay bounded. */
public final class Reasons {
    /** A session the server ended on an operator's request. */
    public static final String KICKED = "kicked";
    /** A session the server ended because a newer session of the same client came (it had lost the old one). */
    public static final String REPLACED = "replaced";
    /** A session turned away because the server was full. */
    public static final String SERVER_FULL = "server_full";
    /** A stream over the client's stream limit. */
    public static final String STREAM_LIMIT = "limit";
    /** A stream that could not be opened in time (the peer's backlog stayed full) or whose session went away. */
    public static final String OPEN_FAILED = "open_failed";
    /** A stream for a tunnel the client does not have (any more). */
    public static final String UNKNOWN_TUNNEL = "unknown_tunnel";
    /** A connection a traffic policy refused (docs/PLUGINS.md). */
    public static final String POLICY = "policy";

    private Reasons() {}

    /** Why a session ended: the error code it closed with ({@code no_error} for a clean close), lower case. */
    public static String sessionClosed(SessionClosedException cause) {
        return cause == null ? "connection_lost" : word(cause.code());
    }

    /**
     * Why a session set-up failed before authentication: connect, tls, peer_rejected, timeout,
     * version, protocol or io; or the listener's refusal (source_limit, penalized, evicted).
     */
    public static String handshake(IOException e) {
        if (e instanceof SetupRefusedException refused) {
            return refused.reason();
        }
        if (e instanceof PeerRejectedException) {
            return "peer_rejected";
        }
        if (e instanceof TlsHandshakeException) {
            return "tls";
        }
        if (e instanceof SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
            return "connect";
        }
        if (e instanceof ProtocolException p) {
            return p.code() == ErrorCode.UNSUPPORTED_VERSION ? "version" : "protocol";
        }
        return "io";
    }

    /** The reason word an authentication failure carries. */
    public static String auth(AuthenticationException e) {
        return e.reason();
    }

    private static String word(ErrorCode code) {
        return code.name().toLowerCase(Locale.ROOT);
    }
}
