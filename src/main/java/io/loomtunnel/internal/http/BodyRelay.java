package io.loomtunnel.internal.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams one body from a BufferedInput to an output through a fixed scratch buffer, never holding
 * more than that. Chunked bodies are decoded and encoded again (so every size line is checked, and
 * extensions are dropped), or written decoded for an HTTP/1.0 client. Each piece is flushed as it
 * comes, so a streaming response (server-sent events) is not held back.
 *
 * <p>Read failures surface as they are; write failures as WriteFailedException.
 */
final class BodyRelay {
    private static final byte[] CRLF = {'\r', '\n'};

    private BodyRelay() {
    }

    /** {@code rechunk}: for CHUNKED, write chunked framing (true) or just the data (false). */
    static void relay(BodyFraming framing, BufferedInput in, OutputStream out, byte[] scratch, boolean rechunk)
            throws IOException {
        switch (framing.kind()) {
            case NONE -> flush(out);
            case LENGTH -> copyLength(framing.length(), in, out, scratch);
            case CLOSE -> copyToEnd(in, out, scratch);
            case CHUNKED -> copyChunked(new ChunkedInput(in), out, scratch, rechunk);
        }
    }

    private static void copyLength(long length, BufferedInput in, OutputStream out, byte[] scratch) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new EOFException("end of stream with " + left + " of " + length + " body bytes missing");
            }
            put(out, scratch, n);
            flush(out);
            left -= n;
        }
        flush(out);
    }

    private static void copyToEnd(BufferedInput in, OutputStream out, byte[] scratch) throws IOException {
        for (int n; (n = in.read(scratch, 0, scratch.length)) >= 0; ) {
            put(out, scratch, n);
            flush(out);
        }
    }

    private static void copyChunked(ChunkedInput in, OutputStream out, byte[] scratch, boolean rechunk)
            throws IOException {
        for (int n; (n = in.read(scratch, 0, scratch.length)) >= 0; ) {
            if (rechunk) {
                put(out, ascii(Integer.toHexString(n) + "\r\n"));
                put(out, scratch, n);
                put(out, CRLF);
            } else {
                put(out, scratch, n);
            }
            flush(out);
        }
        if (rechunk) {
            StringBuilder end = new StringBuilder("0\r\n");
            in.trailers().appendTo(end);
            put(out, ascii(end.append("\r\n").toString()));
        }
        flush(out);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void put(OutputStream out, byte[] b) throws IOException {
        put(out, b, b.length);
    }

    private static void put(OutputStream out, byte[] b, int n) throws IOException {
        try {
            out.write(b, 0, n);
        } catch (IOException e) {
            throw new WriteFailedException(e);
        }
    }

    private static void flush(OutputStream out) throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw new WriteFailedException(e);
        }
    }
}
