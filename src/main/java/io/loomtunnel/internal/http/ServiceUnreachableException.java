package io.loomtunnel.internal.http;

import java.io.IOException;

/**
 * An upstream's far end could not connect the app: the tunnel's client told why in a class of
 * failure ("connection refused"), which the visitor's 502 page may show; the app's address is
 * never part of it.
 */
public final class ServiceUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String failure;

    /** @param failure the class of failure, a few words without an address: "connection refused" */
    public ServiceUnreachableException(String failure) {
        super("the tunnel's client could not reach its local service (" + failure + ")");
        this.failure = failure;
    }

    /** The class of failure: "connection refused", "connection timed out", "host unreachable", "unknown host". */
    public String failure() {
        return failure;
    }
}
