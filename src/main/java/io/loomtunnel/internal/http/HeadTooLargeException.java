package io.loomtunnel.internal.http;

/** A head (or chunk line, or trailer section) did not fit in maxHeadBytes: 431 from a client, 502 from an upstream. */
final class HeadTooLargeException extends MalformedHttpException {
    private static final long serialVersionUID = 1L;

    HeadTooLargeException(int limit) {
        super("head larger than " + limit + " bytes");
    }
}
