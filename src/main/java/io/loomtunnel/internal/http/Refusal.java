package io.loomtunnel.internal.http;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * A request the ingress answers itself with an error page: the status, the page's text, the
 * detail for the log (null: nothing to log), and whether the connection must close after it.
 * The page's text is for strangers: it says what happened in fixed words and never shows a client
 * id, tunnel name, address, limit, timeout or exception text; those go to the log only.
 */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String page;
    final String logDetail;
    final boolean mustClose;

    Refusal(int status, String page, String logDetail, boolean mustClose) {
        super(page, null, false, false);
        this.status = status;
        this.page = page;
        this.logDetail = logDetail;
        this.mustClose = mustClose;
    }

    static Refusal bodyTooSlow(SocketTimeoutException e) {
        return new Refusal(408, "The request body came too slowly.", e.getMessage(), true);
    }

    static Refusal malformedBody(MalformedHttpException e) {
        return new Refusal(400, "The request body is malformed: " + e.getMessage() + ".", null, true);
    }

    /** The tunnel could not be opened: offline, at its client's stream limit, unreachable. */
    static Refusal unreachable(HttpRoute route, IOException e, boolean mustClose) {
        return new Refusal(502, "The app behind this host cannot be reached.",
                "tunnel " + route.name() + " cannot be opened: " + e.getMessage(), mustClose);
    }

    static Refusal noAnswer(HttpRoute route, IOException e, boolean mustClose) {
        return new Refusal(504, "The app behind this host did not answer in time.",
                "tunnel " + route.name() + " did not answer in time: " + e.getMessage(), mustClose);
    }

    static Refusal badAnswer(HttpRoute route, IOException e) {
        return new Refusal(502, "The app behind this host sent no valid response.",
                "tunnel " + route.name() + " gave no valid response: " + e, true);
    }
}
