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
        for (int n; (n = body.read(scratch, 0, scratch.length)) >= 0; ) {
            if (chunked) {
                chunk(out, scratch, n);
            } else {
                write(out, scratch, n);
            }
            flush(out);
        }
        if (chunked) {
            write(out, LAST_CHUNK);
        }
        flush(out);
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
