package io.loomtunnel.internal.http;

import io.loomtunnel.internal.h2.HeaderField;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An HTTP/2 request's header block checked by RFC 9113 8.2 and 8.3 and rewritten as the HTTP/1.1
 * request head the ingress's handler reads (so that the same parser, routing and policies apply).
 * Whatever RFC 9113 calls malformed is a {@link MalformedHttpException} (the stream is then reset
 * with PROTOCOL_ERROR): an uppercase or non-token name, a value with CR, LF or NUL or with
 * whitespace at either end, a connection-specific field, a pseudo-header unknown, repeated, after
 * a regular field or missing, {@code :authority} and {@code host} that differ, a content-length
 * that is not one plain number, or one above zero on a request without body.
 *
 * @param method        the request's method
 * @param head          the HTTP/1.1 head, through its empty line
 * @param contentLength the body's announced length, -1 if none was given
 * @param chunked       whether the body follows the head in chunked coding (a body of unknown length)
 */
record H2Request(String method, byte[] head, long contentLength, boolean chunked) {
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    /** {@code endStream}: the HEADERS frame ended the stream, so the request has no body. */
    static H2Request of(List<HeaderField> fields, boolean endStream) throws MalformedHttpException {
        String method = null;
        String scheme = null;
        String authority = null;
        String path = null;
        String host = null;
        String cookie = null;
        long contentLength = -1;
        boolean regularSeen = false;
        StringBuilder rest = new StringBuilder(256);
        for (HeaderField f : fields) {
            String name = f.name();
            String value = f.value();
            checkValue(name, value);
            if (name.startsWith(":")) {
                if (regularSeen) {
                    throw new MalformedHttpException("a pseudo-header after a regular field");
                }
                switch (name) {
                    case ":method" -> method = once(method, name, value);
                    case ":scheme" -> scheme = once(scheme, name, value);
                    case ":authority" -> authority = once(authority, name, value);
                    case ":path" -> path = once(path, name, value);
                    default -> throw new MalformedHttpException("unknown pseudo-header " + name);
                }
                continue;
            }
            regularSeen = true;
            if (!HeadParser.isToken(name) || !name.equals(name.toLowerCase(Locale.ROOT))) {
                throw new MalformedHttpException("a field name that is not a lowercase token");
            }
            if (CONNECTION_SPECIFIC.contains(name)) {
                throw new MalformedHttpException("connection-specific field " + name);
            }
            switch (name) {
                case "te" -> {
                    if (!value.equals("trailers")) {
                        throw new MalformedHttpException("te other than trailers");
                    }
                    rest.append("TE: trailers\r\n"); // the visitor takes trailer fields: the handler then relays them
                }
                case "host" -> host = once(host, name, value);
                case "cookie" -> cookie = cookie == null ? value : cookie + "; " + value; // RFC 9113 8.2.3
                case "content-length" -> {
                    long n = length(value);
                    if (contentLength >= 0 && n != contentLength) {
                        throw new MalformedHttpException("differing content-length values");
                    }
                    contentLength = n;
                }
                default -> rest.append(name).append(": ").append(value).append("\r\n");
            }
        }
        if (method == null || scheme == null || path == null || path.isEmpty()) {
            throw new MalformedHttpException(method != null && method.equals("CONNECT") ? "CONNECT is not supported"
                    : "a request without :method, :scheme or :path");
        }
        if (authority != null && host != null && !authority.equals(host)) {
            throw new MalformedHttpException(":authority and host differ");
        }
        if (endStream && contentLength > 0) {
            throw new MalformedHttpException("content-length above zero on a request without body");
        }
        if (!HeadParser.all(path, c -> c > 0x20 && c < 0x7f)) {
            throw new MalformedHttpException(":path holds a character outside VCHAR");
        }
        StringBuilder sb = new StringBuilder(rest.length() + 128);
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        String hostValue = authority != null ? authority : host;
        if (hostValue != null) {
            sb.append("Host: ").append(hostValue).append("\r\n");
        }
        sb.append(rest);
        if (cookie != null) {
            sb.append("cookie: ").append(cookie).append("\r\n");
        }
        boolean chunked = !endStream && contentLength < 0;
        if (contentLength >= 0) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        } else if (chunked) {
            sb.append("Transfer-Encoding: chunked\r\n");
        }
        sb.append("\r\n");
        return new H2Request(method, sb.toString().getBytes(StandardCharsets.ISO_8859_1), contentLength, chunked);
    }

    private static String once(String previous, String name, String value) throws MalformedHttpException {
        if (previous != null) {
            throw new MalformedHttpException("repeated " + name);
        }
        return value;
    }

    /** RFC 9113 8.2.1: no NUL, CR or LF anywhere, no whitespace at either end (the rest is HeadParser's). */
    private static void checkValue(String name, String value) throws MalformedHttpException {
        if (name.isEmpty()) {
            throw new MalformedHttpException("an empty field name");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                throw new MalformedHttpException("NUL, CR or LF in the value of " + name);
            }
        }
        if (!value.isEmpty() && isSpace(value.charAt(0)) || !value.isEmpty() && isSpace(value.charAt(value.length() - 1))) {
            throw new MalformedHttpException("whitespace around the value of " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ':' && i > 0) {
                throw new MalformedHttpException("a field name with a control character, space or colon");
            }
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static long length(String value) throws MalformedHttpException {
        if (value.isEmpty() || value.length() > 18 || !HeadParser.all(value, c -> c >= '0' && c <= '9')) {
            throw new MalformedHttpException("bad content-length");
        }
        return Long.parseLong(value);
    }
}
