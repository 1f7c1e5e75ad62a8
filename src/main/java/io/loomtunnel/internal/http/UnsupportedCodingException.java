package io.loomtunnel.internal.http;

/** A request's Transfer-Encoding is something other than {@code chunked}: 501, as nginx answers. */
final class UnsupportedCodingException extends MalformedHttpException {
    private static final long serialVersionUID = 1L;

    UnsupportedCodingException() {
        super("a transfer coding other than chunked");
    }
}
