package io.loomtunnel.internal.nostr;

import io.loomtunnel.internal.net.Quoted;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.ClosedChannelException;

/** One printable line for what went wrong with a relay, and for text a relay sent. */
final class Problems {
    private Problems() {}

    /**
     * The cause that says most: "connection refused", "unknown host 'x'", "timed out", "HTTP 404
     * instead of a WebSocket", else the innermost cause's message.
     */
    static String describe(Throwable t) {
        Throwable innermost = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof WebSocketHandshakeException h) {
                return "HTTP " + h.getResponse().statusCode() + " instead of a WebSocket";
            }
            if (c instanceof ConnectException) {
                return "connection refused";
            }
            if (c instanceof UnknownHostException) {
                return "unknown host " + quote(String.valueOf(c.getMessage()));
            }
            if (c instanceof HttpTimeoutException) {
                return "timed out";
            }
            innermost = c;
        }
        if (innermost instanceof ClosedChannelException) {
            return "connection closed";
        }
        String message = innermost.getMessage();
        return message == null || message.isBlank() ? innermost.getClass().getSimpleName() : quote(message);
    }

    /** Text from a relay or the network, quoted for one log line (control characters escaped, cut at 64). */
    static String quote(String text) {
        return Quoted.quote(text);
    }
}
