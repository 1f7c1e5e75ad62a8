package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams what is left of one body from a BodyReader to an output through a fixed scratch buffer,
 * never holding more than that, either as it is or in chunked framing (so a chunked body is
 * decoded and encoded again: every size line is checked, extensions are dropped). Each piece is
 * flushed as it comes, so a streaming response (server-sent events) is not held back.
 *
 * <p>Read failures surface as they are; write failures as WriteFailedException.
 */
final class BodyRelay {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private BodyRelay() {
    }

    /**
     * {@code chunked}: write chunked framing, ending with the last chunk and no trailer fields (the
     * body's own trailers are read, checked and dropped, as nginx does: a trailer must not smuggle
     * a field the head did not have).
     */
    static void relay(BodyReader body, OutputStream out, byte[] scratch, boolean chunked) throws IOException {
        relay(body, out, scratch, chunked, false);
    }

    /**
     * As {@link #relay(BodyReader, OutputStream, byte[], boolean)}; with {@code trailers} (the visitor
     * said {@code TE: trailers}, RFC 9110 10.1.4) a chunked body's own trailer fields follow the last
     * chunk, but none of {@link #TRAILER_DENIED}: nothing that frames, routes, authenticates or
     * describes the content may arrive after the head (RFC 9110 6.5.1).
     */
    static void relay(BodyReader body, OutputStream out, byte[] scratch, boolean chunked, boolean trailers) throws IOException {
        for (int n; (n = body.read(scratch, 0, scratch.length)) >= 0; ) {
            if (chunked) {
                chunk(out, scratch, n);
            } else {
                write(out, scratch, n);
            }
            flush(out);
        }
        if (chunked) {
            Fields kept = trailers ? allowedTrailers(body.trailers()) : new Fields(java.util.List.of());
            if (kept.list().isEmpty()) {
                write(out, LAST_CHUNK);
            } else {
                StringBuilder sb = new StringBuilder("0\r\n");
                kept.appendTo(sb);
                write(out, ascii(sb.append("\r\n").toString()));
            }
        }
        flush(out);
    }

    /** The fields a trailer section may not carry to the visitor. */
    static final java.util.Set<String> TRAILER_DENIED = java.util.Set.of("content-length", "transfer-encoding", "host", "connection",
            "keep-alive", "te", "trailer", "upgrade", "proxy-connection", "authorization", "proxy-authorization", "cookie",
            "set-cookie", "www-authenticate", "proxy-authenticate", "content-type", "content-encoding", "content-range",
            "location", "cache-control", "expires", "date", "vary", "age", "retry-after", "expect", "range", "max-forwards");

    /** {@code trailers} less the fields a trailer may not carry. */
    static Fields allowedTrailers(Fields trailers) {
        return trailers.without(f -> TRAILER_DENIED.contains(f.name().toLowerCase(java.util.Locale.ROOT)));
    }

    /** One chunk of {@code n} bytes (none for zero: that would be the last chunk). */
    static void chunk(OutputStream out, byte[] b, int n) throws IOException {
        if (n > 0) {
            write(out, ascii(Integer.toHexString(n) + "\r\n"));
            write(out, b, n);
            write(out, CRLF);
        }
    }

    static void write(OutputStream out, byte[] b) throws IOException {
        write(out, b, b.length);
    }

    static void write(OutputStream out, byte[] b, int n) throws IOException {
        try {
            out.write(b, 0, n);
        } catch (IOException e) {
            throw new WriteFailedException(e);
        }
    }

    static void flush(OutputStream out) throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw new WriteFailedException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
