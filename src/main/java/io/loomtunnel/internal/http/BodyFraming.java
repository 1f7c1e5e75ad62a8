package io.loomtunnel.internal.http;

import java.util.List;

/** How a message's body is delimited (RFC 9112 6): not at all, by length, by chunks, or by the sender's close. */
record BodyFraming(Kind kind, long length) {
    enum Kind { NONE, LENGTH, CHUNKED, CLOSE }

    static final BodyFraming NONE = new BodyFraming(Kind.NONE, 0);
    static final BodyFraming CHUNKED = new BodyFraming(Kind.CHUNKED, -1);
    static final BodyFraming CLOSE = new BodyFraming(Kind.CLOSE, -1);

    /**
     * A request's body. Only {@code Transfer-Encoding: chunked} (one field, that one coding, any
     * case) is taken; another coding is {@link UnsupportedCodingException} (501, as nginx). Shapes
     * that two parsers could read differently are refused: Transfer-Encoding with Content-Length,
     * or in HTTP/1.0, or in two fields; Content-Length values that differ or are not plain digits.
     */
    static BodyFraming forRequest(RequestHead request) throws MalformedHttpException {
        Fields f = request.fields();
        List<String> codings = f.values("Transfer-Encoding");
        if (!codings.isEmpty()) {
            if (f.has("Content-Length")) {
                throw new MalformedHttpException("both Transfer-Encoding and Content-Length");
            }
            if (!request.http11()) {
                throw new MalformedHttpException("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (codings.size() > 1) {
                throw new MalformedHttpException("more than one Transfer-Encoding field");
            }
            if (!codings.getFirst().equalsIgnoreCase("chunked")) {
                throw new UnsupportedCodingException();
            }
            return CHUNKED;
        }
        long length = contentLength(f);
        return length <= 0 ? NONE : new BodyFraming(Kind.LENGTH, length);
    }

    /** A response's body, given the request it answers (RFC 9112 6.3). */
    static BodyFraming forResponse(RequestHead request, ResponseHead response) throws MalformedHttpException {
        int status = response.status();
        if (request.method().equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return NONE;
        }
        Fields f = response.fields();
        if (f.has("Transfer-Encoding")) {
            return chunkedLast(f) ? CHUNKED : CLOSE;
        }
        if (!f.has("Content-Length")) {
            return CLOSE;
        }
        long length = contentLength(f);
        return length == 0 ? NONE : new BodyFraming(Kind.LENGTH, length);
    }

    boolean empty() {
        return kind == Kind.NONE;
    }

    private static boolean chunkedLast(Fields f) {
        List<String> codings = f.tokens("Transfer-Encoding");
        return !codings.isEmpty() && codings.getLast().equals("chunked") && codings.indexOf("chunked") == codings.size() - 1;
    }

    /** The Content-Length (every element of every field must be the same plain number), or 0 when absent. */
    private static long contentLength(Fields f) throws MalformedHttpException {
        long length = -1;
        for (String value : f.values("Content-Length")) {
            for (String element : value.split(",", -1)) {
                String digits = element.strip();
                if (digits.isEmpty() || digits.length() > 18 || !HeadParser.all(digits, c -> c >= '0' && c <= '9')) {
                    throw new MalformedHttpException("bad Content-Length");
                }
                long n = Long.parseLong(digits);
                if (length >= 0 && n != length) {
                    throw new MalformedHttpException("differing Content-Length values");
                }
                length = n;
            }
        }
        return Math.max(length, 0);
    }
}
