package io.loomtunnel.internal.h2.upstream;

import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.http.Http1Requests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The header blocks of the local service's HTTP/2 response, checked by RFC 9113 8.1.1, 8.2 and
 * 8.3.2 and written as HTTP/1.1 for the tunnel stream, where the server's strict parser reads them
 * again: a head ({@code HTTP/1.1 STATUS}, the fields, and {@code Transfer-Encoding: chunked} for a
 * body to come, or {@code Content-Length: 0} for a response that ended with its head, as gRPC's
 * trailers-only answers do), and a trailer section after the last chunk. Whatever could add a
 * line, a field or a framing of its own is malformed: a pseudo-header other than one
 * {@code :status} first, a name that is not a lowercase token, a value with a control character
 * (other than HTAB) or whitespace at either end, a connection-specific field, a 101.
 */
final class ResponseHeads {
    /** A response block the service should not have sent: its stream is reset with PROTOCOL_ERROR. */
    static final class MalformedResponseException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message) {
            super("malformed response from the h2c service: " + message);
        }
    }

    /**
     * One response head as HTTP/1.1.
     *
     * @param status the status
     * @param bytes  the head through its empty line
     * @param body   whether a chunked body follows (else the response is complete with its head)
     */
    record Head(int status, byte[] bytes, boolean body) {
        boolean interim() {
            return status < 200;
        }
    }

    private ResponseHeads() {
    }

    /**
     * A HEADERS block that starts a response (or is an interim 1xx one).
     *
     * @param headRequest whether it answers a HEAD request (no body whatever the fields say)
     * @param endStream   whether the block ended the stream
     */
    static Head head(List<HeaderField> fields, boolean headRequest, boolean endStream) throws MalformedResponseException {
        if (fields.isEmpty() || !fields.getFirst().name().equals(":status")) {
            throw new MalformedResponseException("no :status first");
        }
        String code = fields.getFirst().value();
        if (code.length() != 3 || !isDigit(code.charAt(0)) || code.charAt(0) == '0' || !isDigit(code.charAt(1)) || !isDigit(code.charAt(2))) {
            throw new MalformedResponseException("bad :status");
        }
        int status = Integer.parseInt(code);
        if (status == 101) {
            throw new MalformedResponseException("101 on an HTTP/2 stream");
        }
        if (status < 200 && endStream) {
            throw new MalformedResponseException("an interim response ends the stream");
        }
        boolean noBody = status < 200 || status == 204 || status == 304 || headRequest;
        boolean body = !noBody && !endStream;
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(code).append(" \r\n");
        fields(sb, fields.subList(1, fields.size()), !(headRequest || status == 304));
        if (body) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (!noBody) {
            sb.append("Content-Length: 0\r\n");
        }
        return new Head(status, sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), body);
    }

    /** A HEADERS block after the body (it must end the stream) as the last chunk and a trailer section. */
    static byte[] trailers(List<HeaderField> fields) throws MalformedResponseException {
        StringBuilder sb = new StringBuilder(128).append("0\r\n");
        fields(sb, fields, true);
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Appends the regular fields, checked; {@code dropLength}: Content-Length is left out (the tunnel's framing replaces it). */
    private static void fields(StringBuilder sb, List<HeaderField> fields, boolean dropLength) throws MalformedResponseException {
        for (HeaderField f : fields) {
            String name = f.name();
            if (name.startsWith(":")) {
                throw new MalformedResponseException("pseudo-header " + name + " out of place");
            }
            if (!Http1Requests.isToken(name) || !name.equals(name.toLowerCase(Locale.ROOT))) {
                throw new MalformedResponseException("a field name that is not a lowercase token");
            }
            if (HeaderField.CONNECTION_SPECIFIC.contains(name)) {
                throw new MalformedResponseException("connection-specific field " + name);
            }
            String value = f.value();
            if (!isFieldValue(value)
                    || !value.isEmpty() && (isSpace(value.charAt(0)) || isSpace(value.charAt(value.length() - 1)))) {
                throw new MalformedResponseException("a control character or surrounding whitespace in the value of " + name);
            }
            if (dropLength && name.equals("content-length")) {
                continue;
            }
            sb.append(name).append(": ").append(value).append("\r\n");
        }
    }

    /** Only HTAB, visible characters, spaces and obs-text: loops, not streams (this runs for every field of every response). */
    private static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
