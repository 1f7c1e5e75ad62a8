package io.loomtunnel.internal.http;

import io.loomtunnel.internal.net.Quoted;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * A request the ingress answers itself with an error page: the status, the page's text, the
 * reason and detail for the log, and whether the connection must close after it. The page's text
 * is for strangers: it says what happened in fixed words and never shows a client id, tunnel
 * name, address, limit, timeout or exception text; those go to the log only ({@link IngressLog}),
 * where the reason (the status and a few fixed words) is counted and the detail (null: none) is
 * written on a line of its own only.
 */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String page;
    final String reason;
    final String logDetail;
    final boolean mustClose;

    private Refusal(int status, String page, String reason, String logDetail, boolean mustClose) {
        super(page, null, false, false);
        this.status = status;
        this.page = page;
        this.reason = status + " " + reason;
        this.logDetail = logDetail;
        this.mustClose = mustClose;
    }

    /** Whether the app (or its tunnel) failed, rather than the visitor: 502 and 504, the operator's business. */
    boolean appCaused() {
        return status == 502 || status == 504;
    }

    static Refusal headTooLarge() {
        return new Refusal(431, "The request head is too large.", "head too large", null, true);
    }

    static Refusal headTooSlow() {
        return new Refusal(408, "The request head did not arrive in time.", "head too slow", null, true);
    }

    static Refusal malformed(MalformedHttpException e) {
        return new Refusal(400, "The request is malformed: " + e.getMessage() + ".", "malformed request", e.getMessage(), true);
    }

    static Refusal unsupportedCoding(UnsupportedCodingException e) {
        return new Refusal(501, "The request's transfer coding is not supported.", "unsupported transfer coding", null, true);
    }

    static Refusal unknownHost(String host, boolean mustClose) {
        return new Refusal(404, "No tunnel serves the host " + host + ".", "unknown host", "host " + Quoted.quote(host),
                mustClose);
    }

    static Refusal bodyTooSlow(SocketTimeoutException e) {
        return new Refusal(408, "The request body came too slowly.", "body too slow", e.getMessage(), true);
    }

    static Refusal malformedBody(MalformedHttpException e) {
        return new Refusal(400, "The request body is malformed: " + e.getMessage() + ".", "malformed body", e.getMessage(),
                true);
    }

    /** The tunnel could not be opened: offline, at its client's stream limit, unreachable. */
    static Refusal unreachable(HttpRoute route, IOException e, boolean mustClose) {
        return new Refusal(502, "The app behind this host cannot be reached.", "tunnel " + route.name() + " cannot be opened",
                e.getMessage(), mustClose);
    }

    static Refusal noAnswer(HttpRoute route, IOException e, boolean mustClose) {
        return new Refusal(504, "The app behind this host did not answer in time.",
                "tunnel " + route.name() + " did not answer in time", e.getMessage(), mustClose);
    }

    /** The tunnel's client could not reach the app: the class of failure is the visitor's to know, the app's address is not. */
    static Refusal serviceUnreachable(HttpRoute route, ServiceUnreachableException e, boolean mustClose) {
        return new Refusal(502, "The tunnel's client could not reach its local service (" + e.failure() + ").",
                "tunnel " + route.name() + ": the client could not reach its local service (" + e.failure() + ")", null, mustClose);
    }

    /** A traffic policy refused the request (or failed: 500); which one is in the policy chain's own log. */
    static Refusal policy(int status, boolean mustClose) {
        return status == 500
                ? new Refusal(500, "A traffic policy of this host failed.", "a policy failed", null, mustClose)
                : new Refusal(status, "The request was refused.", "refused by a policy", null, mustClose);
    }

    static Refusal badAnswer(HttpRoute route, IOException e) {
        return new Refusal(502, "The app behind this host sent no valid response.",
                "tunnel " + route.name() + " gave no valid response", e.toString(), true);
    }
}
