package io.loomtunnel.internal.http;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a chunked body (RFC 9112 7.1) from a BufferedInput: chunk sizes are 1 to 15 hex digits,
 * extensions are checked for control characters and dropped, every chunk ends in exactly CRLF,
 * the trailer section together must fit in the buffer. Anything else is a MalformedHttpException.
 *
 * <p>Not thread-safe: one reader.
 */
final class ChunkedInput {
    /** 15 hex digits stay below Long.MAX_VALUE, so a size can never overflow. */
    private static final int MAX_SIZE_DIGITS = 15;

    private final BufferedInput in;
    private long remaining; // bytes left in the current chunk
    private boolean done;
    private Fields trailers = new Fields(List.of());

    ChunkedInput(BufferedInput in) {
        this.in = in;
    }

    /** Decoded body bytes, or -1 after the last chunk and the trailer section. */
    int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (remaining == 0) {
            remaining = chunkSize(in.readLine());
            if (remaining == 0) {
                readTrailers();
                done = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("end of stream inside a chunk");
        }
        remaining -= n;
        if (remaining == 0 && !in.readLine().isEmpty()) {
            throw new MalformedHttpException("chunk data not followed by CRLF");
        }
        return n;
    }

    /** Whether the last chunk and the trailer section have been read. */
    boolean done() {
        return done;
    }

    /** The trailer fields, once {@link #done}; checked, never yet filtered (see {@link BodyRelay#TRAILER_DENIED}). */
    Fields trailers() {
        return trailers;
    }

    static long chunkSize(String line) throws MalformedHttpException {
        int digits = 0;
        long size = 0;
        while (digits < line.length()) {
            int d = Character.digit(line.charAt(digits), 16);
            if (d < 0) {
                break;
            }
            size = size * 16 + d;
            digits++;
        }
        if (digits == 0 || digits > MAX_SIZE_DIGITS) {
            throw new MalformedHttpException("bad chunk size");
        }
        // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): optional whitespace, then ';'.
        int i = digits;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        boolean extension = i < line.length() && line.charAt(i) == ';';
        if ((i < line.length() || i > digits) && !extension
                || !line.chars().skip(i).allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f))) {
            throw new MalformedHttpException("bad chunk extension");
        }
        return size;
    }

    /** Reads and checks the trailer section, kept for {@link #trailers}. */
    private void readTrailers() throws IOException {
        List<String> lines = new ArrayList<>();
        int total = 0;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            total += line.length() + 2;
            if (total > in.capacity()) {
                throw new HeadTooLargeException(in.capacity());
            }
            lines.add(line);
        }
        trailers = HeadParser.fields(lines);
    }
}
